"""Playback cost: the viewer playing 1080p30 H.264 against decoding the same
frames with PyAV alone and with the ffmpeg command line."""

import logging
import os
import subprocess
import time

from moqview.local import Relay
from moqview.local.tools import tool

from . import display
from .latency import VideoSource, view
from .report import PYTHON, Table, ratio, run_json

log = logging.getLogger(__name__)

WIDTH, HEIGHT, FPS = 1920, 1080, 30


def ffmpeg_cost(clip, seconds: float) -> dict:
    """CPU of ``ffmpeg`` decoding ``clip`` in real time to the null muxer."""
    command = [
        tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-re",
        "-stream_loop", "-1", "-framerate", str(FPS), "-f", "h264", "-i", str(clip),
        "-t", str(seconds), "-f", "null", "-",
    ]  # fmt: skip
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"ffmpeg failed with {child.returncode}")
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "window_s": time.monotonic() - start,
        "frames": int(seconds * FPS),
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


def run(quick: bool, out_dir) -> list[Table]:
    seconds, warmup = (5.0, 3.0) if quick else (15.0, 3.0)
    with Relay() as relay:
        source = VideoSource(relay, WIDTH, HEIGHT, FPS, "playback-1080p30")
        try:
            time.sleep(1.0)
            viewer = view(relay, source.path, "250ms", seconds, warmup)
            gpu = view(
                relay,
                source.path,
                "250ms",
                seconds,
                warmup,
                {**display.environment(), "MOQVIEW_RENDERER": "gpu"},
            )
            offscreen = view(
                relay,
                source.path,
                "250ms",
                seconds,
                warmup,
                {"QT_QPA_PLATFORM": "offscreen"},
            )
            clip = source.clip
            pyav = run_json(
                [PYTHON, "-m", "moqview.bench.decode_baseline", str(clip), str(FPS),
                 str(seconds)],
                timeout=seconds + 60,
            )  # fmt: skip
            ffmpeg = ffmpeg_cost(clip, seconds)
        finally:
            source.close()

    for report in (viewer, gpu, offscreen):
        report["frames"] = report["counters"]["shown"]
    table = Table(
        "Playback cost: 1080p30 H.264 (~6 Mb/s), real time",
        ["player", "CPU (% of a core)", "CPU/frame (ms)", "RSS (MiB)",
         "frames", "dropped", "CPU vs PyAV"],
    )  # fmt: skip
    pyav_percent = 100 * pyav["cpu_s"] / pyav["window_s"]
    rows = [
        (
            f"moqview viewer ({viewer['renderer']} path chosen)",
            viewer,
            viewer["counters"]["dropped"],
        ),
        (
            "moqview viewer, GPU path forced (QVideoWidget)",
            gpu,
            gpu["counters"]["dropped"],
        ),
        (
            "moqview viewer, offscreen (nothing drawn)",
            offscreen,
            offscreen["counters"]["dropped"],
        ),
        ("PyAV alone (decode only)", pyav, 0),
        ("ffmpeg -f null (decode only)", ffmpeg, 0),
    ]
    for name, figures, dropped in rows:
        percent = 100 * figures["cpu_s"] / figures["window_s"]
        if figures is ffmpeg:
            # -re does not hold a raw H.264 input to real time: scale per frame.
            percent = 100 * figures["cpu_s"] / figures["frames"] * FPS
        per_frame = (
            1000 * figures["cpu_s"] / figures["frames"] if figures["frames"] else None
        )
        rss = figures.get("rss_mib", figures["peak_rss_mib"])
        table.add(
            name, percent, per_frame, rss, figures["frames"], dropped,
            ratio(percent, pyav_percent),
        )  # fmt: skip
    sent = int(seconds * FPS)
    table.notes.append(
        f"{seconds:.0f} s measured after {warmup:.0f} s of warm-up; {sent} frames "
        f"sent in that time. The viewer's target is 250 ms; its CPU is the whole "
        "process (libmoq, decoder worker, picture path, Qt drawing under Xvfb), "
        "not the X server's. The first row takes the path the viewer chooses "
        "(cpu where OpenGL is a software rasterizer: FFmpeg scales to the view on "
        "the decoder thread); the second forces QVideoWidget, which on such a "
        "machine draws through the software rasterizer. The offscreen row draws "
        "into memory. The goal is CPU within 1.5x of PyAV alone, no frame "
        "dropped. ffmpeg reads the raw clip faster than real time, so its CPU % "
        "is its CPU per frame at 30 frames a second."
    )
    return [table]
