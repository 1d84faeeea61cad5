"""Delivery latency: publish to callback, to decoded and to presented.

A libmoq publisher (``video_publisher``) writes H.264 frames through the
loopback relay and notes the wall-clock time of each write; the instrumented
viewer (``viewer_probe``) notes when each frame reaches the trampoline's sink,
leaves the decoder and is taken by the view. Both run on this machine, so the
differences are wall-clock delays without clock offset.
"""

import json
import logging
import tempfile
import time
from pathlib import Path

from moqview.local import Relay, process

from . import display, plots
from .report import PYTHON, Table, child_env, percentiles, run_json
from .video_publisher import encode_clip

log = logging.getLogger(__name__)

STAGES = ("callback", "decoded", "presented")


class VideoSource:
    """A stamping publisher of a test clip, running until stop()."""

    def __init__(
        self,
        relay: Relay,
        width: int,
        height: int,
        fps: int,
        name: str,
        preset: str = "ultrafast",
    ):
        self.fps = fps
        self.path = name
        self._directory = tempfile.TemporaryDirectory(prefix="moqview-bench-")
        self.clip = Path(self._directory.name) / "clip.h264"
        self._stamps = Path(self._directory.name) / "stamps.json"
        encode_clip(self.clip, width, height, fps, 2.0, preset)
        self._process = process.spawn(
            [PYTHON, "-m", "moqview.bench.video_publisher", relay.url, name,
             str(self.clip), str(fps), "3600", str(self._stamps)],
            env=child_env(),
        )  # fmt: skip

    def stamps(self) -> dict[int, int]:
        """Stop publishing; the wall-clock time of each written timestamp."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(30)
            self._process = None
        with open(self._stamps) as saved:
            return {int(ts): ns for ts, ns in json.load(saved).items()}

    def close(self) -> None:
        if self._process is not None:
            process.stop(self._process)
        self._directory.cleanup()


def view(relay, path: str, latency: str, seconds: float, warmup: float, env=None):
    """Play ``path`` in the instrumented viewer; its JSON report."""
    return run_json(
        [PYTHON, "-m", "moqview.bench.viewer_probe", "play", relay.url, path,
         latency, str(seconds), str(warmup)],
        timeout=warmup + seconds + 90,
        env=env or display.environment(),
    )  # fmt: skip


def delays(report: dict, stamps: dict[int, int], warmup: float) -> dict:
    """Milliseconds from publish to each stage, for frames after the warm-up."""
    seen = [stamps[ts] for ts, _ in report["callback"] if ts in stamps]
    if not seen:
        return {stage: [] for stage in STAGES}
    after = min(seen) + int(warmup * 1e9)
    return {
        stage: [
            (ns - stamps[ts]) / 1e6
            for ts, ns in report[stage]
            if ts in stamps and stamps[ts] >= after
        ]
        for stage in STAGES
    }


def run(quick: bool, out_dir) -> list[Table]:
    formats = [(1280, 720, 30)] if quick else [(1280, 720, 30), (1920, 1080, 60)]
    targets = (
        ["250ms"] if quick else ["realtime", "100ms", "250ms", "500ms", "1s", "2s"]
    )
    seconds, warmup = (3.0, 2.0) if quick else (6.0, 3.0)

    table = Table(
        "Delivery latency: libmoq publisher → moqview, loopback relay (ms)",
        ["video", "target", "→callback p50", "p95", "p99", "→decoded p50", "p95",
         "p99", "→presented p50", "p95", "p99", "shown (/s)", "dropped"],
    )  # fmt: skip
    figures = {}
    with Relay() as relay:
        for width, height, fps in formats:
            label = f"{height}p{fps}"
            source = VideoSource(relay, width, height, fps, f"latency-{label}")
            try:
                time.sleep(1.0)
                reports = [
                    (target, view(relay, source.path, target, seconds, warmup))
                    for target in targets
                ]
                stamps = source.stamps()
            finally:
                source.close()
            for target, report in reports:
                measured = delays(report, stamps, warmup)
                shown = report["counters"]["shown"] / report["window_s"]
                cells = []
                for stage in STAGES:
                    cells += percentiles(measured[stage]) or [None] * 3
                dropped = report["counters"]["dropped"]
                table.add(label, target, *cells, shown, dropped)
                figures[(label, target)] = measured
    table.notes.append(
        f"Each row: a fresh viewer, {warmup:.0f} s warm-up, then {seconds:.0f} s "
        "measured. 'presented' is the frame reaching the view on the GUI thread "
        "(QVideoSink), before the compositor draws it. Target = the viewer's "
        "latency setting; the presentation clock holds each frame for it. The "
        "decoder worker decodes a frame only after showing the one before, so "
        "'decoded' includes the queue behind that wait."
    )
    plots.latency(figures, STAGES, Path(out_dir) / "latency.png")
    return [table]
