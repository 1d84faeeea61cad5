"""A libmoq video publisher that stamps each frame with the wall-clock time.

``python -m moqview.bench.video_publisher URL PATH CLIP FPS SECONDS STAMPS``
publishes the Annex-B H.264 access units of CLIP (no B-frames, keyframes at
group starts) in a loop as the avc3 track of broadcast PATH, FPS a second for
SECONDS, with timestamps i/FPS. Before each write it notes the wall-clock time;
at the end (or on SIGTERM) it writes ``{timestamp_us: wall_ns}`` to STAMPS as
JSON.
"""

import json
import logging
import signal
import subprocess
import sys
import threading
import time

import av
from PySide6.QtCore import QCoreApplication

from moqview import moq
from moqview.local.tools import tool

log = logging.getLogger(__name__)


def encode_clip(
    path, width: int, height: int, fps: int, seconds: float, preset: str = "ultrafast"
) -> None:
    """Write a moving test pattern as Annex-B H.264, one keyframe a second.

    ``preset`` is x264's: "ultrafast" makes the cheapest stream to decode (CAVLC,
    no deblocking), "veryfast" the kind broadcast encoders send (CABAC and
    deblocking), about twice the decoding work.
    """
    picture = (
        f"testsrc2=size={width}x{height}:rate={fps}[a];"
        f"testsrc=size={width // 4}x{height // 4}:rate={fps}[b];"
        "[a][b]overlay=x=W-w-16:y=H-h-16[out0]"
    )
    subprocess.run(
        [tool("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", picture, "-t", str(seconds),
         "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency",
         "-pix_fmt", "yuv420p", "-g", str(fps), "-keyint_min", str(fps),
         "-bf", "0", "-b:v", f"{width * height * fps // 10}",
         "-bsf:v", "h264_mp4toannexb", "-f", "h264", str(path)],
        check=True,
    )  # fmt: skip


def access_units(path) -> list[tuple[bytes, bool]]:
    """The clip's access units in order, with their keyframe flags."""
    with av.open(str(path), format="h264") as container:
        return [
            (bytes(packet), packet.is_keyframe)
            for packet in container.demux(video=0)
            if packet.size
        ]


_stop = threading.Event()


def publish(track, units, fps: int, seconds: float, stamps: dict) -> None:
    """Write ``units`` in a loop on schedule, noting each write's wall time."""
    start = time.monotonic()
    index = 0
    while not _stop.is_set():
        due = start + index / fps
        if due - start >= seconds:
            return
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        payload, _ = units[index % len(units)]
        timestamp_us = index * 1_000_000 // fps
        stamps[timestamp_us] = time.time_ns()
        track.write(payload, timestamp_us)
        index += 1


def main(argv: list[str]) -> int:
    url, path, clip = argv[0], argv[1], argv[2]
    fps, seconds, stamps_path = int(argv[3]), float(argv[4]), argv[5]
    app = QCoreApplication([])
    signal.signal(signal.SIGTERM, lambda *_: _stop.set())
    units = access_units(clip)
    if not units or not units[0][1]:
        print("video_publisher: the clip must start with a keyframe", file=sys.stderr)
        return 1

    origin = moq.Origin()
    broadcast = moq.PublishedBroadcast(origin, path)
    track = broadcast.video("avc3")
    broadcast.announce()
    session = moq.Session(url, publish=origin)
    stamps: dict[int, int] = {}
    worker = threading.Thread(
        target=publish, args=(track, units, fps, seconds, stamps), daemon=True
    )
    session.connected.connect(lambda epoch: epoch == 1 and worker.start())
    while not worker.is_alive() and session.epoch == 0 and not _stop.is_set():
        app.processEvents()
        time.sleep(0.005)
    while worker.is_alive():
        app.processEvents()
        time.sleep(0.05)

    with open(stamps_path, "w") as out:
        json.dump(stamps, out)
    track.finish()
    broadcast.close()
    moq.close_all()
    origin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
