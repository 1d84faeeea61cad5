"""``moqview soak``: play the local demo for a long time under churn and measure.

The window plays the demo broadcast while the track subscriptions are reopened
periodically (a rendition switch and a new latency target each time) and the
publisher is restarted under the same name. Every interval the process's RSS,
the libmoq registry size and the thread count are printed; at the end a plot is
drawn and the figures after warm-up are checked for growth.
"""

import argparse
import logging
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

log = logging.getLogger(__name__)

LATENCIES_US = (250_000, 500_000)


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float
    registry: int
    threads: int
    shown: int
    state: str


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moqview soak", description=__doc__)
    parser.add_argument("--duration", type=float, default=600, help="seconds")
    parser.add_argument("--interval", type=float, default=10, help="seconds a sample")
    parser.add_argument(
        "--switch-every", type=float, default=15, help="seconds between switches"
    )
    parser.add_argument(
        "--restart-every", type=float, default=60, help="seconds between restarts"
    )
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds (default: a fifth)"
    )
    parser.add_argument(
        "--rss-growth-mb",
        type=float,
        default=30,
        help="RSS growth after warm-up that counts as a leak",
    )
    parser.add_argument("--plot", default="soak.png", help="PNG path; '' for none")
    parser.add_argument("--log-level", default="warning")
    return parser


class Soak:
    """Drives the window and records samples; lives on the GUI thread."""

    def __init__(self, window, stack, args):
        import psutil

        self.window = window
        self.stack = stack
        self.args = args
        self.samples: list[Sample] = []
        self.switches = 0
        self.restarts = 0
        self._process = psutil.Process()
        self._started = time.monotonic()

    def sample(self) -> None:
        from moqview import moq

        player = self.window.player
        sample = Sample(
            seconds=time.monotonic() - self._started,
            rss_mb=self._process.memory_info().rss / 2**20,
            registry=len(moq.live()),
            threads=self._process.num_threads(),
            shown=self.window.view.shown,
            state=player.state if player else "-",
        )
        self.samples.append(sample)
        print(
            f"{sample.seconds:8.0f} {sample.rss_mb:9.1f} {sample.registry:9d} "
            f"{sample.threads:8d} {threading.active_count():9d} "
            f"{sample.shown:8d}  {sample.state}",
            flush=True,
        )

    def switch(self) -> None:
        """Reopen the tracks: the next rendition by hand (each in turn, then the
        automatic choice), then a new latency."""
        player = self.window.player
        if player is None or player.snapshot is None:
            return
        self.switches += 1
        choices = [*range(len(player.snapshot.video)), None]
        manual = choices[self.switches % len(choices)]
        player.set_manual_rendition(manual)
        self.window.set_latency(LATENCIES_US[self.switches % len(LATENCIES_US)])
        log.info("switch %d: rendition %s", self.switches, manual)

    def restart_publisher(self) -> None:
        self.restarts += 1
        log.info("restarting the publisher (%d)", self.restarts)
        self.stack.restart_publisher()


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) points, per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope * 60


