"""Run decide-exchange-model (the reference implementation of the exchange model) from outside.

This script runs under a *separate* virtualenv that has the package installed (see
docs/benchmarks.md); it never imports Kingmaker, and Kingmaker never imports it. Two commands:

    python decide_package.py time FILE [--rounds 10]
        CPU seconds of one run of the equal-gain model (JSON on stdout).
    python decide_package.py runs FILE --seeds 0-199 [--rounds 10] [--exact-check] [--p P]
                                   --out CSV
        Per seed (Python's ``random.seed(seed)``, the package's tie-breaking) and round, each
        issue's outcome on the 0-100 scale, in the format of
        tests/data/anchors/decide/*.reference-runs.csv.
        ``--p`` runs the randomised equal gain with that p.

``--exact-check`` evaluates the package's "outcome must not pass the demander's position" check
in exact arithmetic: differences within 1e-12 count as zero. Without it, the package decides
the case where an outcome already sits on the demander's position by the sign of a 28-digit
rounding residue (about 1e-26); see docs/reference/models.md, "exchange".
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time


class _Quiet:
    """An event handler that ignores every event (the package's observers write files)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _exact_check() -> None:
    from decide.model import base

    original = base.AbstractExchangeActor.check_nbs

    def check_nbs(self):
        target = self.opposite_actor.demand.position
        before = self.adjust_nbs(self.supply.position)
        after = self.adjust_nbs(self.y)
        d0, d1 = target - before, target - after
        d0 = 0 if abs(d0) < 1e-12 else d0
        d1 = 0 if abs(d1) < 1e-12 else d1
        if (d0 >= 0 and d1 >= 0) or (d0 <= 0 and d1 <= 0):
            self.nbs_0, self.nbs_1 = before, after
            return None
        return original(self)

    base.AbstractExchangeActor.check_nbs = check_nbs


def run(path: str, seed: int, rounds: int, p: str | None = None) -> list[dict[str, float]]:
    """Outcomes (0-100) per round of the equal-gain model, round 0 = initial."""
    from decide.data.modelfactory import ModelFactory
    from decide.data.reader import InputDataFile
    from decide.model import equalgain
    from decide.model.utils import ModelLoop

    random.seed(seed)
    model = ModelFactory(InputDataFile.open(path))(
        model_klass=equalgain.EqualGainModel, randomized_value=p
    )
    model.calc_nbs()
    out = [{issue.name: float(v) for issue, v in model.nbs.items()}]
    loop = ModelLoop(model, _Quiet(), 0)
    for _ in range(rounds):
        loop.loop()
        out.append({issue.name: float(v) for issue, v in model.nbs.items()})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("time")
    t.add_argument("file")
    t.add_argument("--rounds", type=int, default=10)
    r = sub.add_parser("runs")
    r.add_argument("file")
    r.add_argument("--seeds", default="0-199")
    r.add_argument("--rounds", type=int, default=10)
    r.add_argument("--exact-check", action="store_true")
    r.add_argument("--p", default=None, help="randomised equal gain (e.g. 0.8)")
    r.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    if args.command == "time":
        start = time.process_time()
        run(args.file, 0, args.rounds)
        json.dump({"cpu_seconds": time.process_time() - start}, sys.stdout)
        return
    if args.exact_check:
        _exact_check()
    first, _, last = args.seeds.partition("-")
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["seed", "round", "issue", "outcome"])
        for seed in range(int(first), int(last or first) + 1):
            for rnd, outcomes in enumerate(run(args.file, seed, args.rounds, args.p)):
                for issue, value in outcomes.items():
                    writer.writerow([seed, rnd, issue, repr(value)])
            f.flush()


if __name__ == "__main__":
    main()
