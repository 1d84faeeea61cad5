"""The viewer window in a process of its own, driven one line at a time.

Qt's audio backend asks for the sound server once, when a process first
looks for an audio device, and keeps that answer for the process's life; a
window that must see a device (or none) therefore runs here, with the sound
server chosen by its environment.

Usage: ``python sound_window.py URL BROADCAST SETTINGS.ini``. Each line on
stdin is a command and gets one JSON line on stdout: ``status``, ``mute``,
``unmute``, ``volume PERCENT`` or ``quit``. The first line written is
``{"connecting": time.monotonic()}``, printed just before the window dials.
"""

import json
import logging
import os
import sys
import time

from PySide6.QtCore import QObject, QSettings, QSocketNotifier, Slot
from PySide6.QtWidgets import QApplication

from moqview import moq
from moqview.ui.settings import Settings
from moqview.ui.window import MainWindow

log = logging.getLogger(__name__)


class Driver(QObject):
    """Runs the commands read from stdin against the window."""

    def __init__(self, window: MainWindow):
        super().__init__()
        self._window = window
        self._pending = b""
        self.commands = 0
        self._notifier = QSocketNotifier(0, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    @Slot()
    def _read(self) -> None:
        chunk = os.read(0, 4096)
        if not chunk:
            self._quit()
            return
        self._pending += chunk
        while b"\n" in self._pending:
            line, self._pending = self._pending.split(b"\n", 1)
            self._run(line.decode().split())

    def _run(self, words: list[str]) -> None:
        self.commands += 1
        window = self._window
        command = words[0] if words else "status"
        if command == "mute":
            window.mute_button.setChecked(True)
        elif command == "unmute":
            window.mute_button.setChecked(False)
        elif command == "volume":
            window.volume_slider.setValue(int(words[1]))
        elif command == "quit":
            self._quit()
            return
        reply(self.status())

    def status(self) -> dict:
        window = self._window
        player = window.player
        output = window.audio_output
        answer = {
            "sound": window._sound_label.text(),
            "available": output.available,
            "muted": output.muted,
            "volume": output.volume,
            "shown": window.view.shown,
            "shown_us": window.view.shown_us,
            "now": time.monotonic(),
        }
        if player is not None:
            answer.update(
                state=player.state,
                clock=player.clock.source(),
                clock_us=player.clock.now_us(),
                audio_decoded=player.audio.counters.decoded,
                audio_position_us=player.ring.position_us,
                output_latency_us=player.ring.output_latency_us,
                underruns=player.ring.underruns,
                dropped_us=player.ring.dropped_us,
            )
        return answer

    def _quit(self) -> None:
        self._notifier.setEnabled(False)
        self._window.shutdown()
        unfinished = moq.close_all()
        reply({"quit": True, "unfinished": unfinished})
        QApplication.quit()


def reply(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main() -> int:
    url, broadcast, settings_path = sys.argv[1:4]
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    app = QApplication(sys.argv[:1])
    settings = Settings(QSettings(settings_path, QSettings.Format.IniFormat))
    window = MainWindow(250_000, settings)
    window.show()
    driver = Driver(window)
    reply({"connecting": time.monotonic()})
    window.connect_to(url, broadcast)
    app.exec()
    log.info("window closed after %d commands", driver.commands)
    return 0


if __name__ == "__main__":
    sys.exit(main())
