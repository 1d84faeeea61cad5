"""libmoq's own log: its level, written to stderr by libmoq's log subscriber."""

import os
import sys

from . import errors
from ._libmoq import lib

_installed = False


def level_for(python_level: str) -> str:
    """libmoq's level for a Python logging level name. Below ``info`` libmoq
    logs errors only: its warnings are a dial's retries and fallbacks, which
    the session's terminal callback reports with the reason anyway."""
    return {"debug": "debug", "info": "info"}.get(python_level.lower(), "error")


def set_log_level(level: str) -> bool:
    """Set libmoq's log level (``error``, ``warn``, ``info``, ``debug``, ``trace``).

    libmoq installs its subscriber once per process, writing readable lines to
    stderr (plain text unless stderr is a terminal); ``RUST_LOG`` overrides the
    level. Its lines do not pass through Python logging: capturing file
    descriptor 2 would also swallow the crash reports written there, so libmoq's
    log stays beside Python's on stderr. Returns False when a subscriber
    was already installed and the level could not change.
    """
    global _installed
    if not sys.stderr.isatty():
        # Colour codes only clutter a log that goes to a file or a pipe.
        os.environ.setdefault("NO_COLOR", "1")
    encoded = level.encode()
    code = lib.moq_log_level(encoded, len(encoded))
    if code < 0 and _installed:
        return False
    errors.check("moq_log_level", code)
    _installed = True
    return True
