"""Quitting the viewer in every connection state exits with status 0 and leaves
no libmoq registration open: connecting, playing, reconnecting and failed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moqview.local import AuthServer, BlackHole, Media, Publisher, Relay

REPO = Path(__file__).resolve().parents[1]
SMALL = Media(width=320, height=240, audio=False, keyframe_interval=15)


def viewer(tmp_path, url, path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    log = tmp_path / "moqview.log"
    output = open(log, "wb")
    app = subprocess.Popen(
        [sys.executable, "-m", "moqview", url, path, "--log-level", "info"],
        cwd=REPO,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    output.close()
    return app, log


def wait_for(app, log: Path, text: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        assert app.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"never logged {text!r}"
        time.sleep(0.1)


def quit_and_wait(app, log: Path) -> str:
    app.send_signal(signal.SIGINT)
    asked = time.monotonic()
    try:
        status = app.wait(timeout=30)
        print(f"\nquit took {time.monotonic() - asked:.2f} s")
    finally:
        if app.poll() is None:
            app.kill()
    text = log.read_text(errors="replace")
    assert status == 0, text
    assert "still open at shutdown" not in text
    return text


def test_quitting_while_connecting_exits_with_status_zero(tmp_path):
    with BlackHole() as hole:
        app, log = viewer(tmp_path, hole.url(), "demo")
        wait_for(app, log, "connecting to")
        time.sleep(1.0)

        text = quit_and_wait(app, log)

    assert "moqview.ui.connection" in text
    assert " connected to" not in text and "cannot reach" not in text


@pytest.fixture
def stack():
    with Relay() as relay, Publisher(relay.url, "quit", SMALL) as publisher:
        yield relay, publisher


def test_quitting_while_playing_exits_with_status_zero(tmp_path, stack):
    relay, _ = stack
    app, log = viewer(tmp_path, relay.url, "quit")
    wait_for(app, log, "video size")

    quit_and_wait(app, log)


def test_quitting_while_reconnecting_exits_with_status_zero(tmp_path, stack):
    relay, _ = stack
    app, log = viewer(tmp_path, relay.url, "quit")
    wait_for(app, log, "video size")

    relay.stop()  # and it does not come back
    wait_for(app, log, "reconnecting to")

    quit_and_wait(app, log)


def test_quitting_after_failing_exits_with_status_zero(tmp_path):
    with AuthServer() as auth, Relay(public=None, auth_url=auth.url) as relay:
        app, log = viewer(tmp_path, relay.url, "quit")
        wait_for(app, log, "refused access")
        time.sleep(0.5)

        quit_and_wait(app, log)
