"""Start-up: from choosing a broadcast to its first frame on screen, and from a
cold start of ``moqview URL BROADCAST`` to its first frame."""

import logging
import os
import subprocess
import tempfile
import threading
import time

from moqview.local import Relay, process

from . import display
from .latency import VideoSource
from .report import PYTHON, Table, child_env, percentiles, run_json

log = logging.getLogger(__name__)

# VideoView logs this at INFO when it takes its first frame.
FIRST_FRAME_LINE = "video size"


def cold_start(url: str, path: str, timeout: float = 60.0) -> float | None:
    """Seconds from starting ``moqview URL PATH`` to its first frame."""
    with tempfile.TemporaryDirectory(prefix="moqview-bench-") as home:
        env = child_env({**display.environment(), "XDG_CONFIG_HOME": home})
        start = time.monotonic()
        viewer = process.spawn(
            [PYTHON, "-m", "moqview", url, path, "--log-level", "info"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        seen: list[float] = []

        def watch() -> None:
            for line in viewer.stderr:
                if FIRST_FRAME_LINE in line and not seen:
                    seen.append(time.monotonic() - start)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        watcher.join(timeout)
        process.stop(viewer)
        return seen[0] if seen else None


def import_time() -> float:
    """Seconds for a fresh interpreter to import the viewer's modules."""
    start = time.monotonic()
    subprocess.run(
        [PYTHON, "-c", "import moqview.ui.app, moqview.ui.window"],
        check=True,
        env=child_env(),
    )
    return time.monotonic() - start


def run(quick: bool, out_dir) -> list[Table]:
    times = 3 if quick else 8
    table = Table(
        "Start-up to the first frame (720p30 H.264, a keyframe every second)",
        ["path", "runs", "p50 (ms)", "min (ms)", "max (ms)"],
    )
    with Relay() as relay:
        source = VideoSource(relay, 1280, 720, 30, "startup")
        try:
            time.sleep(1.0)
            report = run_json(
                [PYTHON, "-m", "moqview.bench.viewer_probe", "choose", relay.url,
                 source.path, "250ms", str(times), "0"],
                timeout=30 + times * 10,
                env=display.environment(),
            )  # fmt: skip
            chosen = report["choose_ms"]
            cold = [cold_start(relay.url, source.path) for _ in range(times // 2 + 1)]
            imports = [import_time() for _ in range(times // 2 + 1)]
        finally:
            source.close()

    def row(name: str, values: list[float]) -> None:
        values = [v for v in values if v is not None]
        middle = percentiles(values, (50,))
        table.add(name, len(values), middle[0] if middle else None,
                  min(values, default=None), max(values, default=None))  # fmt: skip

    row("choose a listed broadcast → first frame (in the window)", chosen)
    row(
        "cold start of `moqview URL BROADCAST` → first frame",
        [c * 1000 for c in cold if c is not None],
    )
    row(
        "baseline: fresh Python importing the viewer (no network)",
        [i * 1000 for i in imports],
    )
    table.notes.append(
        "The first frame needs a keyframe: libmoq starts a track at the newest "
        "group, whose keyframe may be up to a second old, and the viewer holds "
        "frames for its 250 ms target. Cold start ends at the viewer's "
        f"'{FIRST_FRAME_LINE}' log line, written when the view takes its first "
        f"frame. {os.cpu_count()} cores, shared with the relay and publisher."
    )
    return [table]
