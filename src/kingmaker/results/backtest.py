"""The backtest record: every model's forecast of every case with a known outcome, and the
leaderboard that scores them (errors, paired differences from a baseline, calibration, strata).

Made by :func:`kingmaker.backtest`. The leaderboard's document (``kingmaker backtest
--format json``) includes every case's forecasts, so the record reads back from it; the
Monte Carlo intervals of a run with draws are its arrays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np

from .record import ModelInfo, Provenance, Record, check_kind, head, jsonable, number


@dataclass(frozen=True)
class Scores:
    """Errors of one set of forecasts: n cases, MAE, RMSE, median absolute error, mean error."""

    n: int
    mae: float
    rmse: float
    medae: float
    bias: float


@dataclass(frozen=True)
class Difference:
    """Mean of paired differences (a - b) with a percentile bootstrap interval."""

    n: int
    estimate: float
    low: float
    high: float
    level: float
    resamples: int
    clusters: int


@dataclass(frozen=True)
class Coverage:
    """Share of observed outcomes inside their intervals, with a Wilson 95% interval."""

    level: float
    n: int
    hits: int
    rate: float
    low: float
    high: float
    mean_width: float


def _numbers(cls, doc: Mapping[str, Any]):
    """A dataclass of numbers back from its ``asdict`` (None, for NaN, back to NaN)."""
    kw = {}
    for f in dataclasses.fields(cls):
        v = doc[f.name]
        kw[f.name] = int(v) if f.type in ("int", int) else number(v)
    return cls(**kw)


@dataclass(frozen=True)
class Case:
    """One scored issue: its observed outcome, the group it belongs to and its strata."""

    scenario: str
    issue: str
    observed: float
    scale: tuple[float, float]
    group: str
    strata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class BacktestRun:
    """Every model's forecast of every scored case of a target, and how it was made."""

    target: str
    title: str
    cases: tuple[Case, ...]
    models: tuple[ModelInfo, ...]
    forecasts: Mapping[str, np.ndarray]
    references: Mapping[str, np.ndarray]
    intervals: Mapping[str, Mapping[float, tuple[np.ndarray, np.ndarray]]]
    failures: Mapping[str, tuple[str, ...]]
    draws: int
    seed: int | None
    fingerprint: str
    description: str = ""
    kingmaker_version: str = ""
    reference_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def observed(self) -> np.ndarray:
        return np.array([c.observed for c in self.cases])

    @property
    def groups(self) -> np.ndarray:
        return np.array([c.group for c in self.cases], dtype=object)

    def model(self, key: str) -> ModelInfo:
        for m in self.models:
            if m.key == key:
                return m
        raise KeyError(key)

    def forecast(self, key: str) -> np.ndarray:
        """A model's or a reference forecast's values, one per case."""
        return self.forecasts[key] if key in self.forecasts else self.references[key]

    def subset(self, mask: np.ndarray) -> BacktestRun:
        """The same run restricted to some cases (e.g. the test part of a split)."""
        mask = np.asarray(mask, dtype=bool)
        return dataclasses.replace(
            self,
            cases=tuple(c for c, keep in zip(self.cases, mask, strict=True) if keep),
            forecasts={k: v[mask] for k, v in self.forecasts.items()},
            references={k: v[mask] for k, v in self.references.items()},
            intervals={
                k: {lv: (lo[mask], hi[mask]) for lv, (lo, hi) in v.items()}
                for k, v in self.intervals.items()
            },
        )


@dataclass(frozen=True)
class Row:
    key: str
    kind: str  # "model" or "reference"
    title: str
    scores: Scores
    vs_baseline: Difference | None
    coverage: Mapping[float, Coverage]
    failures: int


@dataclass(frozen=True)
class Stratum:
    """MAE of every row on the cases of one stratum value (e.g. rule = unanimity)."""

    name: str
    value: str
    n: int
    mae: Mapping[str, float]


