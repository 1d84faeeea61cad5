"""Shared fixtures: the real local stack and a guard that every test leaves
libmoq with no registration open."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs with no audio device, whatever the machine has (a desktop's
# own sound server included): the tests that play sound start a private
# server for a child process of their own (test_viewer_sound.py).
os.environ["PULSE_SERVER"] = "unix:/nonexistent/moqview-tests-have-no-sound"
os.environ["PIPEWIRE_REMOTE"] = "/nonexistent/moqview-tests-have-no-sound"


@pytest.fixture(scope="session")
def relay():
    """A moq-relay on loopback for the whole run."""
    from moqview.local import Relay

    with Relay() as running:
        yield running


@pytest.fixture(scope="session")
def demo(relay):
    """The upstream publisher's test broadcast ``demo`` on the shared relay."""
    from moqview.local import Publisher

    with Publisher(relay.url, "demo") as publisher:
        yield publisher


@pytest.fixture
def settings(tmp_path):
    """The viewer's settings in a file of the test's own."""
    from PySide6.QtCore import QSettings

    from moqview.ui.settings import Settings

    return Settings(
        QSettings(str(tmp_path / "moqview.ini"), QSettings.Format.IniFormat)
    )


@pytest.fixture
def window(qtbot, settings):
    """The viewer's main window, shown at its default size, 250 ms target."""
    from moqview.ui.window import MainWindow

    window = MainWindow(250_000, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()


@pytest.fixture(autouse=True)
def no_registration_left(request):
    """Close what a test left open and fail it if libmoq kept a reference."""
    yield
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        return
    from moqview import moq

    unfinished = moq.close_all(timeout=10)
    assert unfinished == [], f"registrations never finished: {unfinished}"