def verdict(samples: list[Sample], warmup: float, rss_growth_mb: float) -> bool:
    """Print the figures after warm-up; True when memory and registry are flat."""
    steady = [s for s in samples if s.seconds >= warmup]
    if len(steady) < 2:
        print("too few samples after warm-up to judge", flush=True)
        return False
    rss = [s.rss_mb for s in steady]
    registry = [s.registry for s in steady]
    threads = [s.threads for s in steady]
    third = max(1, len(steady) // 3)
    # Medians of the first and last thirds: a leak moves them apart, while a
    # moment's spike (a publisher restart, a burst of frames) does not.
    growth = median(rss[-third:]) - median(rss[:third])
    thread_growth = median(threads[-third:]) - median(threads[:third])
    slope = slope_per_minute([(s.seconds, s.rss_mb) for s in steady])
    print(
        f"\nafter {warmup:.0f} s of warm-up ({len(steady)} samples):\n"
        f"  RSS       {min(rss):.1f} .. {max(rss):.1f} MB, "
        f"growth {growth:+.1f} MB (last third against first), "
        f"slope {slope:+.2f} MB/min\n"
        f"  registry  {min(registry)} .. {max(registry)}\n"
        f"  threads   {min(threads)} .. {max(threads)}, growth {thread_growth:+.0f}\n"
        f"  pictures  {steady[-1].shown - steady[0].shown} shown",
        flush=True,
    )
    if thread_growth > 2:
        print("  warning: the thread count grows", flush=True)
    flat_memory = growth < rss_growth_mb
    # The registry moves by a couple while tracks reopen; it must not creep.
    flat_registry = max(registry[-third:]) <= max(registry[:third])
    # A publisher restart costs a few seconds of pictures; playback that stops
    # for longer (shown standing still) is a stall, whatever memory does.
    stall = longest_stall(steady)
    print(f"  longest stall {stall:.0f} s without a new picture", flush=True)
    playing = steady[-1].shown > steady[0].shown and stall <= MAX_STALL_S
    return flat_memory and flat_registry and playing


MAX_STALL_S = 20


def longest_stall(samples: list[Sample]) -> float:
    """The longest time between two samples with no picture shown in between."""
    longest, since = 0.0, samples[0]
    for sample in samples[1:]:
        if sample.shown != since.shown:
            since = sample
        longest = max(longest, sample.seconds - since.seconds)
    return longest


def plot(samples: list[Sample], warmup: float, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [s.seconds / 60 for s in samples]
    figure, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
    for axis, values, label in zip(
        axes,
        (
            [s.rss_mb for s in samples],
            [s.registry for s in samples],
            [s.threads for s in samples],
        ),
        ("RSS (MB)", "libmoq registrations", "threads"),
        strict=True,
    ):
        axis.plot(minutes, values, marker=".")
        axis.axvline(warmup / 60, color="grey", linestyle="--", linewidth=1)
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
    axes[0].set_ylim(bottom=0)
    axes[-1].set_xlabel("minutes (dashed: end of warm-up)")
    figure.suptitle("moqview soak: the local demo with switches and restarts")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"plot saved to {path}", flush=True)


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    warmup = args.warmup if args.warmup is not None else args.duration / 5

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from moqview import moq
    from moqview.local import DemoStack
    from moqview.ui.settings import Settings
    from moqview.ui.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    scratch = tempfile.TemporaryDirectory(prefix="moqview-soak-")
    settings = Settings(
        QSettings(str(Path(scratch.name) / "soak.ini"), QSettings.Format.IniFormat)
    )
    stack = DemoStack().start()
    window = MainWindow(LATENCIES_US[0], settings)
    window.show()
    window.connect_to(stack.url, stack.broadcast)
    soak = Soak(window, stack, args)

    print(
        f"soak for {args.duration:.0f} s: switch every {args.switch_every:.0f} s, "
        f"restart the publisher every {args.restart_every:.0f} s",
        flush=True,
    )
    print(
        " seconds    RSS MB  registry  threads  py-threads   shown  state",
        flush=True,
    )
    timers = []
    for seconds, action in (
        (args.interval, soak.sample),
        (args.switch_every, soak.switch),
        (args.restart_every, soak.restart_publisher),
    ):
        timer = QTimer()
        timer.setInterval(round(seconds * 1000))
        timer.timeout.connect(action)
        timer.start()
        timers.append(timer)
    QTimer.singleShot(round(args.duration * 1000), app.quit)
    soak.sample()

    try:
        app.exec()
        soak.sample()
    finally:
        for timer in timers:
            timer.stop()
        window.shutdown()
        unfinished = moq.close_all()
        stack.stop()
        scratch.cleanup()

    print(f"{soak.switches} switches, {soak.restarts} publisher restarts", flush=True)
    flat = verdict(soak.samples, warmup, args.rss_growth_mb)
    if args.plot:
        plot(soak.samples, warmup, args.plot)
    if unfinished:
        print(f"registrations still open at the end: {unfinished}", flush=True)
    print("flat after warm-up" if flat else "NOT flat after warm-up", flush=True)
    return 0 if flat and not unfinished else 1
