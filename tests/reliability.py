"""Shared by the reliability tests: a viewer window on a private settings file,
and a probe that measures how long the GUI thread goes without running a timer."""

import time

from PySide6.QtCore import QSettings, QTimer

from moqview.ui.settings import Settings
from moqview.ui.window import MainWindow


def open_window(qtbot, tmp_path, latency_us: int = 250_000) -> MainWindow:
    settings = Settings(
        QSettings(str(tmp_path / "moqview.ini"), QSettings.Format.IniFormat)
    )
    window = MainWindow(latency_us, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


class Responsiveness:
    """Ticks a 20 ms timer on the GUI thread and keeps the longest gap seen."""

    def __init__(self):
        self.longest_gap = 0.0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest_gap = max(self.longest_gap, now - self._last)
        self._last = now

    def stop(self) -> None:
        self._timer.stop()
