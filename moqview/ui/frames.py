"""Turning decoded pictures into what the view draws, on the decoder's worker
thread.

GPU path: the planes are copied into a mapped YUV420P QVideoFrame as they are,
and the GPU converts them to RGB when the view draws the frame. CPU path:
FFmpeg's scaler converts the picture to RGB at the view's pixel size, so the
GUI thread only copies it to the screen (see ``renderer``).
"""

import logging
from dataclasses import dataclass

import numpy as np
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage, QTransform
from PySide6.QtMultimedia import QtVideo, QVideoFrame, QVideoFrameFormat

from moqview.media.video import Picture

log = logging.getLogger(__name__)

_ROTATIONS = {
    0: QtVideo.Rotation.None_,
    90: QtVideo.Rotation.Clockwise90,
    180: QtVideo.Rotation.Clockwise180,
    270: QtVideo.Rotation.Clockwise270,
}
# FFmpeg's "bgra" is the byte order of QImage's RGB32 on little-endian machines,
# the only kind moqview's wheels exist for.
_RGB32 = QImage.Format.Format_RGB32


# FFmpeg's matrix coefficients (AVColorSpace) and ranges (AVColorRange).
_BT709, _UNSPECIFIED, _BT601 = 1, 2, 6
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG
# The matrices as Qt's colour spaces.
_QT_MATRICES = {
    1: QVideoFrameFormat.ColorSpace.ColorSpace_BT709,
    5: QVideoFrameFormat.ColorSpace.ColorSpace_BT601,
    6: QVideoFrameFormat.ColorSpace.ColorSpace_BT601,
    9: QVideoFrameFormat.ColorSpace.ColorSpace_BT2020,
    10: QVideoFrameFormat.ColorSpace.ColorSpace_BT2020,
}


def stream_matrix(frame) -> int:
    """The matrix ``frame`` is converted with on both picture paths: its own
    when the stream says, else the usual convention, BT.709 from 720 lines up
    and BT.601 below (FFmpeg's scaler would take BT.601 for every size)."""
    if frame.colorspace != _UNSPECIFIED:
        return frame.colorspace
    return _BT709 if frame.height >= 720 else _BT601


def full_range(frame) -> bool:
    return frame.color_range == _FULL_RANGE or frame.format.name == "yuvj420p"


def _describe_colours(frame_format: QVideoFrameFormat, source) -> None:
    """The decoded frame's matrix and range on ``frame_format``."""
    frame_format.setColorSpace(
        _QT_MATRICES.get(stream_matrix(source), _QT_MATRICES[_BT601])
    )
    frame_format.setColorRange(
        QVideoFrameFormat.ColorRange.ColorRange_Full
        if full_range(source)
        else QVideoFrameFormat.ColorRange.ColorRange_Video
    )


def video_frame(picture: Picture, rotation: int = 0, mirrored: bool = False):
    """A QVideoFrame in Format_YUV420P holding ``picture``'s planes."""
    frame_format = QVideoFrameFormat(
        QSize(picture.width, picture.height),
        QVideoFrameFormat.PixelFormat.Format_YUV420P,
    )
    if picture.source is not None:
        _describe_colours(frame_format, picture.source)
    # QVideoWidget reads the turn and the flip from the format, not from the
    # frame's own setters, and applies them in the catalog's order: turn
    # clockwise, then flip horizontally.
    frame_format.setRotation(_ROTATIONS.get(rotation % 360, QtVideo.Rotation.None_))
    frame_format.setMirrored(mirrored)
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
    return frame


@dataclass(frozen=True, slots=True)
class ScaledPicture:
    """A picture in RGB at the size it is drawn, rotated and flipped already.

    ``picture`` (the full-size planes) is kept for a screenshot; ``pixels``
    owns the memory ``image`` reads.
    """

    image: QImage
    picture: Picture
    rotation: int
    mirrored: bool
    pixels: object

    def full_image(self) -> QImage:
        """The picture at its own size, unrotated like the GPU path's screenshot
        (converted now, on the calling thread)."""
        picture = self.picture
        if picture.source is None:
            frame = video_frame(picture)
            return frame.toImage().copy()  # the image must outlive the frame
        pixels = Scaler().rgb(picture.source, picture.width, picture.height)
        # The copy owns its pixels once ``pixels`` is gone.
        return _image(pixels, picture.width, picture.height).copy()


