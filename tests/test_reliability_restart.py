"""Faults of the stack around a playing viewer: the relay is killed and comes back,
and the publisher stops and starts again under the same name."""

import time

from reliability import open_window

from moqview import moq
from moqview.local import Media, Publisher, Relay

SMALL = Media(width=320, height=240, audio=False, keyframe_interval=15)


def test_playback_resumes_by_itself_after_the_relay_is_killed_and_restarted(
    qtbot, tmp_path
):
    relay = Relay().start()
    publisher = Publisher(relay.url, "restart", SMALL).start()
    window = open_window(qtbot, tmp_path)
    try:
        window.connect_to(relay.url, "restart")
        qtbot.waitUntil(lambda: window.view.shown >= 10, timeout=30_000)
        assert window.connection.epoch == 1

        relay.stop()  # SIGTERM with no drain: the QUIC connection just ends
        shown = window.view.shown
        relay.start()
        restarted = time.monotonic()
        if not publisher.running():  # the upstream publisher may give up
            publisher.stop()
            publisher.start()

        qtbot.waitUntil(lambda: window.connection.epoch == 2, timeout=30_000)
        qtbot.waitUntil(lambda: window.view.shown >= shown + 10, timeout=30_000)
        resumed = time.monotonic() - restarted
        print(f"\nplayback resumed {resumed:.2f} s after the relay restarted")

        assert window.connection.state == "connected"
        assert window.connection.session.epoch == 2
        assert window.player.state == "playing"
        assert window.view.message() == ""
    finally:
        window.shutdown()
        publisher.__exit__(None, None, None)
        relay.__exit__(None, None, None)


def test_a_publisher_restarting_under_the_same_name_goes_offline_then_live(
    qtbot, relay
):
    origin = moq.Origin()
    model = moq.AnnouncementModel()
    announcements = moq.Announcements(origin)
    model.watch(announcements)
    changes = []
    model.liveChanged.connect(lambda path, live: changes.append((path, live)))
    moq.Session(relay.url, consume=origin)

    for _ in range(2):
        with Publisher(relay.url, "phoenix", SMALL):
            qtbot.waitUntil(lambda: model.is_live("phoenix"), timeout=20_000)
        qtbot.waitUntil(lambda: not model.is_live("phoenix"), timeout=20_000)

    with Publisher(relay.url, "phoenix", SMALL):
        qtbot.waitUntil(lambda: model.is_live("phoenix"), timeout=20_000)
        wait = moq.BroadcastWait(origin, "phoenix")
        with qtbot.waitSignal(wait.available, timeout=20_000) as available:
            pass
        catalog = moq.Catalog(available.args[0])
        qtbot.waitSignal(catalog.updated, timeout=20_000).wait()
        frames = []
        moq.VideoTrack(catalog, 0, sink=frames.append)
        qtbot.waitUntil(lambda: len(frames) >= 15, timeout=20_000)

        mine = [live for path, live in changes if path == "phoenix"]
        assert mine == [True, False, True, False, True]
        assert model.paths().count("phoenix") == 1  # one row, back to life
        assert frames[0].keyframe
        moq.close_all()
        available.args[0].close()
