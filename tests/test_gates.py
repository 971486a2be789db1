"""The gates that keep the code as it is: lint, format and type checks run with the tests, so
the one test command of the README (and of .ci/run) enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ["src", "tests", "benchmarks"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    "gate",
    [("ruff", "check", *CODE), ("ruff", "format", "--check", *CODE), ("mypy",)],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_gate_passes(gate):
    done = _run(*gate)
    assert done.returncode == 0, f"`{' '.join(gate)}` failed:\n{done.stdout}{done.stderr}"
