"""Tables, figures and child processes shared by the benchmark modules."""

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PYTHON = sys.executable
# Child processes import this moqview, whatever the interpreter would find first.
ROOT = Path(__file__).resolve().parents[2]


def child_env(extra: dict | None = None) -> dict:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}


@dataclass
class Table:
    """A titled table: a header row and rows of cells (numbers or text)."""

    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells) -> None:
        self.rows.append(list(cells))

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.header) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(cell_text(cell) for cell in row) + " |")
        lines += [""] + [f"{note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


def cell_text(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"
    return str(value)


def percentiles(values: list[float], shares=(50, 95, 99)) -> list[float] | None:
    """Nearest-rank percentiles of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, len(ordered) * s // 100)] for s in shares]


def ratio(ours, theirs) -> float | None:
    if ours is None or not theirs:
        return None
    return ours / theirs


def run_json(command: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run a probe that prints one JSON object as its last stdout line."""
    log.debug("running %s", " ".join(command))
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(env),
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"{os.path.basename(command[0])} {' '.join(command[1:3])} failed "
            f"({done.returncode}): {done.stderr[-1500:]}"
        )
    return json.loads(lines[-1])
