"""The report: `kingmaker report` on the flagship, whole process, and the size of the page.

Each case is one fresh process (``python -m kingmaker report``), as a user runs it: import,
the forecasts with the scenario's default models, the Monte Carlo simulation and the
sensitivity ranking with the static models, the influence analysis for Iran, the page
rendered and written. Runs are not saved (``--no-save``), so the store is not measured here
(see the run store's section).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .timing import table

TITLE = "Report: kingmaker report on the flagship"
CASES = (  # (label, extra arguments)
    ("10,000 draws", ["--draws", "10000"]),
    ("10,000 draws, --actor iran", ["--draws", "10000", "--actor", "iran"]),
    (
        "10,000 draws, --actor iran, --format md",
        ["--draws", "10000", "--actor", "iran", "--format", "md"],
    ),
)


def _once(args: list[str], out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kingmaker", "report", "-o", str(out), "--seed", "1",
         "--no-save", "--force", *args],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def section(quick: bool = False) -> str:
    rows = []
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        _once(["--draws", "10"], Path(tmp) / "warm.html")  # numba's cache, imports on disk
        for label, args in CASES:
            out = Path(tmp) / ("r.md" if "md" in args else "r.html")
            best = min(_once(args, out) for _ in range(repeat))
            rows.append([label, f"{best:.1f} s", f"{out.stat().st_size / 1e6:.2f} MB"])
    return (
        "Whole process, best of "
        f"{repeat}, after one warm-up run (compiled models cached). Targets: under 10 s, a "
        "page under 6 MB (plotly.js, inlined, is 4.6 MB of it).\n\n"
        + table(["Case", "Wall time", "File"], rows)
    )