@dataclass(frozen=True, eq=False)
class Leaderboard(Record):
    kind: ClassVar[str] = "backtest"

    provenance: Provenance
    target: str
    title: str
    description: str
    baseline: str
    rows: tuple[Row, ...]
    strata: tuple[Stratum, ...]
    n_cases: int
    resamples: int
    level: float
    draws: int
    run: BacktestRun

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def forecast(self, key: str) -> np.ndarray:
        return self.run.forecast(key)

    def to_dict(self, cases: bool = True) -> dict:
        """The JSON document of ``kingmaker backtest --format json``."""
        run = self.run
        doc = {
            **head(self),
            "target": self.target,
            "title": self.title,
            "description": self.description,
            "baseline": self.baseline,
            "n_cases": self.n_cases,
            "models": {
                m.key: {
                    "model": m.model,
                    "title": m.title,
                    "variant": m.variant,
                    "params": dict(m.params),
                    "dynamic": m.dynamic,
                    "stochastic": m.stochastic,
                }
                for m in run.models
            },
            "references": dict(run.reference_titles),
            "leaderboard": [
                {
                    "key": r.key,
                    "kind": r.kind,
                    "title": r.title,
                    **asdict(r.scores),
                    "vs_baseline": asdict(r.vs_baseline) if r.vs_baseline else None,
                    "coverage": {f"{lv:g}": asdict(c) for lv, c in r.coverage.items()},
                    "failures": r.failures,
                }
                for r in self.rows
            ],
            "strata": [asdict(s) for s in self.strata],
            "failures": {k: list(v) for k, v in run.failures.items()},
            "resamples": self.resamples,
            "level": self.level,
            "draws": self.draws,
            "seed": run.seed,
            "fingerprint": run.fingerprint,
            "kingmaker_version": run.kingmaker_version,
        }
        if cases:
            doc["cases"] = [
                {
                    "scenario": c.scenario,
                    "issue": c.issue,
                    "observed": c.observed,
                    "scale": list(c.scale),
                    "group": c.group,
                    "strata": dict(c.strata),
                    "forecasts": {
                        **{k: v[j] for k, v in run.forecasts.items()},
                        **{k: v[j] for k, v in run.references.items()},
                    },
                }
                for j, c in enumerate(run.cases)
            ]
        return jsonable(doc)

    def arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for key, levels in self.run.intervals.items():
            for lv, (lo, hi) in levels.items():
                out[f"intervals/{key}/{lv!r}/low"] = lo
                out[f"intervals/{key}/{lv!r}/high"] = hi
        return out

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None
    ) -> Leaderboard:
        check_kind(doc, cls.kind)
        if "cases" not in doc:
            raise ValueError("a backtest record needs its cases (to_dict(cases=True))")
        models = tuple(
            ModelInfo(
                key,
                m["model"],
                m["variant"],
                m["params"],
                m["title"],
                m["dynamic"],
                m["stochastic"],
            )
            for key, m in doc["models"].items()
        )
        cases = tuple(
            Case(
                c["scenario"],
                c["issue"],
                float(c["observed"]),
                (float(c["scale"][0]), float(c["scale"][1])),
                c["group"],
                dict(c["strata"]),
            )
            for c in doc["cases"]
        )

        def column(key: str) -> np.ndarray:
            return np.array([number(c["forecasts"][key]) for c in doc["cases"]], dtype=float)

        refs = tuple(doc["references"])
        intervals: dict[str, dict[float, tuple[np.ndarray | None, np.ndarray | None]]] = {}
        for name, arr in (arrays or {}).items():
            _, key, lv, end = name.split("/")
            pair = intervals.setdefault(key, {}).setdefault(float(lv), (None, None))
            lo, hi = pair
            arr = np.asarray(arr, dtype=float)
            intervals[key][float(lv)] = (arr, hi) if end == "low" else (lo, arr)
        run = BacktestRun(
            target=doc["target"],
            title=doc["title"],
            cases=cases,
            models=models,
            forecasts={m.key: column(m.key) for m in models},
            references={k: column(k) for k in refs},
            intervals=intervals,  # type: ignore[arg-type]  # both ends of every level are stored
            failures={k: tuple(v) for k, v in doc["failures"].items()},
            draws=int(doc["draws"]),
            seed=doc["seed"],
            fingerprint=doc["fingerprint"],
            description=doc["description"],
            kingmaker_version=doc["kingmaker_version"],
            reference_titles=dict(doc["references"]),
        )
        rows = tuple(
            Row(
                r["key"],
                r["kind"],
                r["title"],
                _numbers(Scores, r),
                _numbers(Difference, r["vs_baseline"]) if r["vs_baseline"] else None,
                {float(lv): _numbers(Coverage, c) for lv, c in r["coverage"].items()},
                int(r["failures"]),
            )
            for r in doc["leaderboard"]
        )
        strata = tuple(
            Stratum(s["name"], s["value"], int(s["n"]), {k: number(v) for k, v in s["mae"].items()})
            for s in doc["strata"]
        )
        return cls(
            provenance=Provenance.from_dict(doc["provenance"]),
            target=doc["target"],
            title=doc["title"],
            description=doc["description"],
            baseline=doc["baseline"],
            rows=rows,
            strata=strata,
            n_cases=int(doc["n_cases"]),
            resamples=int(doc["resamples"]),
            level=float(doc["level"]),
            draws=int(doc["draws"]),
            run=run,
        )
