"""``run(args)``: the viewer's application, from command line to exit status."""

import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from moqview import moq
from moqview.media.clock import parse_latency

from .window import MainWindow

log = logging.getLogger(__name__)

ICON = Path(__file__).resolve().parents[2] / "assets" / "moqview.svg"


def icon() -> QIcon:
    return QIcon(str(ICON)) if ICON.exists() else QIcon()


def run(args) -> int:
    """Show the window for ``args`` (see ``moqview --help``); returns the status."""
    try:
        latency_us = parse_latency(args.latency)
    except ValueError as error:
        print(f"moqview: {error}", file=sys.stderr)
        return 2
    try:
        moq.set_log_level(moq.level_for(args.log_level))
    except moq.MoqError as error:
        log.warning("libmoq's log level stays as it was: %s", error)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("moqview")
    app.setOrganizationName("moqview")
    app.setWindowIcon(icon())

    stack = None
    url, path = args.url, args.broadcast
    if url is None:
        from moqview.local import DemoStack

        try:
            stack = DemoStack().start()
        except (OSError, RuntimeError) as error:
            print(f"moqview: cannot start the local demo: {error}", file=sys.stderr)
            return 1
        url, path = stack.url, stack.broadcast

    window = MainWindow(latency_us, renderer=getattr(args, "renderer", None))
    window.show()
    if args.fullscreen:
        window.fullscreen_action.trigger()
    if args.stats:
        window.show_stats(True)
    window.connect_to(url, path, remember=stack is None)

    # Ctrl+C in the terminal quits like Q does; the timer lets Python see it.
    # SIGTERM and SIGHUP quit the same way, so the demo stack is stopped and
    # its temporary files removed instead of the process vanishing.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda *_: window.close())
    pulse = QTimer()
    pulse.start(200)
    pulse.timeout.connect(lambda: None)

    try:
        app.exec()
    finally:
        window.shutdown()
        unfinished = moq.close_all()
        if unfinished:
            log.warning("quit with libmoq registrations open: %s", unfinished)
        if stack is not None:
            stack.stop()
    return 0
