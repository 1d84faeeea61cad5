"""Building blocks the binding tests share: a libmoq publisher and lookups."""

import threading
import time

from moqview import moq

TIMEOUT_MS = 15_000


class Ticker:
    """A libmoq publisher on a local origin: a raw track ``ticks`` written every
    couple of milliseconds from a plain thread, and a JSON snapshot ``state``."""

    def __init__(self, origin: moq.Origin, path: str = "ticker"):
        self.broadcast = moq.PublishedBroadcast(origin, path)
        self.track = self.broadcast.track("ticks")
        self.state = self.broadcast.json_snapshot("state")
        self.broadcast.announce()
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            stamp = time.monotonic_ns() // 1000
            self.track.write(self.written.to_bytes(8, "big"), stamp)
            self.state.update({"written": self.written})
            self.written += 1
            time.sleep(0.002)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.track.finish()
        self.state.finish()
        self.broadcast.close()


def lookup_broadcast(qtbot, origin, path):
    lookup = moq.BroadcastWait(origin, path)
    with qtbot.waitSignal(lookup.available, timeout=TIMEOUT_MS) as available:
        pass
    return available.args[0]


def open_catalog(qtbot, url: str, path: str):
    """Connect to ``url``, wait for ``path`` and its first catalog snapshot.

    Returns the Broadcast (the caller closes it) and the Catalog.
    """
    origin = moq.Origin()
    moq.Session(url, consume=origin)
    broadcast = lookup_broadcast(qtbot, origin, path)
    catalog = moq.Catalog(broadcast)
    qtbot.waitSignal(catalog.updated, timeout=TIMEOUT_MS).wait()
    return broadcast, catalog
