"""The callback lifetime contract, for every wrapper kind, with results flowing."""

import threading

import pytest
from helpers import Ticker, lookup_broadcast, open_catalog
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from moqview import moq

TIMEOUT_MS = 15_000


@pytest.fixture
def ticker():
    with moq.Origin() as origin:
        running = Ticker(origin)
        try:
            yield origin, running
        finally:
            running.stop()


@pytest.fixture
def demo_catalog(qtbot, demo):
    broadcast, catalog = open_catalog(qtbot, demo.url, "demo")
    yield catalog
    catalog.close()
    broadcast.close()


def observe(registration):
    """Record results, terminals and destruction with the thread each ran on."""
    events = {"results": 0, "closed": [], "destroyed": [], "after": 0}

    def result(*_):
        events["results"] += 1
        if events["closed"]:
            events["after"] += 1

    for name in (
        "connected",
        "announced",
        "available",
        "updated",
        "frame",
        "value",
        "picture",
        "pcm",
        "changed",
        "requested",
        "datagram",
    ):
        signal = getattr(registration, name, None)
        if signal is not None:
            signal.connect(result)
    registration.closed.connect(
        lambda code, reason: events["closed"].append((code, threading.get_ident()))
    )
    registration.destroyed.connect(
        lambda *_: events["destroyed"].append(threading.get_ident()),
        Qt.ConnectionType.DirectConnection,
    )
    return events


KINDS = {
    "session": lambda qtbot, env: moq.Session(env["url"], consume=moq.Origin()),
    "announcements": lambda qtbot, env: moq.Announcements(env["origin"]),
    "broadcast_wait": lambda qtbot, env: moq.BroadcastWait(env["origin"], "ticker"),
    "broadcast_request": lambda qtbot, env: moq.BroadcastRequest(
        env["origin"], "ticker"
    ),
    "catalog": lambda qtbot, env: moq.Catalog(env["broadcast"]),
    "raw_track": lambda qtbot, env: moq.RawTrack(env["broadcast"], "ticks"),
    "json_track": lambda qtbot, env: moq.JsonTrack(env["broadcast"], "state"),
    "video_track": lambda qtbot, env: moq.VideoTrack(env["catalog"](), 0),
    "audio_track": lambda qtbot, env: moq.AudioTrack(env["catalog"](), 0),
    "decoded_video": lambda qtbot, env: moq.DecodedVideo(env["catalog"](), 0),
    "demand": lambda qtbot, env: moq.Demand("track", env["ticker"].track.id),
    "track_requests": lambda qtbot, env: moq.TrackRequests(env["ticker"].broadcast.id),
    "group_requests": lambda qtbot, env: moq.GroupRequests(env["ticker"].track.id),
    "broadcast_requests": lambda qtbot, env: moq.BroadcastRequests(
        env["origin"], "on-demand/"
    ),
    "server": lambda qtbot, env: moq.Server(),
    "datagrams": lambda qtbot, env: moq.Datagrams(env["broadcast"], "ticks"),
    "decoded_audio": lambda qtbot, env: moq.DecodedAudio(env["catalog"](), 0, 48000, 2),
}
FLOWING = {
    "demand",
    "session",
    "announcements",
    "raw_track",
    "json_track",
    "video_track",
    "audio_track",
    "decoded_video",
    "decoded_audio",
    "catalog",
}


@pytest.fixture
def env(qtbot, relay, ticker, request):
    origin, running = ticker
    broadcast = None
    values = {"url": relay.url, "origin": origin, "ticker": running}
    needs_broadcast = ("catalog", "raw_track", "json_track", "datagrams")
    if request.node.callspec.params["kind"] in needs_broadcast:
        broadcast = lookup_broadcast(qtbot, origin, "ticker")
        values["broadcast"] = broadcast
    values["catalog"] = lambda: request.getfixturevalue("demo_catalog")
    yield values
    if broadcast is not None:
        broadcast.close()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_close_while_flowing_ends_once_on_the_owner_thread(qtbot, env, kind):
    registration = KINDS[kind](qtbot, env)
    events = observe(registration)
    if kind in FLOWING:
        qtbot.waitUntil(lambda: events["results"] > 0, timeout=TIMEOUT_MS)

    registration.close()
    qtbot.waitUntil(lambda: bool(events["closed"]), timeout=TIMEOUT_MS)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(300)

    main = threading.get_ident()
    assert events["closed"] == [(0, main)]
    assert events["after"] == 0
    assert events["destroyed"] == [main]
    assert registration not in moq.live()


def test_closing_twice_returns_false_the_second_time(qtbot, ticker):
    origin, _ = ticker
    announcements = moq.Announcements(origin)
    closed = []
    announcements.closed.connect(lambda code, reason: closed.append(code))

    first = announcements.close()
    second = announcements.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=TIMEOUT_MS)
    qtbot.wait(100)

    assert (first, second) == (True, False)
    assert closed == [0]


def test_closing_from_inside_a_live_callback(qtbot, ticker):
    origin, _ = ticker
    broadcast = lookup_broadcast(qtbot, origin, "ticker")
    frames_in_callback = []
    track = None

    def sink(frame):
        # Runs on libmoq's thread, inside the trampoline.
        frames_in_callback.append(threading.get_ident())
        track.close()

    track = moq.RawTrack(broadcast, "ticks", sink=sink)
    closed = []
    track.closed.connect(lambda code, reason: closed.append(code))

    qtbot.waitUntil(lambda: bool(closed), timeout=TIMEOUT_MS)
    qtbot.wait(200)

    assert closed == [0]
    assert frames_in_callback and threading.get_ident() not in frames_in_callback
    broadcast.close()


def test_session_reports_epoch_two_after_the_relay_restarts(qtbot):
    from moqview.local import Relay

    relay = Relay().start()
    config = moq.ClientConfig(backoff_initial=0.1, backoff_max=0.5)
    session = moq.Session(relay.url, consume=moq.Origin(), config=config)
    epochs = []
    session.connected.connect(epochs.append)
    qtbot.waitUntil(lambda: epochs == [1], timeout=TIMEOUT_MS)

    relay.stop()
    relay.start()
    qtbot.waitUntil(lambda: epochs[-1:] == [2], timeout=30_000)

    assert epochs == [1, 2]
    session.close()
    qtbot.waitSignal(session.closed, timeout=TIMEOUT_MS).wait()
    relay.__exit__(None, None, None)
