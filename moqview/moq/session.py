"""Session: one connection to a relay (moq_session_connect), reconnecting by itself."""

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import ffi, lib
from .config import ClientConfig
from .origin import Origin
from .registration import Registration

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionStats:
    """A point-in-time view of the live connection; None where not measured."""

    protocol: str
    rtt_us: int | None
    send_rate_bps: int | None
    receive_rate_bps: int | None
    bytes_sent: int | None
    bytes_received: int | None
    bytes_lost: int | None
    packets_lost: int | None


# Schemes libmoq dials: WebTransport over QUIC (https), the same with the
# certificate fingerprint fetched first (http), raw QUIC and WebSocket.
RELAY_SCHEMES = ("https", "http", "moqt", "moql", "ws", "wss")


class Session(Registration):
    """Owns moq_session_connect; closed with moq_session_close.

    Signals (delivered on the object's thread):
        connected(epoch): on every connect, 1 first and 2, 3, ... on reconnects.
        closed(code, reason): once; a negative code when reconnecting gave up or
            the relay refused us (``unauthorized``, ``forbidden``, ...).

    Broadcasts the relay announces appear in ``consume``; broadcasts in
    ``publish`` are announced to the relay. Either may be None.
    """

    connected = Signal(int)
    _close_call = lib.moq_session_close

    def __init__(
        self,
        url: str,
        *,
        consume: Origin | None = None,
        publish: Origin | None = None,
        config: ClientConfig | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.url = url
        self.epoch = 0

        encoded = url.encode()
        c_config, keep = config.to_c() if config else (ffi.NULL, [])
        self._register(
            "moq_session_connect",
            encoded,
            len(encoded),
            c_config,
            publish.id if publish else 0,
            consume.id if consume else 0,
        )
        del keep  # libmoq read the config during the call and kept no pointer

    def _deliver(self, epoch: int) -> None:
        self._result.emit(epoch)

    @Slot(object)
    def _publish(self, epoch: int) -> None:
        self.epoch = epoch
        self.connected.emit(epoch)

    def stats(self) -> ConnectionStats | None:
        """Statistics of the live connection, or None while reconnecting."""
        snapshot = ffi.new("moq_connection_snapshot *")
        if lib.moq_session_snapshot(self._id, snapshot) < 0:
            return None

        stats = snapshot.stats

        def valid(name: str, flag: str) -> int | None:
            return getattr(stats, name) if getattr(stats, flag) else None

        return ConnectionStats(
            protocol=ffi.unpack(snapshot.protocol.data, snapshot.protocol.len).decode(),
            rtt_us=valid("rtt_us", "rtt_valid"),
            send_rate_bps=valid("estimated_send_rate_bps", "estimated_send_rate_valid"),
            receive_rate_bps=valid(
                "estimated_recv_rate_bps", "estimated_recv_rate_valid"
            ),
            bytes_sent=valid("bytes_sent", "bytes_sent_valid"),
            bytes_received=valid("bytes_received", "bytes_received_valid"),
            bytes_lost=valid("bytes_lost", "bytes_lost_valid"),
            packets_lost=valid("packets_lost", "packets_lost_valid"),
        )


def check_url(url: str) -> None:
    """Raise ValueError naming the problem when ``url`` cannot be a relay URL.

    libmoq rejects a bad URL too; this gives the user a sentence before dialing.
    """
    from urllib.parse import urlsplit

    text = url.strip()
    if not text:
        raise ValueError("no relay URL given")
    parts = urlsplit(text)
    if not parts.scheme or "://" not in text:
        raise ValueError(
            f"{url!r} is not a relay URL: it needs a scheme such as https:// or http://"
        )
    if parts.scheme not in RELAY_SCHEMES:
        raise ValueError(
            f"{url!r} is not a relay URL: {parts.scheme}:// is not supported "
            "(use https:// or http://)"
        )
    if not parts.hostname:
        raise ValueError(f"{url!r} is not a relay URL: it has no host")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a relay URL: {exc}") from None


__all__ = ["ConnectionStats", "Session", "check_url", "errors"]
