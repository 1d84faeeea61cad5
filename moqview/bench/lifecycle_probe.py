"""The Python side of the lifecycle benchmark, run as its own process.

``python -m moqview.bench.lifecycle_probe COUNT`` does what ``moqbench
lifecycle`` does, through moqview's Announcements on a local origin: close() to
the ``closed`` signal on the owner's thread, one at a time, then COUNT
registrations opened, closed and finished at once. Prints one JSON object.
"""

import json
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop

from moqview import moq


def close_delay(origin: moq.Origin) -> int:
    """Nanoseconds from close() to ``closed`` of one new listener."""
    listener = moq.Announcements(origin)
    loop = QEventLoop()
    ended = []
    listener.closed.connect(lambda *_: (ended.append(time.monotonic_ns()), loop.quit()))
    asked = time.monotonic_ns()
    listener.close()
    if not ended:
        loop.exec()
    return ended[0] - asked


def close_delays(origin: moq.Origin, count: int) -> list[int]:
    """close() to ``closed`` of ``count`` listeners, one at a time."""
    delays = [close_delay(origin) for _ in range(count)]
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return delays


def open_and_close(origin: moq.Origin, count: int) -> float:
    """Registrations per second: open ``count``, close them all, wait for all."""
    start = time.monotonic()
    listeners = [moq.Announcements(origin) for _ in range(count)]
    for listener in listeners:
        listener.close()
    del listeners
    while moq.live():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    elapsed = time.monotonic() - start
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return count / elapsed


def main(argv: list[str]) -> int:
    count = int(argv[0])
    app = QCoreApplication([])
    origin = moq.Origin()

    delays = sorted(close_delays(origin, min(count, 2000)))
    rate = open_and_close(origin, count)

    def at(share: int) -> float:
        return delays[len(delays) * share // 100] / 1e6

    report = {"close_ms": [at(50), at(95), at(99)], "per_second": rate, "count": count}
    print(json.dumps(report), flush=True)
    moq.close_all()
    origin.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
