"""Presentation timing: the latency target, catching up to the live edge, and
video following the audio clock. Real decoder workers, real H.264."""

import threading
import time

import pytest
from conftest_viewer import encoded_video

from moqview.media.audio import PcmRing, us_to_bytes
from moqview.media.clock import (
    SyncClock,
    WallClock,
    monotonic_us,
    parse_latency,
)
from moqview.media.video import VideoConfig
from moqview.media.worker import VideoWorker


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("sync")


class Screen:
    """Records what a worker presents, and when."""

    def __init__(self, sync: SyncClock | None = None):
        self.shown: list[tuple[int, int, int | None]] = []
        self._sync = sync

    def present(self, picture) -> None:
        audio = None
        if self._sync is not None and self._sync.audio is not None:
            audio = self._sync.audio.position_us
        self.shown.append((picture.timestamp_us, monotonic_us(), audio))


def start_worker(encoded, sync: SyncClock, screen: Screen) -> VideoWorker:
    worker = VideoWorker(sync, screen.present)
    worker.start()
    worker.configure(VideoConfig(encoded.codec, encoded.description), 1)
    return worker


def feed_in_real_time(worker: VideoWorker, frames) -> int:
    sink = worker.sink(1)
    start = monotonic_us()
    for frame in frames:
        delay = start + frame.timestamp_us - monotonic_us()
        if delay > 0:
            time.sleep(delay / 1e6)
        sink(frame)
    return start


class AudioDevice:
    """Sound for the audio clock: silence from ``first_us`` on, read ``read_us``
    at a time every 10 ms by a thread, like a device pulling from the ring."""

    def __init__(self, sync: SyncClock, first_us: int, read_us: int):
        self.ring = PcmRing(prebuffer_us=0)
        for start in range(first_us, first_us + 2_000_000, 20_000):
            self.ring.write(bytes(us_to_bytes(20_000)), start)
        sync.audio = self.ring
        self._read = us_to_bytes(read_us)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.ring.read(self._read)
            time.sleep(0.010)

    def __enter__(self) -> "AudioDevice":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_latency_labels_parse_to_microseconds():
    assert [parse_latency(t) for t in ("realtime", "100ms", "250ms", "1s", "2 s")] == [
        0,
        100_000,
        250_000,
        1_000_000,
        2_000_000,
    ]
    with pytest.raises(ValueError, match="not a latency"):
        parse_latency("soon")


def test_the_wall_clock_runs_the_latency_target_behind_arrivals():
    clock = WallClock(latency_us=500_000)
    clock.observe(timestamp_us=10_000_000, arrival_us=monotonic_us())

    assert abs(clock.now_us() - 9_500_000) < 20_000


@pytest.mark.parametrize("latency_us", [100_000, 500_000])
def test_frames_arriving_live_are_shown_one_latency_later_at_their_pace(
    media_dir, latency_us
):
    encoded = encoded_video(media_dir, "h264", seconds=1.0)
    screen = Screen()
    worker = start_worker(encoded, SyncClock(latency_us), screen)

    start = feed_in_real_time(worker, encoded.frames)
    wait_until(lambda: len(screen.shown) + worker.counters.dropped >= 30)
    worker.stop()

    assert len(screen.shown) >= 28 and worker.counters.dropped <= 2
    first_timestamp, first_shown, _ = screen.shown[0]
    assert abs(first_shown - start - first_timestamp - latency_us) < 40_000
    for timestamp, shown, _ in screen.shown:
        # Every picture keeps its place on the timeline, within a frame.
        assert abs((shown - first_shown) - (timestamp - first_timestamp)) < 33_000


