"""The contract under load: open/close storms and quitting mid-playback."""

import gc
import random
import subprocess
import sys
import textwrap

from helpers import Ticker, lookup_broadcast

from moqview import moq


def test_ten_thousand_open_close_cycles_end_once_each(qtbot):
    with moq.Origin() as origin:
        ticker = Ticker(origin)
        broadcast = lookup_broadcast(qtbot, origin, "ticker")
        catalog_holder = moq.Catalog(broadcast)
        qtbot.waitSignal(catalog_holder.updated, timeout=10_000).wait()
        kinds = [
            lambda: moq.Announcements(origin),
            lambda: moq.BroadcastRequest(origin, "ticker"),
            lambda: moq.RawTrack(broadcast, "ticks"),
            lambda: moq.JsonTrack(broadcast, "state"),
            lambda: moq.Catalog(broadcast),
        ]
        opened = 0
        terminals = []

        def count(code, reason):
            terminals.append(code)

        for cycle in range(10_000):
            registration = kinds[cycle % len(kinds)]()
            registration.closed.connect(count)
            registration.close()
            del registration  # the caller keeps no reference
            opened += 1
            if cycle % 200 == 0:
                qtbot.wait(1)
                gc.collect()

        qtbot.waitUntil(lambda: len(terminals) >= opened, timeout=60_000)
        qtbot.wait(300)

        assert len(terminals) == opened
        assert all(code <= 0 for code in terminals)
        assert moq.live() == [catalog_holder]
        assert ticker.written > 0
        catalog_holder.close()
        qtbot.waitSignal(catalog_holder.closed, timeout=10_000).wait()
        broadcast.close()
        ticker.stop()


QUIT_DURING_PLAYBACK = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication, QTimer
    from moqview import moq

    app = QCoreApplication([])
    url, delay_ms = sys.argv[1], int(sys.argv[2])
    origin = moq.Origin()
    session = moq.Session(url, consume=origin)
    wait = moq.BroadcastWait(origin, "demo")
    frames = []

    def play(broadcast):
        catalog = moq.Catalog(broadcast)
        def tracks(snapshot):
            moq.VideoTrack(catalog, 0, sink=frames.append)
            moq.AudioTrack(catalog, 0, sink=frames.append)
        catalog.updated.connect(tracks)

    wait.available.connect(play)
    QTimer.singleShot(delay_ms, app.quit)
    app.exec()
    unfinished = moq.close_all(timeout=10)
    sys.exit(1 if unfinished else 0)
    """
)


def test_quitting_in_the_middle_of_playback_exits_cleanly_every_time(demo):
    rng = random.Random(7)
    results = []
    for _ in range(50):
        delay_ms = rng.randint(50, 1500)
        done = subprocess.run(
            [sys.executable, "-c", QUIT_DURING_PLAYBACK, demo.url, str(delay_ms)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        )
        results.append((done.returncode, delay_ms, done.stderr[-500:]))

    failures = [result for result in results if result[0] != 0]
    assert failures == []
