"""Speed of the exchange model against decide-exchange-model, side by side.

    python benchmarks/exchange_speed.py [--repeat 3] [--decide-python PATH]

Times 10 rounds of the equal-gain model on the package's sample files, in CPU seconds (best of
``--repeat``): Kingmaker's kernel (one draw, and per draw in a batch of 100 with random ties),
and the package itself when a Python with it installed is given (``--decide-python``, the
``DECIDE_PYTHON`` environment variable, or ``benchmarks/.decide-venv/bin/python``; see
docs/benchmarks.md). Without one, the package's times recorded on this machine are shown and
marked as such. The machine is shared: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DECIDE_DATA = HERE.parent / "tests/data/anchors/decide"
FILES = ("sample_data.txt", "cop21.csv")
#: CPU seconds of 10 rounds measured with decide-exchange-model 2022.1.28 on this machine
#: (tests/data/anchors/README.md), used when the package is not installed.
RECORDED = {"sample_data.txt": 2.0, "cop21.csv": 24.0}


def kingmaker_seconds(path: Path, repeat: int, batch: int = 1, random_ties: bool = False) -> float:
    import kingmaker
    from kingmaker.models.exchange import Params, kernel
    from kingmaker.scenario.compile import compile_scenario

    arr = compile_scenario(kingmaker.load_scenario(path))
    params = Params(
        rounds=10, ties="random" if random_ties else "first", record_exchanges=batch == 1
    )
    best = float("inf")
    for k in range(repeat):
        rng = np.random.default_rng(k)
        start = time.process_time()
        kernel(arr.batch(batch), params, rng)
        best = min(best, time.process_time() - start)
    return best / batch


def decide_python(given: str | None) -> str | None:
    for candidate in (
        given,
        os.environ.get("DECIDE_PYTHON"),
        str(HERE / ".decide-venv/bin/python"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def decide_seconds(python: str, path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        out = subprocess.run(
            [python, str(HERE / "decide_package.py"), "time", str(path), "--rounds", "10"],
            check=True,
            capture_output=True,
            text=True,
        )
        best = min(best, json.loads(out.stdout)["cpu_seconds"])
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--decide-python", default=None)
    args = parser.parse_args(argv)
    python = decide_python(args.decide_python)
    print(f"decide-exchange-model: {'measured with ' + python if python else 'recorded times'}")
    print(
        f"{'file':<18}{'decide s':>10}{'kingmaker s':>13}{'ratio':>8}"
        f"{'batch/draw s':>14}{'ratio':>8}"
    )
    for name in FILES:
        path = DECIDE_DATA / name
        ref = decide_seconds(python, path, args.repeat) if python else RECORDED[name]
        one = kingmaker_seconds(path, args.repeat)
        per_draw = kingmaker_seconds(path, 1, batch=100, random_ties=True)
        mark = "" if python else "*"
        print(
            f"{name:<18}{ref:>9.2f}{mark:1}{one:>13.3f}{ref / one:>7.0f}x"
            f"{per_draw:>14.4f}{ref / per_draw:>7.0f}x"
        )
    if not python:
        print("* recorded on this machine with decide-exchange-model 2022.1.28")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
