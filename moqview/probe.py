"""moqview probe: connect without a window and print what arrives.

Checks a relay and a broadcast from a terminal: the session, the announced
broadcasts, the catalog and the first frames. With no broadcast named, it
reads the first one announced; with no URL, it starts the local demo.
"""

import argparse
import logging
import signal
import sys

from PySide6.QtCore import QCoreApplication, QTimer

from moqview import moq

log = logging.getLogger(__name__)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moqview probe",
        description=__doc__,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("url", nargs="?", help="relay URL; none starts the local demo")
    parser.add_argument(
        "broadcast", nargs="?", help="broadcast to read; none: the first announced"
    )
    parser.add_argument(
        "--frames", type=positive, default=90, help="stop after this many frames"
    )
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="give up after this many seconds"
    )
    return parser


class Probe:
    """Follows one session and prints each event on a line."""

    def __init__(self, url: str, broadcast: str | None, frames: int):
        self.wanted = frames
        self.received = 0
        self.status = 1
        self.broadcast_path = broadcast
        self.announced: list[str] = []
        self.origin = moq.Origin()
        self.session = moq.Session(url, consume=self.origin)
        self.session.connected.connect(
            lambda epoch: self.say(f"connected epoch={epoch}")
        )
        self.session.closed.connect(self.session_closed)
        self.announcements = moq.Announcements(self.origin)
        self.announcements.announced.connect(self.announcement)
        if broadcast is not None:
            self.follow(broadcast)

    def announcement(self, announcement: moq.Announcement) -> None:
        state = "announced" if announcement.active else "ended"
        self.say(f"{state} {announcement.path!r}")
        if announcement.active:
            self.announced.append(announcement.path)
            if self.broadcast_path is None:
                self.follow(announcement.path)

    def follow(self, path: str) -> None:
        self.broadcast_path = path
        self.wait = moq.BroadcastWait(self.origin, path)
        self.wait.available.connect(self.watch)

    def say(self, text: str) -> None:
        print(text, flush=True)

    def session_closed(self, code: int, reason: str) -> None:
        from moqview.ui.connection import summarize

        self.say(f"session closed: {summarize(reason)}")
        log.info("session closed: %s", reason)
        QCoreApplication.quit()

    def watch(self, broadcast: moq.Broadcast) -> None:
        self.broadcast = broadcast
        self.catalog = moq.Catalog(broadcast)
        self.catalog.updated.connect(self.catalog_updated)

    def catalog_updated(self, snapshot: moq.CatalogSnapshot) -> None:
        for rendition in snapshot.video:
            size = f"{rendition.coded_width}x{rendition.coded_height}"
            self.say(
                f"video {rendition.name} {rendition.codec} {size} {rendition.container}"
            )
        for rendition in snapshot.audio:
            self.say(
                f"audio {rendition.name} {rendition.codec} "
                f"{rendition.sample_rate}Hz {rendition.channels}ch"
            )
        if snapshot.video and not hasattr(self, "track"):
            self.track = moq.VideoTrack(self.catalog, 0)
            self.track.frame.connect(self.frame)

    def frame(self, frame: moq.Frame) -> None:
        # Frames already queued when the last wanted one came are not counted.
        if self.received >= self.wanted:
            return
        self.received += 1
        if self.received <= 3 or self.received % 30 == 0:
            self.say(
                f"frame {self.received} t={frame.timestamp_us}us "
                f"{len(frame.payload)} bytes{' keyframe' if frame.keyframe else ''}"
            )
        if self.received >= self.wanted:
            self.status = 0
            self.track.close()
            QCoreApplication.quit()


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    signal.signal(signal.SIGINT, lambda *_: app.quit())

    demo = None
    url, broadcast = args.url, args.broadcast
    if url is None:
        from moqview.local import DemoStack

        demo = DemoStack().start()
        url, broadcast = demo.url, demo.broadcast
        print(f"started the local demo at {url}, broadcast {broadcast!r}", flush=True)

    try:
        moq.check_url(url)
        probe = Probe(url, broadcast, args.frames)
    except (ValueError, moq.MoqError) as error:
        print(f"moqview probe: {error}", file=sys.stderr)
        return 2

    QTimer.singleShot(int(args.timeout * 1000), app.quit)
    QTimer.singleShot(0, lambda: None)  # let Ctrl-C reach Python between events
    app.exec()

    print(f"received {probe.received} of {args.frames} frames", flush=True)
    # Without a connection the session's reason was printed already.
    if probe.session.epoch > 0 and probe.broadcast_path is None:
        print("no broadcast was announced", flush=True)
    elif probe.session.epoch > 0 and probe.received == 0:
        if probe.broadcast_path not in probe.announced:
            print(f"{probe.broadcast_path!r} was never announced", flush=True)
    if hasattr(probe, "broadcast"):
        probe.broadcast.close()
    moq.close_all()
    probe.origin.close()
    if demo is not None:
        demo.stop()
    return probe.status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
