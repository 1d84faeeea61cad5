"""Sound reaching a real audio device: the viewer plays the demo broadcast into
a private PulseAudio server's null sink, and the sink's monitor is recorded.

Qt's audio backend looks for the sound server once per process and keeps the
answer, so each window here runs in a process of its own (sound_window.py)
and only that process sees the server; every other test keeps running with
no audio device. The demo's sound is a 440 Hz sine at ffmpeg's default
amplitude of 1/8, made stereo at -3 dB a channel: 20 log10(1/16) = -24.1 dBFS.
"""

import json
import math
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from moqview.local.sound import SoundServer, no_server
from moqview.media.audio import level_dbfs

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TONE_HZ = 440
# Waited after a change before recording what it did; the device's buffer
# (60 ms) and the sound server's latency play out well within it.
SETTLE_S = 0.5


@pytest.fixture(scope="module")
def sound():
    """A private sound server for this module's windows only."""
    with SoundServer() as server:
        yield server


@pytest.fixture
def recording(sound):
    recording = sound.record()
    yield recording
    recording.stop()


class Viewer:
    """A window in a child process: send a command, read its JSON answer."""

    def __init__(self, directory: Path, url: str, broadcast: str, sound: dict):
        env = dict(os.environ, **sound)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            PYTHONPATH=str(REPO),
            XDG_CONFIG_HOME=str(directory / "config"),
        )
        self.log = directory / "viewer.log"
        with open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    str(HERE / "sound_window.py"),
                    url,
                    broadcast,
                    str(directory / "moqview.ini"),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                cwd=REPO,
            )
        self._pending = b""
        self.connecting = self._answer(timeout=30)["connecting"]

    def _answer(self, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        output = self._process.stdout.fileno()
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            assert left > 0, f"the window did not answer:\n{self.output()}"
            ready, _, _ = select.select([output], [], [], left)
            if ready:
                chunk = os.read(output, 65_536)
                assert chunk, f"the window exited:\n{self.output()}"
                self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def send(self, command: str) -> dict:
        self._process.stdin.write(command.encode() + b"\n")
        self._process.stdin.flush()
        return self._answer()

    def wait_until(self, condition, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.send("status")
            if condition(status):
                return status
            assert time.monotonic() < deadline, f"last status: {status}"
            time.sleep(0.1)

    def wait_for_sound(self) -> dict:
        """Until the ring plays into the device and the clock follows it."""
        return self.wait_until(
            lambda s: s.get("state") == "playing" and s.get("clock") == "audio"
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def quit(self) -> dict:
        if self._process.poll() is not None:
            return {}
        try:
            answer = self.send("quit")
            self._process.wait(timeout=20)
            return answer
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._process.stdin.close()
            self._process.stdout.close()


@pytest.fixture
def open_viewer(tmp_path, relay, demo):
    """Opens windows on the demo broadcast with a given sound environment."""
    viewers = []

    def start(sound: dict) -> Viewer:
        directory = tmp_path / f"viewer-{len(viewers)}"
        directory.mkdir()
        viewer = Viewer(directory, relay.url, "demo", sound)
        viewers.append(viewer)
        return viewer

    yield start
    for viewer in viewers:
        answer = viewer.quit()
        assert answer.get("unfinished", []) == [], viewer.output()


def mono(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, np.int16).reshape(-1, 2).mean(axis=1)


def peak_hz(pcm: bytes, rate: int = 48_000) -> float:
    """The strongest frequency, to the nearest bin (1 Hz for a second)."""
    samples = mono(pcm)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.argmax(spectrum)) * rate / samples.size


def tone_share(pcm: bytes, hz: float, rate: int = 48_000, width: float = 10) -> float:
    """The part of the power within ``width`` Hz of ``hz``."""
    samples = mono(pcm)
    power = np.abs(np.fft.rfft(samples * np.hanning(samples.size))) ** 2
    frequencies = np.fft.rfftfreq(samples.size, 1 / rate)
    near = np.abs(frequencies - hz) <= width
    return float(power[near].sum() / power.sum())


def first_block(recording, start: int, wanted) -> int:
    """The offset of the first 10 ms block from ``start`` on that is ``wanted``."""
    block = recording.seconds_to_bytes(0.010)
    pcm = recording.pcm(start)
    for offset in range(0, len(pcm) - block + 1, block):
        if wanted(pcm[offset : offset + block]):
            return start + offset
    raise AssertionError("no such block recorded")


def audible(pcm: bytes) -> bool:
    return level_dbfs(pcm) > -40


def silent(pcm: bytes) -> bool:
    return not any(pcm)


def test_with_a_device_the_window_plays_the_440_hz_tone_into_it(
    sound, recording, open_viewer
):
    start = recording.position
    viewer = open_viewer(sound.environment)
    status = viewer.wait_for_sound()
    time.sleep(SETTLE_S)
    pcm = recording.take(1.0)

    assert status["available"] is True
    assert status["sound"] == ""  # no "Sound is unavailable" in the status bar
    assert abs(peak_hz(pcm) - TONE_HZ) <= 2
    # A pure tone puts all its power there; a dropout of a few milliseconds,
    # which a busy machine causes now and then, spreads 2-4 % of it.
    assert tone_share(pcm, TONE_HZ) > 0.9
    assert -25 < level_dbfs(pcm) < -23  # the sine's -24.1 dBFS, far from silence

    heard = recording.arrival(first_block(recording, start, audible))
    heard -= viewer.connecting
    print(f"level {level_dbfs(pcm):.2f} dBFS, first sound {heard * 1000:.0f} ms")
    # From dialling the relay to the tone at the device: the session, the
    # catalog, the track and the 250 ms jitter buffer.
    assert 0 < heard < 3


def test_mute_silences_the_device_and_unmute_brings_the_tone_back(
    sound, recording, open_viewer
):
    viewer = open_viewer(sound.environment)
    viewer.wait_for_sound()
    time.sleep(SETTLE_S)
    before = level_dbfs(recording.take(1.0))

    commanded = recording.position
    assert viewer.send("mute")["muted"] is True
    time.sleep(SETTLE_S)
    muted = recording.take(1.0)
    assert viewer.send("unmute")["muted"] is False
    time.sleep(SETTLE_S)
    after = recording.take(1.0)

    # In recorded time, from the command to the first silent 10 ms.
    silenced = first_block(recording, commanded, silent) - commanded
    delay = silenced / recording.seconds_to_bytes(1.0)
    print(f"level {before:.2f} dBFS, then {level_dbfs(after):.2f}; mute {delay:.3f} s")
    assert delay < SETTLE_S
    assert not any(muted)  # digital silence: every sample is zero
    assert abs(level_dbfs(after) - before) < 1.0
    assert abs(peak_hz(after) - TONE_HZ) <= 2


def test_half_volume_lowers_the_level_by_six_db(sound, recording, open_viewer):
    viewer = open_viewer(sound.environment)
    viewer.wait_for_sound()
    time.sleep(SETTLE_S)
    full = level_dbfs(recording.take(1.0))

    assert viewer.send("volume 50")["volume"] == 0.5
    time.sleep(SETTLE_S)
    half = recording.take(1.0)

    print(f"level {full:.2f} dBFS at volume 1.0, {level_dbfs(half):.2f} at 0.5")
    # A linear gain of 0.5 is 20 log10(0.5) = -6.02 dB.
    assert abs(level_dbfs(half) - full - 20 * math.log10(0.5)) < 0.5
    assert abs(peak_hz(half) - TONE_HZ) <= 2


def test_the_picture_follows_the_audio_clock_and_holds_while_the_device_stalls(
    sound, open_viewer
):
    viewer = open_viewer(sound.environment)
    playing = viewer.wait_for_sound()
    time.sleep(1.0)
    moving = viewer.send("status")

    sound.suspend(True)
    try:
        time.sleep(0.3)  # what the device had queued plays out
        stalled = viewer.send("status")
        time.sleep(1.0)
        held = viewer.send("status")
    finally:
        sound.suspend(False)
    resumed = viewer.wait_until(lambda s: s["shown"] >= held["shown"] + 15, 5)

    print(
        f"picture {moving['clock_us'] - moving['shown_us']} us behind the clock; "
        f"stalled {held['now'] - stalled['now']:.2f} s: clock "
        f"+{held['clock_us'] - stalled['clock_us']} us, "
        f"{held['shown'] - stalled['shown']} pictures; "
        f"15 more pictures {resumed['now'] - held['now']:.2f} s after resuming"
    )
    assert moving["clock"] == "audio"
    assert moving["shown"] - playing["shown"] >= 15  # about 30 a second
    # The picture on screen is the one due at the device's sample.
    assert abs(moving["clock_us"] - moving["shown_us"]) < 100_000
    # The device stopped pulling: its clock and the picture stand still while
    # a second passes on the wall clock.
    assert held["now"] - stalled["now"] >= 1.0
    assert held["clock"] == "audio"
    assert held["clock_us"] == stalled["clock_us"]
    assert held["shown_us"] == stalled["shown_us"]
    # It plays on when the device does (resumed waited for 15 more pictures).
    assert resumed["clock"] == "audio"
    assert resumed["clock_us"] > held["clock_us"]


def test_without_a_device_the_window_says_so_and_plays_the_picture(
    tmp_path, open_viewer
):
    viewer = open_viewer(no_server(tmp_path))
    first = viewer.wait_until(lambda s: s.get("shown", 0) >= 5)
    time.sleep(1.0)
    later = viewer.send("status")

    assert later["available"] is False
    assert later["sound"] == "Sound is unavailable: no audio output device"
    assert later["clock"] == "wall"
    assert later["shown"] - first["shown"] >= 15  # about 30 a second
