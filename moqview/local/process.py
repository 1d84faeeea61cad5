"""Child processes that cannot outlive moqview, even when it is killed."""

import atexit
import ctypes
import logging
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_children: set[subprocess.Popen] = set()


def _die_with_parent() -> None:
    # Runs in the child before exec: the kernel sends SIGKILL when moqview dies.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(args: list[str], **kwargs) -> subprocess.Popen:
    """Start ``args`` in its own process group, tied to this process's life."""
    process = subprocess.Popen(
        args, preexec_fn=_die_with_parent, start_new_session=True, **kwargs
    )
    _children.add(process)
    log.debug("started %s (pid %d)", os.path.basename(args[0]), process.pid)
    return process


def stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not gone in time."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
    _children.discard(process)


@atexit.register
def _stop_all() -> None:
    for process in list(_children):
        stop(process, timeout=2.0)


class Service:
    """One long-running child with its log in a temporary directory of its own.

    A subclass's start() calls _spawn() and then _wait_ready() with a probe that
    returns once the service answers (raising OSError until then); stop() and
    the context manager end it and remove the directory.
    """

    name = "service"

    def __init__(self):
        self._directory = tempfile.TemporaryDirectory(prefix=f"moqview-{self.name}-")
        self.directory = Path(self._directory.name)
        self._process: subprocess.Popen | None = None

    def _spawn(self, args: list[str]) -> None:
        self._log = open(self.directory / f"{self.name}.log", "wb")
        self._process = spawn(args, stdout=self._log, stderr=self._log)

    def _wait_ready(self, probe: Callable[[], None], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.output()}")
            try:
                probe()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"{self.name} did not answer within {timeout}s")

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self) -> str:
        return (self.directory / f"{self.name}.log").read_text(errors="replace")

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None
            self._log.close()

    def start(self):
        raise NotImplementedError

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self._directory.cleanup()
