"""The upstream reference auth server (``moq auth serve``) with its own signing key.

A relay started with ``Relay(public=None, auth_url=server.url)`` asks this
server about every session. A session without a token is refused (the relay
answers 401); a token signed here grants what it names, and a relay refuses
(403) a session whose token grants nothing for the role it connects in.
"""

import logging
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from . import process
from .relay import free_port
from .tools import tool

log = logging.getLogger(__name__)


class AuthServer:
    """Runs ``moq auth serve`` on 127.0.0.1 until stop() (also a context manager)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._directory = tempfile.TemporaryDirectory(prefix="moqview-auth-")
        self.key = Path(self._directory.name) / "key.jwk"
        self._process = None

    def start(self, timeout: float = 10.0) -> "AuthServer":
        subprocess.run(
            [tool("moq"), "auth", "generate", "--out", str(self.key)],
            check=True,
            capture_output=True,
        )
        self._log = open(Path(self._directory.name) / "auth.log", "wb")
        self._process = process.spawn(
            [
                tool("moq"), "auth", "serve",
                "--listen", f"127.0.0.1:{self.port}",
                "--key", str(self.key),
            ],
            stdout=self._log,
            stderr=self._log,
        )  # fmt: skip
        self._wait_ready(timeout)
        log.info("auth server listening at %s", self.url)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moq auth serve exited at start:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"moq auth serve did not listen within {timeout}s")

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

    def output(self) -> str:
        return (Path(self._directory.name) / "auth.log").read_text(errors="replace")

    def stop(self) -> None:
        if self._process is not None:
            process.stop(self._process)
            self._process = None
            self._log.close()

    def __enter__(self) -> "AuthServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self._directory.cleanup()
