"""The PyAV-alone baseline of the playback benchmark, run as its own process.

``python -m moqview.bench.decode_baseline CLIP FPS SECONDS`` decodes the access
units of CLIP in a loop, FPS a second for SECONDS, with a PyAV H.264 decoder
and nothing else (no network, no colour planes, no view), and prints its CPU
time, resident memory and frame count as one JSON object.
"""

import json
import resource
import sys
import time

import av

from .video_publisher import access_units
from .viewer_probe import cpu_seconds, rss_mib


def main(argv: list[str]) -> int:
    clip, fps, seconds = argv[0], int(argv[1]), float(argv[2])
    units = access_units(clip)
    decoder = av.CodecContext.create("h264", "r")

    start, cpu = time.monotonic(), cpu_seconds()
    decoded = index = 0
    while index < seconds * fps:
        delay = start + index / fps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        payload, _ = units[index % len(units)]
        decoded += len(decoder.decode(av.Packet(payload)))
        index += 1

    report = {
        "cpu_s": cpu_seconds() - cpu,
        "window_s": time.monotonic() - start,
        "frames": decoded,
        "rss_mib": rss_mib(),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
