"""Presentation clocks: which media time should be on screen right now.

With audio, the audio device is the master: the media time of the sample it
is playing. Without audio (or before it starts), a wall clock anchored to the
earliest frame arrival, delayed by the latency target, plays the same role.
"""

import threading
import time
from collections import deque

LATENCIES_US = {
    "realtime": 0,
    "100 ms": 100_000,
    "250 ms": 250_000,
    "500 ms": 500_000,
    "1 s": 1_000_000,
    "2 s": 2_000_000,
}


def parse_latency(text: str) -> int:
    """Microseconds for ``realtime``, ``250ms``, ``1s``, ``0.5 s`` and the like."""
    value = text.strip().lower().replace(" ", "")
    if value in ("realtime", "0", "0ms"):
        return 0
    try:
        if value.endswith("ms"):
            return round(float(value[:-2]) * 1000)
        if value.endswith("s"):
            return round(float(value[:-1]) * 1_000_000)
    except ValueError:
        pass
    raise ValueError(
        f"{text!r} is not a latency; use realtime, 100ms, 250ms, 500ms, 1s or 2s"
    )


def latency_label(latency_us: int) -> str:
    for label, value in LATENCIES_US.items():
        if value == latency_us:
            return label
    return f"{latency_us // 1000} ms"


def monotonic_us() -> int:
    return time.monotonic_ns() // 1000


def catch_up_threshold_us(latency_us: int) -> int:
    """How far behind the live edge playback may fall before it skips ahead."""
    return latency_us + max(300_000, latency_us // 2)


# How far back the arrival jitter is measured, and the most it may delay.
JITTER_WINDOW_US = 3_000_000
MAX_JITTER_US = 500_000


class WallClock:
    """Media time = now - (the smallest arrival delay seen) - the delay.

    The smallest ``arrival - timestamp`` is the path's delay when nothing was
    queued on the way; frames arriving later than that are jitter. The delay
    is the latency target, or the jitter of the last few seconds when that is
    larger: frames that arrive in bursts (a publisher sending 100 ms fragments
    hands over three frames at once) can play at their own pace no sooner than
    the last of a burst arrives, so a "realtime" target becomes the least delay
    that plays smoothly instead of dropping all but the newest of each burst.
    """

    def __init__(self, latency_us: int = 250_000):
        self._lock = threading.Lock()
        self._offset: int | None = None
        self._recent: deque[tuple[int, int]] = deque()  # (arrival, offset)
        self.jitter_us = 0
        self.latency_us = latency_us

    def observe(self, timestamp_us: int, arrival_us: int) -> None:
        offset = arrival_us - timestamp_us
        with self._lock:
            if self._offset is None or offset < self._offset:
                self._offset = offset
            recent = self._recent
            recent.append((arrival_us, offset))
            while recent[0][0] < arrival_us - JITTER_WINDOW_US:
                recent.popleft()
            latest = max(offset for _, offset in recent)
            self.jitter_us = min(latest - self._offset, MAX_JITTER_US)

    def reanchor(self, timestamp_us: int, arrival_us: int) -> None:
        """Forget the history: ``timestamp_us`` arrived on time at ``arrival_us``."""
        with self._lock:
            self._offset = arrival_us - timestamp_us
            self._recent.clear()
            self.jitter_us = 0

    def reset(self) -> None:
        with self._lock:
            self._offset = None
            self._recent.clear()
            self.jitter_us = 0

    @property
    def delay_us(self) -> int:
        """How long after its earliest possible arrival a frame is shown."""
        return max(self.latency_us, self.jitter_us)

    def now_us(self) -> int | None:
        with self._lock:
            if self._offset is None:
                return None
            return monotonic_us() - self._offset - self.delay_us


class SyncClock:
    """The clock video is presented against: audio when playing, else wall."""

    def __init__(self, latency_us: int = 250_000):
        self.wall = WallClock(latency_us)
        self.audio = None  # a PcmRing the audio device reads, when there is one

    @property
    def latency_us(self) -> int:
        return self.wall.latency_us

    @latency_us.setter
    def latency_us(self, value: int) -> None:
        self.wall.latency_us = value

    def source(self) -> str:
        """``audio`` or ``wall``: what the clock follows at this moment."""
        ring = self.audio
        return "audio" if ring is not None and ring.position_us is not None else "wall"

    def now_us(self) -> int | None:
        ring = self.audio
        if ring is not None:
            position = ring.position_us
            if position is not None:
                return position - ring.output_latency_us
        return self.wall.now_us()

    def due_in_us(self, timestamp_us: int) -> int:
        """Microseconds until ``timestamp_us`` should be shown (negative: late)."""
        now = self.now_us()
        return 0 if now is None else timestamp_us - now