def test_frames_arriving_in_bursts_play_at_their_pace_at_the_realtime_target(
    media_dir,
):
    encoded = encoded_video(media_dir, "h264", seconds=2.0)
    screen = Screen()
    worker = start_worker(encoded, SyncClock(0), screen)

    # Three frames at a time, when the last of them is due: 100 ms fragments.
    sink = worker.sink(1)
    start = monotonic_us()
    for index in range(0, len(encoded.frames), 3):
        burst = encoded.frames[index : index + 3]
        delay = start + burst[-1].timestamp_us - monotonic_us()
        if delay > 0:
            time.sleep(delay / 1e6)
        for frame in burst:
            sink(frame)
    wait_until(lambda: len(screen.shown) + worker.counters.dropped >= 60)
    worker.stop()

    # After the first bursts have shown the spread, nothing more is dropped...
    assert worker.counters.dropped <= 6  # against 19 without the jitter hold
    assert len(screen.shown) >= 54
    # ... and pictures are shown one frame apart, not three at once.
    steady = screen.shown[15:]
    gaps = [b[1] - a[1] for a, b in zip(steady, steady[1:], strict=False)]
    assert sorted(gaps)[len(gaps) // 2] > 20_000
    assert worker.clock.wall.jitter_us < 120_000


def test_a_backlog_beyond_the_latency_target_skips_to_the_newest_keyframe(media_dir):
    encoded = encoded_video(media_dir, "h264", seconds=3.0, gop=30)
    screen = Screen()
    worker = VideoWorker(SyncClock(0), screen.present)
    worker.configure(VideoConfig(encoded.codec, encoded.description), 1)
    sink = worker.sink(1)
    for frame in encoded.frames:  # three seconds are queued at once
        sink(frame)
    worker.start()
    wait_until(lambda: worker.counters.dropped + len(screen.shown) >= 90)
    worker.stop()

    assert screen.shown[0][0] == 2_000_000  # the last keyframe
    assert worker.counters.dropped >= 60
    assert worker.counters.decoded <= 35


def test_video_follows_the_audio_clock(media_dir):
    encoded = encoded_video(media_dir, "h264", seconds=1.0)
    sync = SyncClock(0)
    screen = Screen(sync)
    # A device that reads the ring at half speed: video must slow down with it.
    with AudioDevice(sync, first_us=0, read_us=5_000):
        worker = start_worker(encoded, sync, screen)
        sink = worker.sink(1)
        for frame in encoded.frames:
            sink(frame)
        wait_until(lambda: len(screen.shown) + worker.counters.dropped >= 30, 5.0)
    worker.stop()

    assert len(screen.shown) >= 25
    span_us = screen.shown[-1][1] - screen.shown[0][1]
    assert span_us > 1_500_000  # 1 s of media took about 2 s of wall time
    for timestamp, _, audio_position in screen.shown[1:]:
        assert audio_position is not None and abs(audio_position - timestamp) < 40_000


def test_a_switch_plays_the_old_rendition_until_the_new_one_has_a_keyframe(
    media_dir,
):
    import dataclasses

    small = encoded_video(media_dir, "h264", size="320x240")
    large = encoded_video(media_dir, "h264", size="640x480")
    # Renditions share the broadcast's timeline: the new track's first group
    # starts where the old track is (its 21st frame).
    offset = small.frames[20].timestamp_us
    large.frames[:] = [
        dataclasses.replace(f, timestamp_us=f.timestamp_us + offset)
        for f in large.frames
    ]
    sizes = []
    retired = []
    worker = VideoWorker(
        SyncClock(250_000),
        lambda picture: sizes.append((picture.width, picture.height)),
    )
    worker.start()
    worker.configure(VideoConfig(small.codec, small.description), 1)
    old, new = worker.sink(1), worker.sink(2)
    for frame in small.frames[:10]:
        old(frame)

    worker.configure(
        VideoConfig(large.codec, large.description), 2, retire=lambda: retired.append(1)
    )
    for frame in large.frames[1:5]:  # the new track joins mid-group: no keyframe
        new(frame)
    for frame in small.frames[10:20]:
        old(frame)
    wait_until(lambda: len(sizes) >= 20)
    before_keyframe = list(sizes)
    new(large.frames[0])  # its first keyframe: the switch happens here
    for frame in large.frames[1:10]:
        new(frame)
    for frame in small.frames[20:25]:  # the old track's last frames are ignored
        old(frame)
    wait_until(lambda: len(sizes) >= 30, timeout=5.0)
    worker.stop()
    worker.join()

    assert before_keyframe == [(320, 240)] * 20
    # Every picture after the keyframe is the new rendition's; on a starved
    # machine the presentation clock may drop one that came too late.
    assert set(sizes[20:]) == {(640, 480)}
    assert len(sizes[20:]) >= 8
    assert retired == [1]


def test_a_late_picture_is_shown_when_nothing_newer_is_waiting(media_dir):
    encoded = encoded_video(media_dir, "h264", seconds=1.0)
    sync = SyncClock(0)
    screen = Screen(sync)
    # The sound runs 100 ms ahead of the pictures, which arrive in real time:
    # every picture is late, but each is the newest there is.
    with AudioDevice(sync, first_us=100_000, read_us=10_000):
        worker = start_worker(encoded, sync, screen)
        feed_in_real_time(worker, encoded.frames)
        wait_until(lambda: len(screen.shown) + worker.counters.dropped >= 30, 5.0)
    worker.stop()

    assert worker.counters.dropped == 0
    assert len(screen.shown) == len(encoded.frames)
