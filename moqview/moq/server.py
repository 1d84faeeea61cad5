"""A MoQ server inside moqview's process (moq_server_listen) and its sessions.

moqview is a client; the server side serves tests that need a peer whose
every answer they control, for example one that refuses sessions with 401.
"""

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import ffi, lib
from .config import string_array
from .origin import Origin
from .registration import Registration
from .session import Session

log = logging.getLogger(__name__)


@dataclass
class SessionRequest:
    """A client asked for a session at ``path``; accept, reject or free it."""

    handle: int
    path: str

    def accept(
        self, *, publish: Origin | None = None, consume: Origin | None = None
    ) -> "ServerSession":
        return ServerSession(self.handle, publish, consume)

    def reject(self, status: int) -> None:
        """Refuse with an HTTP-style status; 401 and 403 read as unauthorized."""
        lib.moq_session_request_reject(self.handle, status)


class ServerSession(Registration):
    """Owns moq_session_request_accept: one accepted client connection.

    Signals: connected(1) once the handshake completes; closed(code, reason).
    It never reconnects.
    """

    connected = Signal(int)
    _close_call = lib.moq_session_close
    stats = Session.stats

    def __init__(
        self,
        request: int,
        publish: Origin | None,
        consume: Origin | None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._register(
            "moq_session_request_accept",
            request,
            publish.id if publish else 0,
            consume.id if consume else 0,
        )

    def _deliver(self, epoch: int) -> None:
        self._result.emit(epoch)

    @Slot(object)
    def _publish(self, epoch: int) -> None:
        self.connected.emit(epoch)


class Server(Registration):
    """Owns moq_server_listen on ``bind`` with a certificate generated for
    ``hosts``.

    Signals: requested(SessionRequest) per incoming session; closed once.
    """

    requested = Signal(object)
    _close_call = lib.moq_server_close

    def __init__(
        self,
        bind: str = "127.0.0.1:0",
        hosts: tuple[str, ...] = ("localhost",),
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        config = ffi.new("moq_server_config *")
        encoded = bind.encode()
        bind_buffer = ffi.new("char[]", encoded)
        config.bind = bind_buffer
        config.bind_len = len(encoded)
        generate, buffers = string_array(hosts)
        config.tls_generate = generate
        config.tls_generate_len = len(hosts)
        self._register("moq_server_listen", config)
        del bind_buffer, buffers  # read during the call, not kept by libmoq

    def _deliver(self, handle: int) -> None:
        dst = ffi.new("moq_string *")
        path = ""
        if lib.moq_session_request_path(handle, dst) >= 0:
            path = ffi.unpack(dst.data, dst.len).decode("utf-8", "replace")
        self._result.emit(SessionRequest(handle, path))

    @Slot(object)
    def _publish(self, request: SessionRequest) -> None:
        self.requested.emit(request)

    def address(self) -> str:
        """The bound address, e.g. ``127.0.0.1:40123``."""
        dst = ffi.new("moq_string *")
        errors.check("moq_server_addr", lib.moq_server_addr(self._id, dst))
        return ffi.unpack(dst.data, dst.len).decode()

    def fingerprints(self) -> list[str]:
        """SHA-256 fingerprints of the server's certificates, hex encoded."""
        dst = ffi.new("moq_string[]", 8)
        count = errors.check(
            "moq_server_fingerprints", lib.moq_server_fingerprints(self._id, dst, 8)
        )
        return [ffi.unpack(dst[i].data, dst[i].len).decode() for i in range(count)]
