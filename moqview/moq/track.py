"""Consumed tracks: encoded media, raw tracks, datagrams and JSON values.

Each wrapper owns one libmoq registration. Its trampoline reads every frame,
copies the payload and frees libmoq's id straight away, then hands the value to
a sink: by default the wrapper's ``frame`` signal (emitted on the wrapper's
thread), or any callable given as ``sink``, such as a thread-safe queue's
``put`` feeding a decoder thread. A given sink runs on libmoq's thread and must
not block.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import ffi, lib
from .broadcast import Broadcast
from .catalog import Catalog
from .registration import Registration

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: its payload, presentation time in microseconds, keyframe flag."""

    payload: bytes
    timestamp_us: int
    keyframe: bool


@dataclass(frozen=True, slots=True)
class Datagram:
    payload: bytes
    timestamp_us: int
    sequence: int


@dataclass(frozen=True)
class Subscription:
    """Delivery preferences of a raw track (moq_subscription); None is unset."""

    priority: int = 0
    max_age_us: int = 0
    group_start: int | None = None
    group_end: int | None = None

    def to_c(self):
        c_subscription = ffi.new("moq_subscription *")
        c_subscription.priority = self.priority
        c_subscription.max_age_us = self.max_age_us
        if self.group_start is not None:
            c_subscription.group_start = self.group_start
            c_subscription.group_start_present = True
        if self.group_end is not None:
            c_subscription.group_end = self.group_end
            c_subscription.group_end_present = True
        return c_subscription


class _FrameTrack(Registration):
    """Shared by the wrappers whose results are moq_frame ids."""

    frame = Signal(object)
    _read_call = lib.moq_consume_frame
    _free_call = lib.moq_consume_frame_free

    def __init__(self, sink: Callable[[Frame], None] | None, parent: QObject | None):
        super().__init__(parent)
        self._sink = sink or self._result.emit
        self._dst = ffi.new("moq_frame *")

    def _deliver(self, frame_id: int) -> None:
        dst = self._dst
        code = type(self)._read_call(frame_id, dst)
        if code >= 0:
            frame = Frame(
                bytes(ffi.buffer(dst.payload, dst.payload_size)),
                dst.timestamp_us,
                bool(dst.keyframe),
            )
        else:
            log.warning("unreadable frame: %s", errors.last_error())
        type(self)._free_call(frame_id)
        if code >= 0:
            self._sink(frame)

    @Slot(object)
    def _publish(self, frame: Frame) -> None:
        self.frame.emit(frame)


class _RenditionTrack(_FrameTrack):
    """A track opened by its index in the newest catalog snapshot."""

    _consume_call: str

    def __init__(
        self,
        catalog: Catalog,
        index: int,
        max_latency_us: int = 500_000,
        sink: Callable[[Frame], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(sink, parent)
        self.index = index
        catalog.with_snapshot(
            lambda snapshot: self._register(
                self._consume_call, snapshot, index, max_latency_us
            )
        )


class VideoTrack(_RenditionTrack):
    """Owns moq_consume_video: encoded frames of one video rendition, in order.

    ``max_latency_us`` is libmoq's latency bound (max_age_us): how much may be
    buffered before a group is skipped. Signals: frame(Frame) when no sink is
    given, closed(code, reason) once.
    """

    _consume_call = "moq_consume_video"
    _close_call = lib.moq_consume_video_cancel


class AudioTrack(_RenditionTrack):
    """Owns moq_consume_audio: encoded frames of one audio rendition, in order.

    Arguments and signals as VideoTrack.
    """

    _consume_call = "moq_consume_audio"
    _close_call = lib.moq_consume_audio_cancel


class RawTrack(_FrameTrack):
    """Owns moq_consume_track: the frames of a track by name, whatever they hold."""

    _close_call = lib.moq_consume_track_cancel
    _read_call = lib.moq_consume_track_frame
    _free_call = lib.moq_consume_track_frame_free

    def __init__(
        self,
        broadcast: Broadcast,
        name: str,
        subscription: Subscription | None = None,
        sink: Callable[[Frame], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(sink, parent)
        self.name = name
        encoded = name.encode()
        c_subscription = subscription.to_c() if subscription else ffi.NULL
        self._register(
            "moq_consume_track", broadcast.id, encoded, len(encoded), c_subscription
        )

    def update(self, subscription: Subscription | None) -> None:
        """Change delivery preferences (moq_consume_track_update); None resets."""
        c_subscription = subscription.to_c() if subscription else ffi.NULL
        errors.check(
            "moq_consume_track_update",
            lib.moq_consume_track_update(self._id, c_subscription),
        )


class Datagrams(Registration):
    """Owns moq_consume_datagrams: a track's datagrams in arrival order."""

    datagram = Signal(object)
    _close_call = lib.moq_consume_datagrams_cancel

    def __init__(
        self,
        broadcast: Broadcast,
        name: str,
        sink: Callable[[Datagram], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._sink = sink or self._result.emit
        self._dst = ffi.new("moq_datagram *")
        encoded = name.encode()
        self._register("moq_consume_datagrams", broadcast.id, encoded, len(encoded))

    def _deliver(self, datagram_id: int) -> None:
        dst = self._dst
        code = lib.moq_consume_datagram(datagram_id, dst)
        if code >= 0:
            value = Datagram(
                bytes(ffi.buffer(dst.payload, dst.payload_size)),
                dst.timestamp_us,
                dst.sequence,
            )
        lib.moq_consume_datagram_free(datagram_id)
        if code >= 0:
            self._sink(value)

    @Slot(object)
    def _publish(self, datagram: Datagram) -> None:
        self.datagram.emit(datagram)


class JsonTrack(Registration):
    """Owns moq_consume_json_snapshot (latest value) or moq_consume_json_stream.

    Signals: value(object) with each parsed JSON document; closed once.
    """

    value = Signal(object)
    _close_call = lib.moq_consume_json_cancel

    def __init__(
        self,
        broadcast: Broadcast,
        name: str,
        *,
        stream: bool = False,
        compression: bool = False,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._dst = ffi.new("moq_json_value *")
        encoded = name.encode()
        if stream:
            config = ffi.new("moq_json_stream_config *", {"compression": compression})
            call = "moq_consume_json_stream"
        else:
            config = ffi.new("moq_json_snapshot_config *", {"compression": compression})
            call = "moq_consume_json_snapshot"
        self._register(call, broadcast.id, encoded, len(encoded), config)

    def _deliver(self, value_id: int) -> None:
        code = lib.moq_consume_json_value(value_id, self._dst)
        text = ffi.unpack(self._dst.json, self._dst.json_len) if code >= 0 else b""
        lib.moq_consume_json_value_free(value_id)
        if code >= 0:
            self._result.emit(text)

    @Slot(object)
    def _publish(self, text: bytes) -> None:
        try:
            self.value.emit(json.loads(text))
        except ValueError:
            log.warning("JSON track delivered a value that is not JSON")