class Scaler:
    """FFmpeg's scaler turning decoded pictures into RGB32 at the size they are
    drawn, on the decoder's worker thread.

    It works in two steps: the YUV planes are scaled first, then converted at
    the new size. FFmpeg converts unscaled YUV 4:2:0 to RGB with SIMD code, but
    writes scaled RGB with plain C, so the two steps take about a third fewer
    instructions than one (``moqview bench playback`` prints the cost). Each
    step keeps its context between pictures of the same size.
    """

    def __init__(self):
        self._resize = VideoReformatter()
        self._convert = VideoReformatter()

    def rgb(self, frame, width: int, height: int):
        """``frame`` (an av.VideoFrame in YUV) as a bgra frame of that size."""
        # Decided on the decoded frame: the matrix convention goes by its height.
        matrix, full = stream_matrix(frame), full_range(frame)
        if (width, height) != (frame.width, frame.height):
            frame = self._resize.reformat(
                frame, width, height, interpolation="BILINEAR", threads=1
            )
        return self._convert.reformat(
            frame,
            format="bgra",
            src_colorspace=matrix,
            src_color_range="JPEG" if full else None,
            threads=1,
        )


def _image(pixels, width: int, height: int) -> QImage:
    plane = pixels.planes[0]
    return QImage(plane, width, height, plane.line_size, _RGB32)


def scaled_picture(
    picture: Picture,
    size: tuple[int, int],
    rotation: int = 0,
    mirrored: bool = False,
    scaler: Scaler | None = None,
) -> ScaledPicture:
    """``picture`` converted to RGB32 and scaled to ``size`` (width, height as
    drawn, after rotation) by FFmpeg; ``scaler`` keeps its contexts between
    calls.
    """
    rotation %= 360
    width, height = max(size[0], 1), max(size[1], 1)
    if rotation in (90, 270):
        width, height = height, width
    if picture.source is None:
        # Planes from elsewhere: let Qt convert them (slower, and not expected).
        pixels = video_frame(picture)
        image = pixels.toImage().scaled(width, height).convertToFormat(_RGB32)
    else:
        pixels = (scaler or Scaler()).rgb(picture.source, width, height)
        image = _image(pixels, width, height)

    # The catalog's order: turn clockwise first, then flip the turned picture.
    if rotation:
        image = image.transformed(QTransform().rotate(rotation))
    if mirrored:
        image = image.flipped(Qt.Orientation.Horizontal)
    return ScaledPicture(image, picture, rotation, mirrored, pixels)


class FramePoster(QObject):
    """Builds frames on the worker thread and posts them to the GUI thread.

    ``post`` is the ``present`` callable of a VideoWorker. On the GPU path it
    emits ``ready(QVideoFrame)``, on the CPU path ``scaled(ScaledPicture)`` at
    the size last given to ``scale_to``; both reach receivers on the GUI thread
    through Qt's queued connection.
    """

    ready = Signal(QVideoFrame)
    scaled = Signal(object)

    def __init__(self, parent: QObject | None = None, renderer: str = "gpu"):
        super().__init__(parent)
        self.renderer = renderer
        self.rotation = 0  # degrees clockwise, from the catalog
        self.mirrored = False
        # Written on the GUI thread, read on the worker: one tuple, swapped whole.
        self._size: tuple[int, int] | None = None
        self._scaler = Scaler()  # used on the worker thread only

    @Slot(int, int)
    def scale_to(self, width: int, height: int) -> None:
        """The size in device pixels the CPU path draws pictures at."""
        self._size = (width, height)

    def post(self, picture: Picture) -> None:
        if self.renderer != "cpu":
            self.ready.emit(video_frame(picture, self.rotation, self.mirrored))
            return
        size = self._size
        if size is None:
            size = (picture.width, picture.height)
            if self.rotation % 180 == 90:
                size = size[::-1]
        self.scaled.emit(
            scaled_picture(picture, size, self.rotation, self.mirrored, self._scaler)
        )
