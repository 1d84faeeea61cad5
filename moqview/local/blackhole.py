"""A loopback port that swallows every packet: a relay that never answers.

Datagrams sent to the UDP port are read and dropped, so QUIC's handshake goes
unanswered without the ICMP "port unreachable" a closed port would send back.
The TCP port of the same number listens but never accepts, so an HTTP request
(for ``/certificate.sha256``) connects and then hears nothing.
"""

import logging
import socket
import threading

from .relay import free_port

log = logging.getLogger(__name__)


class BlackHole:
    """Swallows packets on 127.0.0.1:port until stop() (also a context manager).

    ``received`` counts the datagrams that arrived and went unanswered.
    """

    def __init__(self):
        self.port = free_port()
        self.received = 0
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._thread = threading.Thread(
            target=self._swallow, name="black hole", daemon=True
        )

    def url(self, scheme: str = "https") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> "BlackHole":
        self._udp.bind(("127.0.0.1", self.port))
        self._udp.settimeout(0.2)
        self._tcp.bind(("127.0.0.1", self.port))
        self._tcp.listen(16)
        self._running = True
        self._thread.start()
        log.info("black hole on 127.0.0.1:%d", self.port)
        return self

    def _swallow(self) -> None:
        while self._running:
            try:
                self._udp.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received += 1

    def stop(self) -> None:
        self._running = False
        if self._thread.is_alive():
            self._thread.join()
        self._udp.close()
        self._tcp.close()

    def __enter__(self) -> "BlackHole":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
