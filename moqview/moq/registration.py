"""One QObject owns one libmoq callback registration, from register to terminal.

libmoq calls ``cb(user_data, code)`` on its single runtime thread: ``code > 0``
is a live result, any number of times; ``code <= 0`` is terminal, after which
``user_data`` is never touched again. The life of a registration here:

1. ``_register`` passes a cffi handle to the object as ``user_data`` and puts
   the object in ``_live``, a plain dict of strong references. That entry is
   libmoq's reference: it keeps the handle valid for as long as libmoq may use
   it, and nothing else guards it.
2. Live results reach ``_deliver`` on libmoq's thread, which copies what it
   needs, frees libmoq's id and hands the value on: to a sink (a decoder's
   queue) or to the queued ``_result`` signal, whose slot ``_publish`` emits
   the public signal on the object's thread. Nothing more runs there.
3. The terminal code is turned into words (``moq_error()`` is only meaningful on
   the thread that received the code) and posted as the queued ``_terminal``
   signal. The trampoline returns without dropping any reference.
4. ``_finish`` runs on the object's own thread: it emits ``closed``, calls
   ``deleteLater()`` and removes the ``_live`` entry. From here Qt owns the
   object's end, and it is destroyed on the thread it lives in.
"""

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    Qt,
    Signal,
    Slot,
)

from . import errors
from ._libmoq import ffi, lib

log = logging.getLogger(__name__)

# libmoq's references, by id(): filled before a registering call, emptied on the
# owner's thread after the terminal callback has been handled there.
_live: dict[int, "Registration"] = {}
_live_lock = threading.Lock()


def _trampoline_error(exception, value, traceback) -> None:
    # An exception must never unwind into libmoq's thread; log it and return.
    log.error("exception in a libmoq callback", exc_info=(exception, value, traceback))


@ffi.def_extern(onerror=_trampoline_error)
def moqview_moq_status_callback(user_data, code):
    """The only function libmoq calls. Runs on libmoq's thread, holding the GIL."""
    # Safe: the handle's object is in _live until _finish has run, and libmoq
    # never calls again after the terminal code, so user_data is always live.
    registration = ffi.from_handle(user_data)
    if code > 0:
        registration._deliver(code)
    else:
        registration._terminal.emit(code, errors.reason(code))


class Registration(QObject):
    """Base of every wrapper that owns a libmoq callback registration.

    Every signal is emitted on the object's thread.

    Signals:
        closed(code, reason): once, after libmoq's terminal callback and after
            every result it delivered. ``code`` is 0 for a clean close, else a negative
            libmoq error; ``reason`` says it in words.

    The object must live in a thread that runs a Qt event loop, since that is
    where the terminal callback is finished.
    """

    closed = Signal(int, str)
    _result = Signal(object)
    _terminal = Signal(int, str)

    # The libmoq function that requests shutdown of this kind of registration.
    _close_call: Callable[[int], int]

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._id = 0
        self._handle = ffi.new_handle(self)
        # Both hop to the object's thread, in the order libmoq produced them, so
        # every public signal is emitted there, after the constructor returned
        # (no result is lost to a receiver connected just after construction),
        # and closed comes after the last result.
        self._result.connect(self._publish, Qt.ConnectionType.QueuedConnection)
        self._terminal.connect(self._finish, Qt.ConnectionType.QueuedConnection)

    @property
    def id(self) -> int:
        """libmoq's handle for this registration (0 before it is made)."""
        return self._id

    def _register(self, call: str, *args) -> None:
        """Make the libmoq call ``call`` with the trampoline and this object appended.

        The object enters the registry before the call, since libmoq may call
        back before the call returns. An immediate failure means libmoq took no
        reference, so the entry is removed again and MoqError is raised.
        """
        with _live_lock:
            _live[id(self)] = self
        code = getattr(lib, call)(*args, lib.moqview_moq_status_callback, self._handle)
        if code < 0:
            with _live_lock:
                del _live[id(self)]
            errors.check(call, code)
        self._id = code
        log.debug("%s registered as %d", type(self).__name__, code)

    def _deliver(self, code: int) -> None:
        """Handle a live result on libmoq's thread. Subclasses keep this tiny."""

    @Slot(object)
    def _publish(self, value) -> None:
        """Emit the public signal for a value ``_deliver`` posted; owner's thread."""

    def _terminated(self, code: int) -> None:
        """Release what the subclass holds, on the object's thread, before closed."""

    def close(self) -> bool:
        """Ask libmoq to end this registration; ``closed`` follows.

        Returns at once. Safe from any thread, from inside a callback, and more
        than once: a call after the first (or after the end) returns False.
        """
        code = type(self)._close_call(self._id)
        if code < 0:
            log.debug(
                "%s %d was already closing: %s",
                type(self).__name__,
                self._id,
                errors.last_error(),
            )
            return False
        return True

    @Slot(int, str)
    def _finish(self, code: int, reason: str) -> None:
        # On the object's own thread: libmoq is done with user_data for good.
        level = logging.DEBUG if code == 0 else logging.INFO
        log.log(level, "%s %d ended: %s", type(self).__name__, self._id, reason)
        self._terminated(code)
        self.closed.emit(code, reason)
        self.deleteLater()
        with _live_lock:
            del _live[id(self)]


def live() -> list["Registration"]:
    """The registrations libmoq still holds, oldest first."""
    with _live_lock:
        return list(_live.values())


def close_all(timeout: float = 5.0) -> list[str]:
    """Close every live registration and wait until each terminal is handled.

    Runs the calling thread's event loop (the GUI thread's, on quit) until the
    registry is empty or ``timeout`` seconds pass. Returns the names of the
    registrations that did not finish, which are also logged, since a callback
    that reaches a finalizing interpreter is undefined behaviour.
    """
    for registration in live():
        registration.close()

    deadline = time.monotonic() + timeout
    while live() and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    unfinished = [f"{type(r).__name__} {r.id}" for r in live()]
    if unfinished:
        log.warning("registrations still open at shutdown: %s", ", ".join(unfinished))
    return unfinished
