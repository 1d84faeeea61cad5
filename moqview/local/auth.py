"""The upstream reference auth server (``moq auth serve``) with its own signing key.

A relay started with ``Relay(public=None, auth_url=server.url)`` asks this
server about every session. A session without a token is refused (the relay
answers 401); a token signed here grants what it names, and a relay refuses
(403) a session whose token grants nothing for the role it connects in.
"""

import logging
import socket
import subprocess

from . import process
from .relay import free_port
from .tools import tool

log = logging.getLogger(__name__)


class AuthServer(process.Service):
    """Runs ``moq auth serve`` on 127.0.0.1 until stop() (also a context manager)."""

    name = "moq-auth"

    def __init__(self):
        super().__init__()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = self.directory / "key.jwk"

    def start(self, timeout: float = 10.0) -> "AuthServer":
        subprocess.run(
            [tool("moq"), "auth", "generate", "--out", str(self.key)],
            check=True,
            capture_output=True,
        )
        self._spawn(
            [
                tool("moq"), "auth", "serve",
                "--listen", f"127.0.0.1:{self.port}",
                "--key", str(self.key),
            ]
        )  # fmt: skip
        self._wait_ready(self._connect, timeout)
        log.info("auth server listening at %s", self.url)
        return self

    def _connect(self) -> None:
        socket.create_connection(("127.0.0.1", self.port), timeout=1).close()

    def sign(
        self, root: str, subscribe: tuple[str, ...] = (), publish: tuple[str, ...] = ()
    ) -> str:
        """A token for the broadcasts under ``root``, granting these patterns."""
        command = [tool("moq"), "auth", "sign", "--key", str(self.key), "--root", root]
        for pattern in subscribe:
            command += ["--subscribe", pattern]
        for pattern in publish:
            command += ["--publish", pattern]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return done.stdout.strip()
