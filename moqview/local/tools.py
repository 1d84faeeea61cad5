"""Where the pinned native tools live: the cache that scripts/setup fills."""

import os
import shutil
from pathlib import Path


def cache_dir() -> Path:
    """moqview's build cache: $MOQVIEW_CACHE, else the user cache directory."""
    if os.environ.get("MOQVIEW_CACHE"):
        return Path(os.environ["MOQVIEW_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "moqview"


def tool(name: str) -> str:
    """The path of ``moq-relay``, ``moq`` or ``ffmpeg``; FileNotFoundError if absent."""
    installed = cache_dir() / "tools" / "bin" / name
    if installed.exists():
        return str(installed)
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(
        f"{name} is not installed; run scripts/setup (it installs into {cache_dir()})"
    )
