"""Speed of Kingmaker's ``smp`` beside KTAB's ``smpc`` on KTAB's sample scenarios.

    python benchmarks/smp_vs_ktab.py                      # Kingmaker vs KTAB's recorded times
    python benchmarks/smp_vs_ktab.py --smpc /path/to/smpc # also time your own smpc build
    python benchmarks/smp_vs_ktab.py --only dummyData-a080 dummyData-a160 --repeat 3

For each scenario it loads KTAB's CSV, runs ``kingmaker.forecast(..., ["smp"])`` (best of
``--repeat`` runs, after a warm-up, imports excluded) and prints the wall and CPU time, the
number of turns, and the ratio of KTAB's time, measured on a 2-core machine like ours
(tests/data/anchors/README.md: ``smpc --logmin --csv FILE``), to Kingmaker's wall time. On a
busy machine the CPU time says more (the kernel runs on one core). With ``--smpc`` it runs
that binary the same way in a temporary
folder, times it, and compares its positions (from the run database's VectorPosition table)
with Kingmaker's. Timings depend on the machine and its load: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import kingmaker

KTAB_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "anchors" / "ktab"

#: smpc wall time recorded here (seconds; None: did not finish), from the anchors' README.
KTAB_SECONDS: dict[str, tuple[float | None, str]] = {
    "dummyData_3Dim": (0.19, "0.19 s"),
    "SOE-Pol-Comp": (1.4, "0.9-1.4 s"),
    "SOE-Policy": (5.7, "5.7 s"),
    "dummyData_6Dim": (11.0, "11 s"),
    "SOE-Competitive": (24.0, "24 s"),
    "dummyData-a040": (14.0, "14-26 s"),
    "dummyData-a080": (152.0, "152 s"),
    "dummyData-a160": (None, "> 33 min (9 turns done)"),
}
UNFINISHED_KTAB_SECONDS = 33 * 60.0


def time_kingmaker(name: str, repeat: int):
    scenario = kingmaker.load_scenario(KTAB_DIR / f"{name}.csv")
    kingmaker.forecast(scenario, ["smp"])  # warm-up (first-call costs)
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run = kingmaker.forecast(scenario, ["smp"]).run("smp")
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    positions = np.stack([i.trajectory for i in run.issues], axis=2)  # (T+1, n, d)
    return wall, cpu, run.issues[0].rounds, positions


def run_smpc(smpc: str, name: str, timeout: float):
    """Wall time of ``smpc --logmin --csv`` and its positions, or None if it timed out."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / f"{name}.csv"
        csv.write_bytes((KTAB_DIR / f"{name}.csv").read_bytes())
        start = time.perf_counter()
        try:
            subprocess.run(
                [smpc, "--logmin", "--csv", str(csv)],
                cwd=tmp,
                timeout=timeout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
        except subprocess.TimeoutExpired:
            return None, None
        seconds = time.perf_counter() - start
        return seconds, _positions_from_db(Path(tmp))


def _positions_from_db(folder: Path):
    dbs = sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime)
    if not dbs:
        return None
    with sqlite3.connect(dbs[-1]) as con:
        rows = con.execute("SELECT Turn_t, Act_i, Dim_k, Pos_Coord FROM VectorPosition").fetchall()
    if not rows:
        return None
    arr = np.array(rows)
    t, a, d = (arr[:, k].astype(int) for k in range(3))
    out = np.full((t.max() + 1, a.max() + 1, d.max() + 1), np.nan)
    out[t, a, d] = arr[:, 3]
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--only",
        nargs="*",
        default=list(KTAB_SECONDS),
        metavar="NAME",
        help="scenarios to run (default: all of KTAB's samples)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="best of this many timed runs")
    ap.add_argument("--smpc", help="path to your KTAB smpc binary, to time it here too")
    ap.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds before giving up on smpc"
    )
    args = ap.parse_args(argv)

    header = (
        f"{'scenario':<17}{'turns':>6}{'kingmaker':>11}{'CPU':>9}{'KTAB recorded':>26}{'ratio':>9}"
    )
    if args.smpc:
        header += f"{'your smpc':>11}{'ratio':>9}{'same positions':>16}"
    print(header)
    for name in args.only:
        seconds, cpu, turns, positions = time_kingmaker(name, args.repeat)
        ktab, ktab_text = KTAB_SECONDS.get(name, (None, "-"))
        ratio = (
            f"{ktab / seconds:.0f}x"
            if ktab
            else f">{UNFINISHED_KTAB_SECONDS / seconds:.0f}x"
            if name in KTAB_SECONDS
            else "-"
        )
        line = f"{name:<17}{turns:>6}{seconds:>10.3f}s{cpu:>8.3f}s{ktab_text:>26}{ratio:>9}"
        if args.smpc:
            theirs, their_pos = run_smpc(args.smpc, name, args.timeout)
            if theirs is None:
                line += f"{'timeout':>11}{'-':>9}{'-':>16}"
            else:
                same = (
                    "-"
                    if their_pos is None
                    else (
                        "yes"
                        if their_pos.shape == positions.shape
                        and np.abs(their_pos - positions).max() <= 1e-6
                        else "NO"
                    )
                )
                line += f"{theirs:>10.2f}s{theirs / seconds:>8.0f}x{same:>16}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
