"""libmoq's own decoders (moq_decode_video / moq_decode_audio): I420 and PCM.

An alternative to decoding with PyAV: libmoq subscribes and decodes on its own
thread, and the trampoline copies each picture or PCM block out. Only H.264 is
decoded for video by this libmoq release.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from ._libmoq import ffi, lib
from .catalog import Catalog
from .registration import Registration

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded I420 picture: Y, then U, then V, no row padding."""

    data: bytes
    width: int
    height: int
    timestamp_us: int


@dataclass(frozen=True, slots=True)
class PcmBlock:
    """Interleaved 32-bit float PCM."""

    data: bytes
    sample_rate: int
    channels: int
    timestamp_us: int


class DecodedVideo(Registration):
    """Owns moq_decode_video. Signals: picture(Picture) without a sink; closed."""

    picture = Signal(object)
    _close_call = lib.moq_decode_video_cancel

    def __init__(
        self,
        catalog: Catalog,
        index: int,
        max_latency_us: int = 500_000,
        width: int = 0,
        height: int = 0,
        sink: Callable[[Picture], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._sink = sink or self._result.emit
        self._dst = ffi.new("moq_video_frame *")
        output = ffi.new(
            "moq_video_decoder_output *",
            {
                "max_age_us": max_latency_us,
                "format": lib.MOQ_VIDEO_PIXEL_FORMAT_I420,
                "width": width,
                "height": height,
            },
        )
        catalog.with_snapshot(
            lambda snapshot: self._register("moq_decode_video", snapshot, index, output)
        )

    def _deliver(self, frame_id: int) -> None:
        dst = self._dst
        code = lib.moq_decode_video_frame(frame_id, dst)
        if code >= 0:
            picture = Picture(
                bytes(ffi.buffer(dst.data, dst.data_size)),
                dst.width,
                dst.height,
                dst.timestamp_us,
            )
        lib.moq_decode_video_frame_free(frame_id)
        if code >= 0:
            self._sink(picture)

    @Slot(object)
    def _publish(self, picture: Picture) -> None:
        self.picture.emit(picture)


class DecodedAudio(Registration):
    """Owns moq_decode_audio. Signals: pcm(PcmBlock) without a sink; closed."""

    pcm = Signal(object)
    _close_call = lib.moq_decode_audio_cancel

    def __init__(
        self,
        catalog: Catalog,
        index: int,
        sample_rate: int,
        channels: int,
        max_latency_us: int = 200_000,
        sink: Callable[[PcmBlock], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._sink = sink or self._result.emit
        self._dst = ffi.new("moq_audio_frame *")
        self._sample_rate = sample_rate
        self._channels = channels
        output = ffi.new(
            "moq_audio_decoder_output *",
            {
                "format": lib.MOQ_AUDIO_SAMPLE_FORMAT_F32,
                "sample_rate": sample_rate,
                "channels": channels,
                "max_age_us": max_latency_us,
            },
        )
        catalog.with_snapshot(
            lambda snapshot: self._register("moq_decode_audio", snapshot, index, output)
        )

    def _deliver(self, frame_id: int) -> None:
        dst = self._dst
        code = lib.moq_decode_audio_frame(frame_id, dst)
        if code >= 0:
            block = PcmBlock(
                bytes(ffi.buffer(dst.data, dst.data_size)),
                self._sample_rate,
                self._channels,
                dst.timestamp_us,
            )
        lib.moq_decode_audio_frame_free(frame_id)
        if code >= 0:
            self._sink(block)

    @Slot(object)
    def _publish(self, block: PcmBlock) -> None:
        self.pcm.emit(block)
