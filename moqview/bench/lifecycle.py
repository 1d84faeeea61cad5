"""Lifecycle cost: close() to closed, and registrations opened and closed per
second, for moqview's Announcements against the same calls made from C."""

import logging

from . import native
from .report import PYTHON, Table, ratio, run_json

log = logging.getLogger(__name__)


def run(quick: bool, out_dir) -> list[Table]:
    count = 2000 if quick else 10000
    c = run_json([str(native.build()), "lifecycle", str(count)], timeout=120)
    py = run_json([PYTHON, "-m", "moqview.bench.lifecycle_probe", str(count)], 300)

    table = Table(
        "Lifecycle: announcement listeners on a local origin",
        ["consumer", "close→closed p50 (ms)", "p95 (ms)", "p99 (ms)",
         "opened+closed (/s)"],
    )  # fmt: skip
    table.add("C (terminal callback)", *c["close_ms"], c["per_second"])
    table.add("moqview (closed signal)", *py["close_ms"], py["per_second"])
    table.add(
        "ratio moqview / C",
        *(ratio(p, q) for p, q in zip(py["close_ms"], c["close_ms"], strict=True)),
        ratio(py["per_second"], c["per_second"]),
    )
    table.notes.append(
        f"close→closed: {min(count, 2000)} listeners one at a time; throughput: "
        f"{count} opened, then all closed, until the last terminal was handled. "
        "moqview's figure includes the hop to the owner's thread and deleteLater."
    )
    return [table]
