"""Hostile media reaches the viewer: it shows a notice or skips, stays responsive,
keeps its memory bounded, and plays again once the media is sound."""

import os
import random
import subprocess
import threading
import time

import av
import psutil
import pytest
from reliability import Responsiveness, open_window

from moqview import moq
from moqview.local import HostileBroadcast

FPS = 30
# Generous: the viewer's steady state is tens of MB; a leak per bad frame or a
# buffer sized from the catalog's claims would pass this within seconds.
RSS_GROWTH_LIMIT = 200 * 2**20


@pytest.fixture(scope="module")
def h264(tmp_path_factory):
    """Four seconds of 320x240 H.264 (avcC, no B-frames): description and frames."""
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg", "-y", "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc=size=320x240:rate={FPS}", "-t", "4",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-bf", "0", "-g", "15",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        description = bytes(stream.codec_context.extradata)
        frames = [
            (bytes(packet), packet.is_keyframe)
            for packet in container.demux(stream)
            if packet.size
        ]
    return description, frames


class Feeder:
    """Writes the clip to a HostileBroadcast in real time from a plain thread,
    passing each payload through ``mangle`` first (None writes it as it is)."""

    def __init__(self, broadcast: HostileBroadcast, frames, mangle=None):
        self.broadcast = broadcast
        self.frames = frames
        self.mangle = mangle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.monotonic()
        index = 0
        while not self._stop.is_set():
            payload, keyframe = self.frames[index % len(self.frames)]
            mangle = self.mangle
            if mangle is not None:
                payload = mangle(payload)
            self.broadcast.write(payload, index * 1_000_000 // FPS, keyframe)
            index += 1
            time.sleep(max(0.0, start + index / FPS - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def stage(qtbot, tmp_path, relay):
    """A hostile broadcast on the shared relay and a window watching it."""
    origin = moq.Origin()
    session = moq.Session(relay.url, publish=origin)
    qtbot.waitSignal(session.connected, timeout=15_000).wait()
    path = f"hostile-{os.urandom(4).hex()}"
    broadcast = HostileBroadcast(origin, path)
    window = open_window(qtbot, tmp_path)
    feeders = []

    def feed(frames, mangle=None):
        feeders.append(Feeder(broadcast, frames, mangle))
        return feeders[-1]

    yield window, broadcast, path, feed
    window.shutdown()
    for feeder in feeders:
        feeder.stop()
    broadcast.close()
    session.close()


def rss() -> int:
    return psutil.Process().memory_info().rss


def random_bytes(payload: bytes) -> bytes:
    return os.urandom(len(payload))


def test_frames_of_random_bytes_are_skipped_and_sound_frames_play_after(
    qtbot, relay, stage, h264
):
    window, broadcast, path, feed = stage
    description, frames = h264
    broadcast.declare("avc1.64000d", 320, 240, description)
    feeder = feed(frames, random_bytes)
    responsiveness = Responsiveness()
    before = rss()

    window.connect_to(relay.url, path)
    qtbot.waitUntil(lambda: window.player.video.counters.received >= 90, timeout=20_000)

    assert window.player.video.counters.errors > 0
    assert window.view.shown == 0
    assert rss() - before < RSS_GROWTH_LIMIT

    feeder.mangle = None
    qtbot.waitUntil(lambda: window.view.shown >= 15, timeout=20_000)
    responsiveness.stop()

    assert window.player.state == "playing"
    assert responsiveness.longest_gap < 1.0


def test_truncated_frames_cost_pictures_not_playback(qtbot, relay, stage, h264):
    window, broadcast, path, feed = stage
    description, frames = h264
    broadcast.declare("avc1.64000d", 320, 240, description)
    rng = random.Random(3)

    def truncate(payload: bytes) -> bytes:
        # Half the frames lose a random part of their tail.
        return (
            payload[: rng.randrange(1, len(payload))] if rng.random() < 0.5 else payload
        )

    feed(frames, truncate)
    before = rss()
    window.connect_to(relay.url, path)

    qtbot.waitUntil(
        lambda: window.player.video.counters.received >= 120, timeout=20_000
    )
    counters = window.player.video.counters

    assert counters.errors > 0 or counters.dropped > 0
    assert window.view.shown > 0  # whole frames still reach the screen
    assert window.player.state == "playing"
    assert rss() - before < RSS_GROWTH_LIMIT


def test_a_catalog_naming_an_unknown_codec_shows_a_notice(qtbot, relay, stage, h264):
    window, broadcast, path, feed = stage
    broadcast.declare("zzz9.01.02", 320, 240)
    feed(h264[1])

    window.connect_to(relay.url, path)
    qtbot.waitUntil(lambda: window.player.state == "unsupported", timeout=20_000)

    assert "Cannot play" in window.view.message()
    assert "zzz9.01.02" in window.view.message()
    assert window.player._video_track is None  # nothing is subscribed in vain


def test_a_catalog_claiming_an_absurd_picture_size_plays_the_real_one(
    qtbot, relay, stage, h264
):
    window, broadcast, path, feed = stage
    description, frames = h264
    broadcast.declare("avc1.64000d", 4_000_000_000, 4_000_000_000, description)
    feed(frames)
    before = rss()

    window.connect_to(relay.url, path)
    qtbot.waitUntil(lambda: window.view.shown >= 15, timeout=20_000)

    image = window.view.current_image()
    assert (image.width(), image.height()) == (320, 240)
    assert window.player.video_rendition.coded_width == 4_000_000_000
    assert rss() - before < RSS_GROWTH_LIMIT


def test_a_catalog_updated_fifty_times_a_second_keeps_playing(
    qtbot, relay, stage, h264
):
    window, broadcast, path, feed = stage
    description, frames = h264
    broadcast.declare("avc1.64000d", 320, 240, description)
    feed(frames)
    window.connect_to(relay.url, path)
    qtbot.waitUntil(lambda: window.view.shown >= 5, timeout=20_000)

    snapshots = []
    window.player.catalogChanged.connect(snapshots.append)
    responsiveness = Responsiveness()
    shown, before, registrations = window.view.shown, rss(), len(moq.live())
    for update in range(250):  # five seconds
        broadcast.section("churn", {"update": update, "padding": "x" * 512})
        qtbot.wait(20)
    qtbot.wait(500)
    responsiveness.stop()

    assert len(snapshots) > 25  # the updates did reach the player
    assert snapshots[-1].sections["churn"]["update"] == 249  # the newest one wins
    assert window.view.shown >= shown + 60  # about 150 were due
    assert responsiveness.longest_gap < 1.0
    assert len(moq.live()) <= registrations  # nothing piles up per update
    assert rss() - before < RSS_GROWTH_LIMIT
