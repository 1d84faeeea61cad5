"""The callback contract under stress: every wrapper kind opened and closed in
storms while results flow, from three places, with the GUI thread kept busy and
Python's garbage collector forced between steps."""

import gc
import random
import threading
import time

import pytest
from helpers import Ticker, lookup_broadcast
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer

from moqview import moq

ROUNDS = 10
SIGNALS = ("connected", "announced", "available", "updated", "frame", "value")
SINK_KINDS = {"raw", "video", "audio", "decoded_video", "decoded_audio"}


class Record:
    """What one registration did, as seen from the GUI thread and from its sink."""

    def __init__(self, kind: str, how: str):
        self.kind = kind
        self.how = how  # gui, thread or callback: where close() is called from
        self.results = 0
        self.after = 0
        self.closed: list[int] = []
        self.closed_on: list[int] = []
        self.destroyed_on: list[int] = []
        self.registration = None

    def result(self, *_):
        self.results += 1
        if self.closed:
            self.after += 1

    def sink(self, _value):
        # libmoq's thread: count, and close from inside the callback if asked.
        self.result()
        if self.how == "callback" and self.results == 1:
            self.registration.close()


@pytest.fixture
def sources(qtbot, relay, demo):
    """A Ticker on a local origin, and the demo broadcast's catalog via the relay."""
    with moq.Origin() as local:
        ticker = Ticker(local)
        remote = moq.Origin()
        session = moq.Session(demo.url, consume=remote)
        media = lookup_broadcast(qtbot, remote, "demo")
        catalog = moq.Catalog(media)
        qtbot.waitUntil(
            lambda: bool(catalog.snapshot and catalog.snapshot.audio), timeout=15_000
        )
        ticks = lookup_broadcast(qtbot, local, "ticker")
        yield relay, local, ticks, catalog
        for registration in (catalog, session):
            registration.close()
            qtbot.waitSignal(registration.closed, timeout=10_000).wait()
        media.close()
        ticks.close()
        ticker.stop()
        remote.close()


def open_kind(kind, record, relay, local, ticks, catalog, origins):
    sink = record.sink if kind in SINK_KINDS else None
    if kind == "session":
        origins.append(moq.Origin())
        return moq.Session(relay.url, consume=origins[-1])
    return {
        "announcements": lambda: moq.Announcements(local),
        "wait": lambda: moq.BroadcastWait(local, "ticker"),
        "request": lambda: moq.BroadcastRequest(local, "ticker"),
        "catalog": lambda: moq.Catalog(ticks),
        "raw": lambda: moq.RawTrack(ticks, "ticks", sink=sink),
        "json": lambda: moq.JsonTrack(ticks, "state"),
        "video": lambda: moq.VideoTrack(catalog, 0, sink=sink),
        "audio": lambda: moq.AudioTrack(catalog, 0, sink=sink),
        "decoded_video": lambda: moq.DecodedVideo(catalog, 0, sink=sink),
        "decoded_audio": lambda: moq.DecodedAudio(catalog, 0, 48000, 2, sink=sink),
    }[kind]()


def close_each(registrations) -> None:
    for registration in registrations:
        registration.close()


KINDS = [
    "session",
    "announcements",
    "wait",
    "request",
    "catalog",
    "raw",
    "json",
    "video",
    "audio",
    "decoded_video",
    "decoded_audio",
]


def test_close_storms_end_every_kind_once_on_the_gui_thread(qtbot, sources):
    relay, local, ticks, catalog = sources
    rng = random.Random(11)
    main = threading.get_ident()
    baseline = set(map(id, moq.live()))
    origins = []
    records = []

    # The GUI thread is busy 25 ms of every 30: queued signals pile up behind it.
    busy = QTimer()
    busy.setInterval(30)
    busy.timeout.connect(lambda: time.sleep(0.025))
    busy.start()

    for _ in range(ROUNDS):
        batch = []
        for kind in KINDS:
            how = rng.choice(
                ["gui", "thread", "callback"]
                if kind in SINK_KINDS
                else ["gui", "thread"]
            )
            record = Record(kind, how)
            registration = open_kind(
                kind, record, relay, local, ticks, catalog, origins
            )
            record.registration = registration
            for name in SIGNALS:
                signal = getattr(registration, name, None)
                if signal is not None:
                    signal.connect(record.result)
            registration.closed.connect(
                lambda code, reason, r=record: (
                    r.closed.append(code),
                    r.closed_on.append(threading.get_ident()),
                )
            )
            registration.destroyed.connect(
                lambda *_, r=record: r.destroyed_on.append(threading.get_ident()),
                Qt.ConnectionType.DirectConnection,
            )
            batch.append(record)
        gc.collect()
        qtbot.wait(rng.randint(100, 400))  # results flow, the busy timer runs
        gc.collect()

        closers = [r.registration for r in batch if r.how == "thread"]
        worker = threading.Thread(target=close_each, args=(closers,))
        worker.start()
        for record in batch:
            if record.how != "thread":
                record.registration.close()  # a no-op after a close from a callback
        worker.join()
        for record in batch:
            record.registration = None  # libmoq's reference is the only one left
        del closers
        gc.collect()
        records += batch

    qtbot.waitUntil(lambda: all(r.closed for r in records), timeout=60_000)
    busy.stop()
    qtbot.wait(300)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    for origin in origins:
        origin.close()

    assert [r.kind for r in records if len(r.closed) != 1] == []
    assert all(code <= 0 for r in records for code in r.closed)
    assert all(r.closed_on == [main] for r in records)
    assert all(r.destroyed_on == [main] for r in records)
    assert sum(r.after for r in records) == 0
    assert set(map(id, moq.live())) == baseline
    flowing = {r.kind for r in records if r.results}
    assert flowing >= {"session", "announcements", "raw", "json", "video", "audio"}
    assert {r.how for r in records} == {"gui", "thread", "callback"}
