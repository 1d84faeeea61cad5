"""A moq-relay on loopback with a generated certificate and anonymous access."""

import logging
import socket
import urllib.request

from . import process
from .tools import tool

log = logging.getLogger(__name__)


def free_port() -> int:
    """A port free for both UDP (QUIC) and TCP (the certificate endpoint)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free loopback port")


class Relay(process.Service):
    """Runs moq-relay on 127.0.0.1:port until stop() (also a context manager).

    QUIC and the HTTP endpoint share the port, so ``url`` (``http://...``) makes
    libmoq fetch ``/certificate.sha256`` and pin the generated certificate.
    Anonymous sessions may use every path (``public``); ``auth_url`` names an
    auth server (``moq auth serve``) to ask instead. ``cluster_connect`` makes
    this relay a leaf of the relay at that URL. ``extra`` is more TOML.
    """

    name = "moq-relay"

    def __init__(
        self,
        port: int | None = None,
        *,
        public: str | None = "**",
        auth_url: str | None = None,
        cluster_connect: str | None = None,
        extra: str = "",
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._public = public
        self._auth_url = auth_url
        self._cluster_connect = cluster_connect
        self._extra = extra
        super().__init__()

    def config(self) -> str:
        auth = []
        if self._auth_url:
            auth.append(f'url = "{self._auth_url}"')
        if self._public is not None:
            auth.append(f'public = "{self._public}"')
        cluster = (
            f'[cluster]\nconnect = ["{self._cluster_connect}"]\n'
            if self._cluster_connect
            else ""
        )
        return (
            'drain_timeout = "0s"\n'
            "[listen]\n"
            f'bind = "127.0.0.1:{self.port}"\n'
            "[listen.tls]\n"
            'generate = ["localhost"]\n'
            "[web.http]\n"
            f'listen = "127.0.0.1:{self.port}"\n'
            "[auth]\n"
            + "".join(line + "\n" for line in auth)
            + f"{cluster}{self._extra}"
        )

    def start(self, timeout: float = 20.0) -> "Relay":
        path = self.directory / "relay.toml"
        path.write_text(self.config())
        self._spawn([tool("moq-relay"), str(path)])
        self._wait_ready(self._read_fingerprint, timeout)
        log.info("relay listening at %s", self.url)
        return self

    def _read_fingerprint(self) -> None:
        url = f"{self.url}/certificate.sha256"
        with urllib.request.urlopen(url, timeout=1) as answer:
            self.fingerprint = answer.read().decode().strip()
