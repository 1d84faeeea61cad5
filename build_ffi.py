"""Builds moqview.moq._libmoq: cffi in API mode over the libmoq build's moq.h.

The declarations are generated from the header that libmoq's own build wrote,
so a libmoq upgrade is a version bump. libmoq.a is linked statically and its
symbols are kept out of the extension's dynamic symbol table.
"""

import os
import re
import subprocess
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent


def libmoq_prefix() -> Path:
    """The directory holding include/moq.h and lib/libmoq.a."""
    if os.environ.get("MOQVIEW_LIBMOQ_DIR"):
        return Path(os.environ["MOQVIEW_LIBMOQ_DIR"])

    versions = (HERE / "scripts" / "versions.sh").read_text()
    version = re.search(r"^LIBMOQ_VERSION=(\S+)", versions, re.M).group(1)
    cache = os.environ.get("MOQVIEW_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "moqview"
    )
    return Path(cache) / f"libmoq-{version}"


def declarations(header: str) -> str:
    """Turn moq.h into cdef text, with a trampoline for every callback type."""
    integer_defines = re.findall(r"^#define\s+(\w+)\s+(-?\d+)\s*$", header, re.M)
    kept = "\n".join(
        line
        for line in header.splitlines()
        if not line.startswith(("#include", "#pragma"))
    )

    # The preprocessor drops the C++ guards and comments; the system types it
    # no longer sees (stdint, bool) are built into cffi.
    cdef = subprocess.run(
        ["cc", "-E", "-P", "-x", "c", "-"],
        input=kept,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    callbacks = re.findall(
        r"typedef\s+(\w+)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^)]*)\);", cdef
    )
    if not callbacks:
        raise RuntimeError("moq.h declares no callback type; is it the right header?")
    trampolines = [
        f'extern "Python" {result} moqview_{name}({arguments});'
        for result, name, arguments in callbacks
    ]
    constants = [f"#define {name} {value}" for name, value in integer_defines]
    return "\n".join([cdef, *constants, *trampolines])


prefix = libmoq_prefix()
header_path = prefix / "include" / "moq.h"
library_path = prefix / "lib" / "libmoq.a"
native_libs_path = prefix / "lib" / "native-libs.txt"
native_libs = (
    native_libs_path.read_text().split()
    if native_libs_path.exists()
    else ["dl", "m", "pthread", "stdc++"]
)

ffibuilder = FFI()
ffibuilder.cdef(declarations(header_path.read_text()))
ffibuilder.set_source(
    "moqview.moq._libmoq",
    '#include "moq.h"',
    include_dirs=[str(header_path.parent)],
    extra_objects=[str(library_path)],
    libraries=native_libs,
    extra_link_args=[
        "-Wl,--exclude-libs,ALL",
        "-Wl,--gc-sections",
        "-Wl,--strip-debug",
    ],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
