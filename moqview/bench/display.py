"""A display for the viewer: the caller's, else a private Xvfb for the run."""

import logging
import os
import shutil
import subprocess

from moqview.local import process

log = logging.getLogger(__name__)

_server: dict = {}


def environment() -> dict:
    """Environment variables that give a child process a display.

    Uses $DISPLAY when set; otherwise starts one Xvfb (1600x1000, 24 bits) for
    the rest of the run, and falls back to Qt's offscreen platform without it.
    """
    if os.environ.get("DISPLAY"):
        return {}
    if "env" in _server:
        return _server["env"]
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        log.warning("no display and no Xvfb: the viewer draws offscreen")
        _server["env"] = {"QT_QPA_PLATFORM": "offscreen"}
        return _server["env"]

    read, write = os.pipe()
    server = process.spawn(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten",
         "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    _server.update(process=server, env={"DISPLAY": f":{number}"})
    log.info("started Xvfb on :%s", number)
    return _server["env"]
