"""Turning decoded pictures into QVideoFrames, on the decoder's worker thread.

The planes are copied into a mapped YUV420P frame as they are: colour
conversion happens on the GPU when the view draws the frame.
"""

import logging

import numpy as np
from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtMultimedia import QtVideo, QVideoFrame, QVideoFrameFormat

from moqview.media.video import Picture

log = logging.getLogger(__name__)

_ROTATIONS = {
    0: QtVideo.Rotation.None_,
    90: QtVideo.Rotation.Clockwise90,
    180: QtVideo.Rotation.Clockwise180,
    270: QtVideo.Rotation.Clockwise270,
}


def video_frame(picture: Picture, rotation: int = 0, mirrored: bool = False):
    """A QVideoFrame in Format_YUV420P holding ``picture``'s planes."""
    frame_format = QVideoFrameFormat(
        QSize(picture.width, picture.height),
        QVideoFrameFormat.PixelFormat.Format_YUV420P,
    )
    frame = QVideoFrame(frame_format)
    if not frame.map(QVideoFrame.MapMode.WriteOnly):
        raise RuntimeError("could not map a video frame for writing")
    try:
        for index, plane in enumerate(picture.planes):
            rows, columns = plane.shape
            stride = frame.bytesPerLine(index)
            target = np.frombuffer(frame.bits(index), np.uint8)
            target[: rows * stride].reshape(rows, stride)[:, :columns] = plane
    finally:
        frame.unmap()
    frame.setStartTime(picture.timestamp_us)
    frame.setRotation(_ROTATIONS.get(rotation % 360, QtVideo.Rotation.None_))
    frame.setMirrored(mirrored)
    return frame


class FramePoster(QObject):
    """Builds frames on the worker thread and posts them to the GUI thread.

    ``post`` is the ``present`` callable of a VideoWorker; ``ready`` reaches
    receivers on the GUI thread through Qt's queued connection.
    """

    ready = Signal(QVideoFrame)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rotation = 0  # degrees clockwise, from the catalog
        self.mirrored = False

    def post(self, picture: Picture) -> None:
        self.ready.emit(video_frame(picture, self.rotation, self.mirrored))
