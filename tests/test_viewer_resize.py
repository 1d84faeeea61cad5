"""A picture size that changes mid-stream, at a keyframe and with no catalog
update (as an encoder adapting its resolution does), is played on without a
freeze at the new size and aspect."""

import os
import subprocess
import threading
import time
from itertools import pairwise

import av
import pytest
from reliability import open_window

from moqview import moq
from moqview.local import HostileBroadcast

FPS = 30
SIZES = ((320, 240), (480, 270))  # 4:3, then 16:9


def annexb_clip(directory, width: int, height: int) -> list[tuple[bytes, bool]]:
    """Two seconds of the test pattern as Annex-B H.264 access units, with the
    parameter sets inline at every keyframe (avc3)."""
    path = directory / f"clip-{width}x{height}.h264"
    subprocess.run(
        ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate={FPS}",
         "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-bf", "0",
         "-g", "15", "-bsf:v", "h264_mp4toannexb", "-f", "h264", str(path)],
        check=True,
    )  # fmt: skip
    with av.open(str(path), format="h264") as container:
        return [
            (bytes(packet), packet.is_keyframe)
            for packet in container.demux(video=0)
            if packet.size
        ]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    directory = tmp_path_factory.mktemp("resize")
    return [annexb_clip(directory, *size) for size in SIZES]


class SizeSwitcher:
    """Writes the first clip in a loop until ``switch`` is set, then the second
    one from its first keyframe on; all in real time, one timeline."""

    def __init__(self, broadcast: HostileBroadcast, clips):
        self.broadcast = broadcast
        self.clips = clips
        self.switch = threading.Event()
        self.switched_us: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.monotonic()
        index = position = clip = 0
        while not self._stop.is_set():
            if clip == 0 and self.switch.is_set():
                frames = self.clips[0]
                # Finish the open group of the first size: switch at a keyframe.
                if frames[position % len(frames)][1]:
                    clip, position = 1, 0
                    self.switched_us = index * 1_000_000 // FPS
            frames = self.clips[clip]
            payload, keyframe = frames[position % len(frames)]
            self.broadcast.write(payload, index * 1_000_000 // FPS, keyframe)
            index += 1
            position += 1
            time.sleep(max(0.0, start + index / FPS - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def test_a_new_picture_size_mid_stream_plays_on_at_the_new_size_and_aspect(
    qtbot, tmp_path, relay, clips
):
    origin = moq.Origin()
    session = moq.Session(relay.url, publish=origin)
    qtbot.waitSignal(session.connected, timeout=15_000).wait()
    path = f"resize-{os.urandom(4).hex()}"
    broadcast = HostileBroadcast(origin, path)
    broadcast.declare("avc3.64000d", *SIZES[0])
    feeder = SizeSwitcher(broadcast, clips)
    window = open_window(qtbot, tmp_path)
    shown_at: list[float] = []
    window.view.frameShown.connect(lambda: shown_at.append(time.monotonic()))
    try:
        window.connect_to(relay.url, path)
        qtbot.waitUntil(lambda: window.view.shown >= 30, timeout=20_000)
        first = window.view.current_image()
        box = window.view._box._video

        assert (first.width(), first.height()) == SIZES[0]
        assert box.width() / box.height() == pytest.approx(4 / 3, abs=0.02)

        feeder.switch.set()
        qtbot.waitUntil(
            lambda: window.view.current_image().width() == SIZES[1][0],
            timeout=10_000,
        )
        shown_before = window.view.shown
        qtbot.waitUntil(lambda: window.view.shown >= shown_before + 30, timeout=10_000)
        second = window.view.current_image()

        assert (second.width(), second.height()) == SIZES[1]
        assert box.width() / box.height() == pytest.approx(16 / 9, abs=0.02)
        assert window.player.state == "playing"
        assert window.player.video.counters.errors == 0
        # No freeze: pictures kept coming at about the frame rate throughout.
        gaps = [later - earlier for earlier, later in pairwise(shown_at)]
        assert max(gaps[10:]) < 0.5
    finally:
        window.shutdown()
        feeder.stop()
        broadcast.close()
        session.close()
