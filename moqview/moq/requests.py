"""Serving on demand: broadcasts, tracks and groups requested by subscribers.

Each wrapper delivers request values whose handle the receiver must answer
(accept or reject) on its own thread; an unanswered request is rejected when
freed. The name or path is read on libmoq's thread before the value travels.
"""

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import ffi, lib
from .origin import Origin
from .registration import Registration

log = logging.getLogger(__name__)


def _read_string(call, handle: int) -> str:
    dst = ffi.new("moq_string *")
    if call(handle, dst) < 0:
        return ""
    return ffi.unpack(dst.data, dst.len).decode("utf-8", "replace")


@dataclass
class BroadcastRequest:
    """A subscriber asked for ``path``; answer with accept() or reject()."""

    handle: int
    path: str

    def accept(self, broadcast_id: int) -> None:
        """Serve it with an unannounced PublishedBroadcast's id."""
        code = lib.moq_broadcast_request_accept(self.handle, broadcast_id)
        errors.check("moq_broadcast_request_accept", code)

    def reject(self, error_code: int = 404) -> None:
        lib.moq_broadcast_request_reject(self.handle, error_code)


@dataclass
class TrackRequest:
    """A subscriber asked for the track ``name`` of a published broadcast."""

    handle: int
    name: str

    def accept(self) -> int:
        """Serve it as a raw track; returns the track's id for Track(...)."""
        code = lib.moq_track_request_accept(self.handle, ffi.NULL)
        return errors.check("moq_track_request_accept", code)

    def abort(self, error_code: int = 404) -> None:
        lib.moq_track_request_abort(self.handle, error_code)


@dataclass
class GroupRequest:
    """A subscriber fetched group ``sequence``, which is not cached."""

    handle: int
    sequence: int

    def accept(self) -> int:
        code = lib.moq_group_request_accept(self.handle)
        return errors.check("moq_group_request_accept", code)

    def abort(self, error_code: int = 404) -> None:
        lib.moq_group_request_abort(self.handle, error_code)


class BroadcastRequests(Registration):
    """Owns moq_origin_dynamic: requests for unannounced paths under ``prefix``.

    Signals: requested(BroadcastRequest), closed(code, reason).
    """

    requested = Signal(object)
    _close_call = lib.moq_origin_dynamic_cancel

    def __init__(self, origin: Origin, prefix: str, parent: QObject | None = None):
        super().__init__(parent)
        encoded = prefix.encode()
        self._register("moq_origin_dynamic", origin.id, encoded, len(encoded), ffi.NULL)

    def _deliver(self, handle: int) -> None:
        path = _read_string(lib.moq_broadcast_request_path, handle)
        self._result.emit(BroadcastRequest(handle, path))

    @Slot(object)
    def _publish(self, request: BroadcastRequest) -> None:
        self.requested.emit(request)


class TrackRequests(Registration):
    """Owns moq_publish_dynamic: requests for tracks a broadcast does not have.

    Signals: requested(TrackRequest), closed(code, reason).
    """

    requested = Signal(object)
    _close_call = lib.moq_publish_dynamic_cancel

    def __init__(self, broadcast_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self._register("moq_publish_dynamic", broadcast_id)

    def _deliver(self, handle: int) -> None:
        name = _read_string(lib.moq_track_request_name, handle)
        self._result.emit(TrackRequest(handle, name))

    @Slot(object)
    def _publish(self, request: TrackRequest) -> None:
        self.requested.emit(request)


class GroupRequests(Registration):
    """Owns moq_publish_track_dynamic: fetches of groups a track has not cached.

    Signals: requested(GroupRequest), closed(code, reason).
    """

    requested = Signal(object)
    _close_call = lib.moq_publish_dynamic_cancel

    def __init__(self, track_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self._sequence = ffi.new("uint64_t *")
        self._register("moq_publish_track_dynamic", track_id)

    def _deliver(self, handle: int) -> None:
        lib.moq_group_request_sequence(handle, self._sequence)
        self._result.emit(GroupRequest(handle, self._sequence[0]))

    @Slot(object)
    def _publish(self, request: GroupRequest) -> None:
        self.requested.emit(request)
