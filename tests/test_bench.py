"""``moqview bench --quick lifecycle`` prints its table with numbers in it."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_lifecycle_bench_prints_moqview_beside_c(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "moqview", "bench", "--quick", "lifecycle",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in done.stdout.splitlines()
        if line.startswith("| ") and not line.startswith(("| consumer", "| ---"))
    }
    assert set(rows) == {
        "C (terminal callback)",
        "moqview (closed signal)",
        "ratio moqview / C",
    }
    number = re.compile(r"^[\d,]+(\.\d+)?$")
    for cells in rows.values():
        assert len(cells) == 4
        assert all(number.match(cell) for cell in cells), cells
    assert (tmp_path / "results.md").read_text().count("| moqview (closed signal)") == 1
