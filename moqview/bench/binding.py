"""Binding overhead: moqview's RawTrack against a C consumer of the same libmoq.

One C publisher per run writes small stamped frames at a fixed rate; the C
consumer (``moqbench consume``) and the Python one (``raw_probe``) each receive
a fresh copy of that track through the loopback relay, one after the other, so
they never compete for the two cores.
"""

import logging
import subprocess
import time

from moqview.local import Relay

from . import native
from .report import PYTHON, Table, ratio, run_json

log = logging.getLogger(__name__)

FRAME_BYTES = 64
WARMUP_S = 1.0


def _consume(relay: Relay, moqbench: str, rate: int, who: str, seconds: float):
    """Start a publisher at ``rate``, receive it with ``who``, return the figures."""
    path = f"raw-{who}-{rate}-{time.monotonic_ns()}"
    group = max(rate // 10, 1)
    publisher = subprocess.Popen(
        [moqbench, "publish", relay.url, path, str(FRAME_BYTES), str(rate),
         str(group), str(WARMUP_S + seconds + 20)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        consumer = [moqbench, "consume"] if who == "C" else [
            PYTHON, "-m", "moqview.bench.raw_probe"
        ]  # fmt: skip
        command = [*consumer, relay.url, path, str(WARMUP_S), str(seconds)]
        for _attempt in range(2):
            result = run_json(command, timeout=WARMUP_S + seconds + 40)
            if result["frames"]:
                return result
            log.warning("%s consumer saw no frame at %d/s; once more", who, rate)
        return result
    finally:
        publisher.kill()
        publisher.wait()


def run(quick: bool, out_dir) -> list[Table]:
    moqbench = str(native.build())
    rates = [1000, 20000] if quick else [1000, 5000, 20000, 50000]
    seconds = 2.0 if quick else 4.0

    table = Table(
        "Binding overhead: raw track of 64-byte frames, C consumer vs moqview",
        ["rate sent (/s)", "consumer", "received (/s)", "skipped", "CPU/frame (µs)",
         "delay p50 (ms)", "p95 (ms)", "p99 (ms)"],
    )  # fmt: skip
    ratios = Table(
        "Binding overhead: ratio moqview (Python) / C",
        ["rate sent (/s)", "received", "CPU/frame", "delay p50", "delay p99"],
    )
    with Relay() as relay:
        for rate in rates:
            figures = {}
            for who in ("C", "moqview"):
                result = _consume(relay, moqbench, rate, who, seconds)
                frames = result["frames"]
                per_second = frames / result["seconds"] if frames else 0.0
                cpu_us = result["cpu_s"] / frames * 1e6 if frames else None
                delay = result["delay_ms"] or [None] * 3
                figures[who] = (per_second, cpu_us, delay)
                table.add(rate, who, per_second, result["skipped"], cpu_us, *delay)
            c, py = figures["C"], figures["moqview"]
            ratios.add(
                rate,
                ratio(py[0], c[0]),
                ratio(py[1], c[1]),
                ratio(py[2][0], c[2][0]),
                ratio(py[2][2], c[2][2]),
            )
    table.notes.append(
        f"Each consumer: {WARMUP_S:.0f} s warm-up, then {seconds:.0f} s measured; "
        "CPU is the whole consumer process (user + system) over that window. "
        "Frames go 1/10 s to a group."
    )
    return [table, ratios]
