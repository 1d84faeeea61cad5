"""Video decoding with PyAV: encoded frames in, YUV 4:2:0 pictures out.

The decoder keeps pictures in YUV420P (converting other YUV layouts, never to
RGB) so that the view can hand them to the GPU as they are. A decoding error
drops the decoder's state and waits for the next keyframe.
"""

import logging
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from . import codecs

log = logging.getLogger(__name__)

MICROSECONDS = Fraction(1, 1_000_000)


@dataclass(frozen=True)
class VideoConfig:
    """What the decoder needs from a catalog rendition."""

    codec: str
    description: bytes = b""


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture in YUV420P: three planes of rows, possibly strided.

    ``source`` is the PyAV frame the planes view (None when they came from
    elsewhere): the CPU picture path scales and converts it with FFmpeg.
    """

    width: int
    height: int
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    timestamp_us: int
    source: av.VideoFrame | None = None

    @property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.y, self.u, self.v


def picture_from(frame: av.VideoFrame, timestamp_us: int) -> Picture:
    """Wrap a decoded frame as YUV420P planes, converting other layouts first."""
    if frame.format.name not in ("yuv420p", "yuvj420p"):
        frame = frame.reformat(format="yuv420p")
    width, height = frame.width, frame.height
    chroma = ((width + 1) // 2, (height + 1) // 2)
    planes = []
    for (columns, rows), plane in zip(
        ((width, height), chroma, chroma), frame.planes, strict=True
    ):
        rows_of_bytes = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
        planes.append(rows_of_bytes[:rows, :columns])
    return Picture(width, height, *planes, timestamp_us, frame)


class VideoDecoder:
    """One PyAV decoder for one rendition; reconfigured when the catalog changes.

    Used from a single thread (the track's decoder worker). ``decode`` returns
    the pictures that became ready, in presentation order, and never raises for
    bad input: it counts the error and waits for a keyframe instead.
    """

    def __init__(self, config: VideoConfig):
        self.info = codecs.resolve(config.codec)
        self.config = config
        self.errors = 0
        self._context: av.VideoCodecContext | None = None
        self._annexb: bool | None = None  # decided by the first payload
        self._prefix = b""  # parameter sets to put before keyframes, Annex-B mode
        self._length_size = codecs.nal_length_size(self.info.family, config.description)
        self.needs_keyframe = True

    @property
    def label(self) -> str:
        return self.info.label

    def _open(self, annexb: bool) -> None:
        family = self.info.family
        context = av.CodecContext.create(self.info.decoder, "r")
        description = self.config.description
        if family in ("h264", "hevc") and annexb:
            # Annex-B payloads: the decoder reads inline parameter sets; those of
            # an avcC/hvcC description go in front of each keyframe.
            sets = codecs.parameter_sets(family, description)
            self._prefix = b"".join(codecs.START_CODE + s for s in sets)
        elif description and family in ("h264", "hevc", "av1"):
            context.extradata = description
        context.thread_type = "SLICE"  # frame threading would delay every frame
        context.thread_count = 2
        context.open()
        self._context = context
        self._annexb = annexb
        log.info(
            "video decoder %s opened (%s)",
            self.info.decoder,
            "Annex-B" if annexb else "length-prefixed" if description else "raw",
        )

    def decode(self, payload: bytes, timestamp_us: int, keyframe: bool) -> list:
        """Decode one encoded frame; returns the Pictures that are ready."""
        if self.needs_keyframe and not keyframe:
            return []

        family = self.info.family
        if family in ("h264", "hevc"):
            annexb = codecs.is_annexb(payload, self._length_size)
            if not annexb and not self.config.description:
                # Length-prefixed without avcC/hvcC: only inline sets can help.
                payload, annexb = codecs.to_annexb(payload, self._length_size), True
            if self._context is None or annexb != self._annexb:
                self._open(annexb)
            if annexb and keyframe and self._prefix:
                payload = self._prefix + payload
        elif self._context is None:
            self._open(False)

        packet = av.Packet(payload)
        packet.pts = timestamp_us
        packet.time_base = MICROSECONDS
        try:
            frames = self._context.decode(packet)
        except av.FFmpegError as error:
            self._failed(error)
            return []
        self.needs_keyframe = False
        return [picture_from(f, self._timestamp(f, timestamp_us)) for f in frames]

    @staticmethod
    def _timestamp(frame: av.VideoFrame, fallback: int) -> int:
        return frame.pts if frame.pts is not None else fallback

    def _failed(self, error: Exception) -> None:
        self.errors += 1
        self.needs_keyframe = True
        self._context = None  # a fresh decoder starts at the next keyframe
        log.warning("video decoding failed (%s); waiting for a keyframe", error)

    def flush(self) -> list:
        """Pictures still held for reordering at the end of the stream."""
        if self._context is None:
            return []
        try:
            frames = self._context.decode(None)
        except av.FFmpegError:
            return []
        return [picture_from(f, self._timestamp(f, 0)) for f in frames]
