"""libmoq's own log: its level, written to stderr by libmoq's log subscriber."""

from . import errors
from ._libmoq import lib

_installed = False


def set_log_level(level: str) -> bool:
    """Set libmoq's log level (``error``, ``warn``, ``info``, ``debug``, ``trace``).

    libmoq installs its subscriber once per process, writing readable lines to
    stderr; ``RUST_LOG`` overrides the level. Returns False when a subscriber
    was already installed and the level could not change.
    """
    global _installed
    encoded = level.encode()
    code = lib.moq_log_level(encoded, len(encoded))
    if code < 0 and _installed:
        return False
    errors.check("moq_log_level", code)
    _installed = True
    return True
