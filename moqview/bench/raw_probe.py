"""The Python side of the binding-overhead benchmark, run as its own process.

``python -m moqview.bench.raw_probe URL PATH WARMUP SECONDS`` receives the raw
track that ``moqbench publish`` writes, through moqview's RawTrack with a sink,
and prints the same JSON object as ``moqbench consume``: the sink does what the
C callback does (read the stamp, keep the delay), nothing more.
"""

import json
import resource
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer

from moqview import moq
from moqview.moq.track import Subscription

TRACK = "stamps"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Consumer:
    """Counts frames and keeps their delays over a window after a warm-up."""

    def __init__(self, warmup: float, seconds: float):
        self.warmup_ns = int(warmup * 1e9)
        self.window_ns = int(seconds * 1e9)
        self.first = self.start = self.end = 0
        self.cpu_start = self.cpu_end = 0.0
        self.first_sequence = self.last_sequence = 0
        self.delays: list[int] = []
        self.track: moq.RawTrack | None = None

    def sink(self, frame: moq.Frame) -> None:
        # libmoq's thread, as the C callback: stamp, window bookkeeping, delay.
        now = time.time_ns()
        if self.end:
            return
        stamp = int.from_bytes(frame.payload[:8], "little")
        sequence = int.from_bytes(frame.payload[8:16], "little")
        mono = time.monotonic_ns()
        if not self.first:
            self.first = mono
        if not self.start and mono - self.first >= self.warmup_ns:
            self.start = mono
            self.cpu_start = cpu_seconds()
            self.first_sequence = sequence
        if self.start:
            self.delays.append(now - stamp)
            self.last_sequence = sequence
            if mono - self.start >= self.window_ns:
                self.end = mono
                self.cpu_end = cpu_seconds()
                self.track.close()

    def report(self) -> dict:
        delays = sorted(self.delays)
        count = len(delays)

        def at(share: int) -> float:
            return delays[count * share // 100] / 1e6

        return {
            "frames": count,
            "seconds": (self.end - self.start) / 1e9,
            "cpu_s": self.cpu_end - self.cpu_start,
            "skipped": self.last_sequence - self.first_sequence + 1 - count,
            "delay_ms": [at(50), at(95), at(99)] if count else None,
        }


def main(argv: list[str]) -> int:
    url, path, warmup, seconds = argv[0], argv[1], float(argv[2]), float(argv[3])
    app = QCoreApplication([])
    origin = moq.Origin()
    moq.Session(url, consume=origin)
    consumer = Consumer(warmup, seconds)
    wait = moq.BroadcastWait(origin, path)

    def available(broadcast: moq.Broadcast) -> None:
        wait.close()
        subscription = Subscription(max_age_us=60_000_000)
        consumer.track = moq.RawTrack(
            broadcast, TRACK, subscription, sink=consumer.sink
        )
        consumer.track.closed.connect(ended)

    def ended(code: int, reason: str) -> None:
        if not consumer.end:
            print(f"raw_probe: the track ended early: {reason}", file=sys.stderr)
        app.quit()

    wait.available.connect(available)
    QTimer.singleShot(int((warmup + seconds + 30) * 1000), app.quit)
    app.exec()

    print(json.dumps(consumer.report()), flush=True)
    moq.close_all()
    origin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
