"""Playback cost: the viewer playing 1080p30 H.264 against decoding the same
frames with PyAV alone and with the ffmpeg command line."""

import logging
import os
import subprocess
import time
from pathlib import Path

from moqview.local import Relay
from moqview.local.tools import tool

from . import display
from .latency import VideoSource, view
from .report import PYTHON, Table, ratio, run_json

log = logging.getLogger(__name__)

WIDTH, HEIGHT, FPS = 1920, 1080, 30


def ffmpeg_cost(clip, seconds: float) -> dict:
    """CPU of ``ffmpeg`` decoding ``clip`` in a loop, in real time, to the null
    muxer. The raw clip is put in Matroska first: ffmpeg cannot loop a raw
    H.264 input (it fails to seek back and stops after one pass)."""
    looped = Path(clip).with_suffix(".mkv")
    subprocess.run(
        [tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y",
         "-framerate", str(FPS), "-f", "h264", "-i", str(clip), "-c", "copy",
         str(looped)],
        check=True,
    )  # fmt: skip
    command = [
        tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-re",
        "-stream_loop", "-1", "-i", str(looped), "-t", str(seconds),
        "-f", "null", "-progress", "pipe:1", "-",
    ]  # fmt: skip
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    progress = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"ffmpeg failed with {child.returncode}")
    frames = [line for line in progress.splitlines() if line.startswith("frame=")]
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "window_s": time.monotonic() - start,
        "frames": int(frames[-1].split("=")[1]) if frames else 0,
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


# x264 presets of the two streams: what broadcast encoders send, and the
# cheapest stream there is to decode.
STREAMS = {
    "veryfast": "CABAC, deblocking",
    "ultrafast": "CAVLC, no deblocking",
}


# Thread names of Mesa's software rasterizers.
_RASTERIZER_THREADS = ("llvmpipe", "lp:", "softpipe")


def _percent(figures: dict) -> float:
    return 100 * figures["cpu_s"] / figures["window_s"]


def _outside(report: dict) -> dict:
    """``report`` less the CPU of the software rasterizer's own threads: the part
    of the GPU path's cost that a GPU would not take over."""
    rasterizer = sum(
        seconds
        for name, seconds in report["thread_cpu_s"].items()
        if name.startswith(_RASTERIZER_THREADS)
    )
    return {**report, "cpu_s": report["cpu_s"] - rasterizer}


def _measure(relay, preset: str, seconds: float, warmup: float, every_path: bool):
    """The players' figures for one stream, in table order."""
    source = VideoSource(relay, WIDTH, HEIGHT, FPS, f"playback-{preset}", preset)
    try:
        time.sleep(1.0)
        players = []
        viewer = view(relay, source.path, "250ms", seconds, warmup)
        players.append((f"moqview viewer ({viewer['renderer']} path chosen)", viewer))
        if every_path:
            gpu_env = {**display.environment(), "MOQVIEW_RENDERER": "gpu"}
            gpu = view(relay, source.path, "250ms", seconds, warmup, gpu_env)
            players.append(("moqview viewer, GPU path forced (QVideoWidget)", gpu))
            players.append(
                ("GPU path forced, without the rasterizer's threads", _outside(gpu))
            )
            offscreen_env = {"QT_QPA_PLATFORM": "offscreen"}
            offscreen = view(
                relay, source.path, "250ms", seconds, warmup, offscreen_env
            )
            players.append(("moqview viewer, offscreen (nothing drawn)", offscreen))
        for _, report in players:
            report["frames"] = report["counters"]["shown"]
            report["dropped"] = report["counters"]["dropped"]

        baseline = [PYTHON, "-m", "moqview.bench.decode_baseline", str(source.clip),
                    str(FPS), str(seconds)]  # fmt: skip
        pyav = run_json(baseline, timeout=seconds + 60)
        width, height = viewer["picture_size"]
        converted = run_json(baseline + [f"{width}x{height}"], timeout=seconds + 60)
        players.append(("PyAV alone (decode only)", pyav))
        players.append(
            (
                f"PyAV + RGB at the view's {width}x{height} (no network, no Qt)",
                converted,
            )
        )
        ffmpeg = ffmpeg_cost(source.clip, seconds)
        players.append(("ffmpeg -f null (decode only)", ffmpeg))
    finally:
        source.close()
    return players, _percent(pyav)


def run(quick: bool, out_dir) -> list[Table]:
    seconds, warmup = (5.0, 3.0) if quick else (15.0, 3.0)
    table = Table(
        "Playback cost: 1080p30 H.264 (~6 Mb/s), real time",
        ["stream (x264 preset)", "player", "CPU (% of a core)", "CPU/frame (ms)",
         "RSS (MiB)", "frames", "dropped", "CPU vs PyAV"],
    )  # fmt: skip
    with Relay() as relay:
        for index, (preset, kind) in enumerate(STREAMS.items()):
            players, pyav_percent = _measure(
                relay, preset, seconds, warmup, every_path=not quick or index == 0
            )
            for name, figures in players:
                percent = _percent(figures)
                frames = figures["frames"]
                per_frame = 1000 * figures["cpu_s"] / frames if frames else None
                rss = figures.get("rss_mib", figures["peak_rss_mib"])
                table.add(
                    f"{preset} ({kind})", name, percent, per_frame, rss, frames,
                    figures.get("dropped", 0), ratio(percent, pyav_percent),
                )  # fmt: skip
    sent = int(seconds * FPS)
    table.notes.append(
        f"{seconds:.0f} s measured after {warmup:.0f} s of warm-up; {sent} frames "
        "sent in that time, from a 2 s clip encoded beforehand and published in a "
        "loop by a libmoq publisher. The viewer's target is 250 ms; its CPU is the "
        "whole process (libmoq, decoder worker, picture path, Qt drawing under "
        "Xvfb), not the X server's. The chosen path is cpu where OpenGL is a "
        "software rasterizer (FFmpeg scales to the view on the decoder thread); "
        "GPU forced draws QVideoWidget through that rasterizer; the row below it "
        "leaves out the rasterizer's threads (Mesa's llvmpipe), whose work a GPU "
        "takes over: an estimate of the GPU path on a machine with a GPU (only "
        "an estimate: a GPU driver's own CPU work differs). Offscreen draws into "
        "memory. 'PyAV + RGB' decodes and converts each picture as the CPU path "
        "does, in one thread with nothing else: the least a picture shown "
        "without a GPU costs. The goal is the viewer within 1.5x of PyAV alone, "
        "no frame dropped. ffmpeg decodes with its default "
        "frame threads."
    )
    return [table]
