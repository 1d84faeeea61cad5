"""Builds the C side of the benchmarks against the libmoq.a the binding links."""

import hashlib
import logging
import os
import re
import subprocess
from pathlib import Path

from moqview.local.tools import cache_dir

log = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("moqbench.c")
ROOT = Path(__file__).resolve().parents[2]


def libmoq_prefix() -> Path:
    """The directory with include/moq.h and lib/libmoq.a, as build_ffi.py finds it."""
    if os.environ.get("MOQVIEW_LIBMOQ_DIR"):
        return Path(os.environ["MOQVIEW_LIBMOQ_DIR"])
    versions = (ROOT / "scripts" / "versions.sh").read_text()
    version = re.search(r"^LIBMOQ_VERSION=(\S+)", versions, re.M).group(1)
    return cache_dir() / f"libmoq-{version}"


def build() -> Path:
    """Compile moqbench.c once per source and library; returns the executable."""
    prefix = libmoq_prefix()
    library = prefix / "lib" / "libmoq.a"
    native_libs = prefix / "lib" / "native-libs.txt"
    libs = native_libs.read_text().split() if native_libs.exists() else []
    libs = libs or ["dl", "m", "pthread", "stdc++"]

    digest = hashlib.sha256(SOURCE.read_bytes())
    digest.update(str(library.stat().st_mtime_ns).encode())
    target = cache_dir() / "bench" / f"moqbench-{digest.hexdigest()[:12]}"
    if target.exists():
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "cc", "-O2", "-o", str(target), str(SOURCE),
        f"-I{prefix / 'include'}", str(library),
        *(f"-l{name}" for name in libs),
    ]  # fmt: skip
    log.info("compiling %s", SOURCE.name)
    subprocess.run(command, check=True, capture_output=True, text=True)
    return target
