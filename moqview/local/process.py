"""Child processes that cannot outlive moqview, even when it is killed."""

import atexit
import ctypes
import logging
import os
import signal
import subprocess

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
