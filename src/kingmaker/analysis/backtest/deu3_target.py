"""DEU III as a backtest target, and the committed train/test split of its scored issues.

:mod:`kingmaker.datasets.deu3` only reads the data into scenarios; what a backtest scores
(every issue with a recorded outcome, grouped by proposal, with its strata) and which issues
are held out for the out-of-sample test are backtest decisions, made here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from ...datasets import deu3 as data
from ...results.backtest import Case
from .engine import Target
from .split import grouped_folds, grouped_test_split

# --------------------------------------------------------------------------- the fixed split

#: Seed, held-out fraction and folds of the committed split (src/kingmaker/data/deu3/split.csv).
SPLIT_SEED = 20210601
SPLIT_TEST_FRACTION = 0.3
SPLIT_FOLDS = 5


@dataclass(frozen=True)
class SplitRow:
    issue: str
    proposal: str
    part: Literal["train", "test"]
    fold: int | None


def split_path() -> Path:
    return Path(str(resources.files("kingmaker") / "data" / "deu3" / "split.csv"))


def make_split(
    seed: int = SPLIT_SEED,
    test_fraction: float = SPLIT_TEST_FRACTION,
    folds: int = SPLIT_FOLDS,
    path: str | Path | None = None,
) -> tuple[SplitRow, ...]:
    """The train/test split of the issues with an outcome, grouped by proposal, and K folds of
    the training part (grouped too). Deterministic in the seed."""
    scored = [r for r in data.read_deu3(path).issues if r.outcome is not None]
    test = grouped_test_split([r.proposal for r in scored], test_fraction, seed)
    train = [r for r in scored if r.proposal not in test]
    fold = grouped_folds([r.proposal for r in train], folds, seed)
    return tuple(
        SplitRow(r.issue, r.proposal, "test", None)
        if r.proposal in test
        else SplitRow(r.issue, r.proposal, "train", fold[r.proposal])
        for r in scored
    )


def split_text(rows: Sequence[SplitRow]) -> str:
    lines = [
        (
            "# DEU III train/test split made by make_split "
            "(kingmaker.analysis.backtest.deu3_target; "
            f"seed={SPLIT_SEED}, test_fraction={SPLIT_TEST_FRACTION}, folds={SPLIT_FOLDS}); "
            "grouped by proposal. Do not edit: scripts/make_deu3_split.py rewrites it."
        ),
        "issue,proposal,part,fold",
    ]
    lines += [f"{r.issue},{r.proposal},{r.part},{'' if r.fold is None else r.fold}" for r in rows]
    return "\n".join(lines) + "\n"


def _part(value: str, path: str | Path | None, line: int) -> Literal["train", "test"]:
    for part in ("train", "test"):
        if value == part:
            return part
    raise ValueError(f"{path or split_path()}: line {line}: part is train or test, got {value!r}")


def read_split(path: str | Path | None = None) -> tuple[SplitRow, ...]:
    """The committed split (the file is the record; :func:`make_split` reproduces it)."""
    text = Path(path or split_path()).read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith(("#", "issue,")):
            continue
        issue, proposal, part, fold = line.split(",")
        rows.append(
            SplitRow(issue, proposal, _part(part, path, number), int(fold) if fold else None)
        )
    return tuple(rows)


# --------------------------------------------------------------------------- backtest target


def backtest_target(
    *,
    capability: data.Capability = "equal",
    unit: data.Unit = "proposal",
    missing_salience: float = 0.0,
    uncertainty: data.Uncertainty | None = None,
    path: str | Path | None = None,
) -> Target:
    """DEU III as a backtest target: every issue with an outcome is a case, grouped by
    proposal, with strata rule (QMV/unanimity), procedure (COD/CNS) and treaty period."""
    scenarios = data.load_deu3(
        capability=capability,
        unit=unit,
        missing_salience=missing_salience,
        uncertainty=uncertainty,
        path=path,
    )
    rows = data.read_deu3(path).issues
    sid = {r.issue: f"deu3-{r.issue if unit == 'issue' else r.proposal}" for r in rows}
    cases = tuple(
        Case(
            sid[r.issue],
            r.issue,
            r.outcome,
            (0.0, 100.0),
            group=r.proposal,
            strata=MappingProxyType(
                {"rule": r.rule, "procedure": r.procedure, "period": r.period.period}
            ),
        )
        for r in rows
        if r.outcome is not None
    )
    title = f"DEU III: {len(cases)} EU legislative issues with a recorded outcome"
    return Target(
        "deu3",
        title,
        scenarios,
        cases,
        description=f"capability {capability!r}, one scenario per {unit}",
    )
