"""Start-up: the whole process is what a user waits for.

Each command is run as a user runs it (a new Python process, warm caches: numba's compiled
kernels already on disk), best of five, next to the target the project set itself; then where
the time of `kingmaker forecast` goes: the model, and the imports (``python -X importtime``,
the packages that cost most, cumulative).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .timing import table

TITLE = "Start-up: whole-process time"
ROOT = Path(__file__).resolve().parent.parent
ANCHORS = ROOT / "tests" / "data" / "anchors"

#: (what a user types, arguments, target in seconds)
COMMANDS = (
    ("kingmaker --help", ["--help"], 0.3),
    ("kingmaker validate ExampleActors.csv", ["validate", "{bdm}"], 0.5),
    (
        "kingmaker forecast cop21.csv --model exchange --rounds 10",
        ["forecast", "{cop21}", "--model", "exchange", "--rounds", "10", "--no-save"],
        0.24,
    ),
    ("kingmaker forecast (flagship, default models)", ["forecast", "--no-save"], 1.5),
)


def _args(args: list[str]) -> list[str]:
    files = {
        "bdm": str(ANCHORS / "bdm1994" / "ExampleActors.csv"),
        "cop21": str(ANCHORS / "decide" / "cop21.csv"),
    }
    return [a.format(**files) for a in args]


def _env(tmp: str) -> dict[str, str]:
    return {**os.environ, "KINGMAKER_STORE": str(Path(tmp) / "runs.sqlite"), "COLUMNS": "100"}


def _time(args: list[str], env: dict[str, str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat + 1):  # the first run warms the caches
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kingmaker", *args], env=env, capture_output=True, check=True
        )
        best = min(best, time.perf_counter() - start)
    return best


def _imports(args: list[str], env: dict[str, str], top: int = 8) -> list[tuple[str, float]]:
    """The top-level packages whose imports cost most (cumulative seconds)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kingmaker", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    cost: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if m and not m.group(2):  # imported at the top level: its cumulative time
            package = m.group(3).split(".")[0]
            if package == "kingmaker":
                package = ".".join(m.group(3).split(".")[:2])
            cost[package] += int(m.group(1)) / 1e6
    return sorted(cost.items(), key=lambda kv: -kv[1])[:top]


def section(quick: bool = False) -> str:
    repeat = 2 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(tmp)
        rows = []
        for what, args, target in COMMANDS:
            t = _time(_args(args), env, repeat)
            rows.append(
                [f"`{what}`", f"{t:.2f} s", f"{target:.2f} s", "yes" if t <= target else "no"]
            )
        imports = _imports(["forecast", "--no-save"], env)
    parts = [
        f"Whole process, best of {repeat} after one warm-up run.",
        table(["Command", "Time", "Target", "Met"], rows),
        "Where `kingmaker forecast` spends its import time (top-level imports, cumulative; "
        "`python -X importtime`). numba's share includes loading the cached eum kernels' "
        "dependencies (numba pulls in scipy.linalg's BLAS wrappers).",
        table(["Imported", "Seconds"], [[f"`{k}`", f"{v:.3f}"] for k, v in imports]),
    ]
    return "\n\n".join(parts)
