"""Broadcast handles to consume, and the two ways of getting one from an origin."""

import logging

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import lib
from .origin import Origin
from .registration import Registration

log = logging.getLogger(__name__)


class Broadcast:
    """A broadcast to consume catalogs and tracks from (a moq_consume_* handle).

    Delivered by BroadcastWait or BroadcastRequest; whoever receives it closes
    it (moq_consume_close) when done. Closing twice is harmless.
    """

    def __init__(self, handle: int, path: str):
        self.id = handle
        self.path = path

    def close(self) -> None:
        if self.id:
            lib.moq_consume_close(self.id)
            self.id = 0

    def __repr__(self) -> str:
        return f"Broadcast({self.path!r}, id={self.id})"


class _BroadcastLookup(Registration):
    """A registration that delivers broadcast handles for one path."""

    available = Signal(object)

    def __init__(self, call: str, origin: Origin, path: str, parent: QObject | None):
        super().__init__(parent)
        self.path = path
        encoded = path.encode()
        self._register(call, origin.id, encoded, len(encoded))

    def _deliver(self, handle: int) -> None:
        self._result.emit(Broadcast(handle, self.path))

    @Slot(object)
    def _publish(self, broadcast: Broadcast) -> None:
        self.available.emit(broadcast)


class BroadcastWait(_BroadcastLookup):
    """Owns moq_origin_announced_broadcast: waits until ``path`` is announced.

    Signals (on the object's thread):
        available(Broadcast): once the broadcast can be consumed.
        closed(code, reason): once, after the wait finished or was cancelled.
    """

    _close_call = lib.moq_origin_announced_broadcast_cancel

    def __init__(self, origin: Origin, path: str, parent: QObject | None = None):
        super().__init__("moq_origin_announced_broadcast", origin, path, parent)


class BroadcastRequest(_BroadcastLookup):
    """Owns moq_origin_request: the broadcast at ``path`` if reachable now.

    Signals as BroadcastWait; ``closed`` carries an error when nothing serves
    the path.
    """

    _close_call = lib.moq_origin_request_cancel

    def __init__(self, origin: Origin, path: str, parent: QObject | None = None):
        super().__init__("moq_origin_request", origin, path, parent)


__all__ = ["Broadcast", "BroadcastRequest", "BroadcastWait", "errors"]
