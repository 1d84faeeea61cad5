"""``moqview bench``: moqview's latency, throughput and cost beside baselines.

Each measurement runs on the local stack (a loopback moq-relay and libmoq
publishers), prints a table with moqview's figures next to its baseline's from
the same run, and writes the tables (and plots where they read better) to the
output directory.
"""

import argparse
import importlib
import logging
import os
import platform
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

MEASUREMENTS = {
    "binding": "moqview.bench.binding",
    "lifecycle": "moqview.bench.lifecycle",
    "latency": "moqview.bench.latency",
    "playback": "moqview.bench.playback",
    "startup": "moqview.bench.startup",
}


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moqview bench",
        description="Measure moqview beside a baseline on the local stack.",
    )
    parser.add_argument(
        "measurements",
        nargs="*",
        metavar="MEASUREMENT",
        help="what to measure (default: all, in this order: "
        + ", ".join(MEASUREMENTS)
        + ")",
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs and fewer cases"
    )
    parser.add_argument(
        "--out", default="bench-results", help="directory for tables and plots"
    )
    parser.add_argument("--log-level", default="warning")
    return parser


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    chosen = args.measurements or list(MEASUREMENTS)
    unknown = [name for name in chosen if name not in MEASUREMENTS]
    if unknown:
        print(f"moqview bench: unknown measurement {unknown[0]!r}", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    header = f"moqview bench{' --quick' if args.quick else ''}: {machine()}"
    print(header, flush=True)
    sections = [f"# {header}\n"]
    failed = []
    for name in chosen:
        start = time.monotonic()
        try:
            tables = importlib.import_module(MEASUREMENTS[name]).run(
                args.quick, out_dir
            )
        except Exception as error:  # one broken measurement must not hide the rest
            log.exception("%s failed", name)
            print(f"\n{name}: failed: {error}", file=sys.stderr, flush=True)
            failed.append(name)
            continue
        for table in tables:
            text = table.markdown()
            print("\n" + text, flush=True)
            sections.append(text)
        print(f"({name}: {time.monotonic() - start:.0f} s)", flush=True)

    (out_dir / "results.md").write_text("\n".join(sections))
    print(f"\ntables written to {out_dir / 'results.md'}")
    return 1 if failed else 0
