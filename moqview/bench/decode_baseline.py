"""The PyAV-alone baselines of the playback benchmark, run as their own process.

``python -m moqview.bench.decode_baseline CLIP FPS SECONDS [WIDTHxHEIGHT]``
decodes the access units of CLIP in a loop, FPS a second for SECONDS, with a
PyAV H.264 decoder set up as the viewer's is, and nothing else (no network, no
view). With a size, each picture is also converted to RGB at that size by the
viewer's CPU picture path (``moqview.ui.frames.Scaler``): the least work that
shows a picture without a GPU. Prints its CPU time, resident memory and frame
count as one JSON object.
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
    size = tuple(int(n) for n in argv[3].split("x")) if len(argv) > 3 else None
    units = access_units(clip)
    decoder = av.CodecContext.create("h264", "r")
    decoder.thread_type = "SLICE"  # as moqview.media.video opens its decoders
    decoder.thread_count = 2
    scaler = None
    if size is not None:
        from moqview.ui.frames import Scaler

        scaler = Scaler()

    start, cpu = time.monotonic(), cpu_seconds()
    decoded = index = 0
    while index < seconds * fps:
        delay = start + index / fps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        payload, _ = units[index % len(units)]
        for frame in decoder.decode(av.Packet(payload)):
            decoded += 1
            if scaler is not None:
                scaler.rgb(frame, *size)
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
