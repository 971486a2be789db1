"""Uncertainty: Monte Carlo over every range, summaries, and paired comparisons.

:func:`simulate` samples every uncertain number of a scenario (see :mod:`.sampling`), runs the
models on the draws (see :mod:`.evaluation`, on any executor) and returns a
:class:`Simulation`: per model and issue, the distribution of the forecast (median, mean, 80%
and 95% central intervals, probabilities of landing above or below thresholds, how often the
model converged). The same scenario and seed give byte-identical summaries whatever the
executor, the number of workers or the chunking.

:func:`compare` measures the difference between two simulations run on the *same draws*
(common random numbers): two variants of a scenario (an intervention, an actor added or
removed) or two models. Draws are matched by the uncertain number's key (parameter, actor,
issue), so the numbers both variants share take the same value in every draw and the
difference reflects the change, not sampling noise. :func:`paired` runs both and compares.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..__about__ import __version__
from ..errors import AnalysisError
from ..models.base import ModelSpec, run_model
from ..randomness import SeedLike, generator, normalize_seed, seed_value
from ..results import jsonable
from ..scenario.compile import ScenarioArrays, compile_scenario
from ..scenario.schema import Scenario
from .evaluation import Evaluation, Job, PlannedModel, Progress, evaluate
from .executors import Executor
from .forecast import resolve_models
from .sampling import BLOCK_SIZE, Factor, check_spread, uncertain_factors

#: Central intervals reported, as (name, lower quantile, upper quantile).
INTERVALS = (("interval80", 0.10, 0.90), ("interval95", 0.025, 0.975))


# --------------------------------------------------------------------------- models


def plan_models(
    scenario: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[PlannedModel, ...]:
    """Validated models to run: registry names (as in ``forecast``) and/or ModelSpecs.

    A ModelSpec (a model outside the registry, e.g. one under development) runs with its
    default settings updated by ``settings[spec.name]``.
    """
    if models and any(isinstance(m, ModelSpec) for m in models):
        from ..models.registry import make_params

        planned = []
        for m in models:
            if isinstance(m, ModelSpec):
                planned.append(
                    PlannedModel(m.name, m, make_params(m, (settings or {}).get(m.name)))
                )
            else:
                planned.extend(
                    plan_models(scenario, [m], variant=variant, rounds=rounds, settings=settings)
                )
        keys = [p.key for p in planned]
        if len(set(keys)) != len(keys):
            raise AnalysisError(f"a model is listed twice: {', '.join(keys)}")
        return tuple(planned)
    return tuple(
        PlannedModel(key, spec, params)
        for key, spec, params in resolve_models(
            scenario, models, variant=variant, rounds=rounds, settings=settings
        )
    )


def point_forecasts(
    arrays: ScenarioArrays, models: Sequence[PlannedModel], seed: np.random.SeedSequence
) -> dict[str, np.ndarray]:
    """Each model's forecast at the point values (what ``kingmaker forecast --seed`` gives)."""
    batch = arrays.batch(1)
    out = {}
    for m in models:
        rng = generator(seed, "forecast", m.key) if m.spec.is_stochastic(m.params) else None
        out[m.key] = run_model(m.spec, batch, m.params, rng, keep_trajectory=False).forecast[0]
    return out


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Threshold:
    """Report the probability that an issue's outcome lands above / below ``value``."""

    issue: str
    value: float


def issue_value(scenario: Scenario, issue_id: str, raw: str, text: str, what: str) -> float:
    """``raw`` as a number on the scale of issue ``issue_id`` (``text``: the user's whole
    ``what``, e.g. a threshold or a target, for the message)."""
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AnalysisError(f"{what} {text!r}: {raw!r} is not a number")
    try:
        issue = scenario.issue(issue_id)
    except KeyError:
        from rapidfuzz import process

        best = process.extractOne(issue_id, scenario.issue_ids, score_cutoff=60)
        hint = f" (did you mean {best[0]!r}?)" if best else ""
        raise AnalysisError(
            f"{what} {text!r}: no issue {issue_id!r} in scenario "
            f"{scenario.id}{hint}; issues: "
            f"{', '.join(scenario.issue_ids)}"
        ) from None
    lo, hi = issue.scale.min, issue.scale.max
    if not lo <= value <= hi:
        raise AnalysisError(
            f"{what} {text!r}: {value:g} is outside the scale of {issue_id!r} ({lo:g}..{hi:g})"
        )
    return value


def parse_thresholds(scenario: Scenario, items: Iterable[str | Threshold]) -> tuple[Threshold, ...]:
    """Check thresholds against the scenario: ``"troops:50"`` (or ``"50"`` with one issue)."""
    out = []
    for item in items:
        if isinstance(item, Threshold):
            issue_id, raw, text = item.issue, repr(item.value), f"{item.issue}:{item.value:g}"
        else:
            text = str(item)
            issue_id, sep, raw = text.rpartition(":")
            if not sep and len(scenario.issues) == 1:
                issue_id = scenario.issues[0].id
            elif not sep or not issue_id:
                raise AnalysisError(
                    f"--threshold expects ISSUE:VALUE (e.g. "
                    f"{scenario.issues[0].id}:50), got {text!r}"
                )
        out.append(Threshold(issue_id, issue_value(scenario, issue_id, raw, text, "threshold")))
    return tuple(dict.fromkeys(out))


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class Distribution:
    """Summary statistics of one quantity over the draws (NaN draws left out and counted)."""

    draws: int
    mean: float
    std: float
    median: float
    interval80: tuple[float, float]
    interval95: tuple[float, float]

    @classmethod
    def of(cls, values: np.ndarray) -> Distribution:
        v = values[np.isfinite(values)]
        if v.size == 0:
            nan = math.nan
            return cls(0, nan, nan, nan, (nan, nan), (nan, nan))
        q = np.quantile(v, [0.5] + [p for _, lo, hi in INTERVALS for p in (lo, hi)])
        return cls(
            int(v.size),
            float(np.mean(v)),
            float(np.std(v, ddof=1)) if v.size > 1 else 0.0,
            float(q[0]),
            (float(q[1]), float(q[2])),
            (float(q[3]), float(q[4])),
        )

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "draws": self.draws,
                "mean": self.mean,
                "std": self.std,
                "median": self.median,
                "interval80": list(self.interval80),
                "interval95": list(self.interval95),
            }
        )


@dataclass(frozen=True)
class OutcomeSummary:
    """A model's forecast of one issue over the draws."""

    point: float
    distribution: Distribution
    thresholds: tuple[tuple[float, float, float], ...]  # (value, P(above), P(below))
    converged: float
    rounds_mean: float

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "point": self.point,
                **self.distribution.to_dict(),
                "thresholds": [{"value": v, "above": a, "below": b} for v, a, b in self.thresholds],
                "converged": self.converged,
                "rounds_mean": self.rounds_mean,
            }
        )


def summarize(
    point: float,
    values: np.ndarray,
    converged: np.ndarray,
    rounds: np.ndarray,
    thresholds: Sequence[float],
) -> OutcomeSummary:
    n = values.size
    probs = tuple(
        (float(t), float(np.count_nonzero(values > t)) / n, float(np.count_nonzero(values < t)) / n)
        for t in thresholds
    )
    return OutcomeSummary(
        float(point),
        Distribution.of(values),
        probs,
        float(np.count_nonzero(converged)) / n,
        float(np.mean(rounds)),
    )


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True, eq=False)
class Simulation:
    """Every model's forecast of every issue on each draw, and how the draws were made."""

    scenario: str
    title: str
    scenario_hash: str
    kingmaker_version: str
    seed_sequence: np.random.SeedSequence
    draws: int
    spread: float | None
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    scales: Mapping[str, tuple[float, float]]
    observed: Mapping[str, float | None]
    factors: tuple[Factor, ...]
    models: tuple[PlannedModel, ...]
    point: Mapping[str, np.ndarray]
    thresholds: tuple[Threshold, ...]
    result: Evaluation

    @property
    def seed(self) -> int | None:
        return seed_value(self.seed_sequence)

    @property
    def model_keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.models)

    def _column(self, model: str, issue: str) -> int:
        if model not in self.result.forecast:
            raise KeyError(model)
        return self.issues.index(issue)

    def values(self, model: str, issue: str) -> np.ndarray:
        """The model's forecast of the issue on every draw, in draw order."""
        return self.result.forecast[model][:, self._column(model, issue)]

    def inputs(self, factor: str | tuple[str, str, str]) -> np.ndarray:
        """One uncertain number's value on every draw (by name or key)."""
        if self.result.inputs is None:
            raise AnalysisError("the simulation was run without keeping its inputs")
        for f, factor_ in enumerate(self.factors):
            if factor in (factor_.name, factor_.key):
                return self.result.inputs[:, f]
        raise KeyError(factor)

    def summary(self, model: str, issue: str) -> OutcomeSummary:
        i = self._column(model, issue)
        ts = [t.value for t in self.thresholds if t.issue == issue]
        return summarize(
            self.point[model][i],
            self.result.forecast[model][:, i],
            self.result.converged[model][:, i],
            self.result.rounds[model][:, i],
            ts,
        )

    def to_dict(self) -> dict[str, Any]:
        """The full summary (``kingmaker simulate --format json``); no timings, no executor."""
        issues = []
        for issue in self.issues:
            lo, hi = self.scales[issue]
            issues.append(
                {
                    "id": issue,
                    "scale": [lo, hi],
                    "observed": jsonable(self.observed[issue]),
                    "models": {k: self.summary(k, issue).to_dict() for k in self.model_keys},
                }
            )
        return {
            "kind": "simulation",
            "scenario": self.scenario,
            "title": self.title,
            "draws": self.draws,
            "seed": self.seed,
            "block_size": BLOCK_SIZE,
            "spread": self.spread,
            "actors": list(self.actors),
            "uncertain": [jsonable(f.to_dict()) for f in self.factors],
            "thresholds": [{"issue": t.issue, "value": t.value} for t in self.thresholds],
            "runs": {
                m.key: {
                    "model": m.spec.name,
                    "variant": getattr(m.params, "variant", None),
                    "params": jsonable(m.params),
                }
                for m in self.models
            },
            "issues": issues,
            "scenario_hash": self.scenario_hash,
            "kingmaker_version": self.kingmaker_version,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    def summary_frame(self):
        """One row per (model, issue) with the summary statistics; thresholds as columns
        ``P(>VALUE)`` and ``P(<VALUE)`` (empty for issues the threshold is not about)."""
        import pandas as pd

        rows = []
        for key in self.model_keys:
            for issue in self.issues:
                s = self.summary(key, issue)
                d = s.distribution
                row = {
                    "scenario": self.scenario,
                    "model": key,
                    "issue": issue,
                    "point": s.point,
                    "median": d.median,
                    "mean": d.mean,
                    "std": d.std,
                    "p10": d.interval80[0],
                    "p90": d.interval80[1],
                    "p2.5": d.interval95[0],
                    "p97.5": d.interval95[1],
                    "converged": s.converged,
                    "rounds_mean": s.rounds_mean,
                    "observed": self.observed[issue],
                    "draws": d.draws,
                }
                for t in self.thresholds:
                    row.setdefault(f"P(>{t.value:g})", None)
                    row.setdefault(f"P(<{t.value:g})", None)
                for v, above, below in s.thresholds:
                    row[f"P(>{v:g})"], row[f"P(<{v:g})"] = above, below
                rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self):
        """One row per draw: ``draw``, the inputs (``position/iran/troops``) and per model and
        issue ``forecast/MODEL/ISSUE``, ``converged/MODEL/ISSUE``, ``rounds/MODEL/ISSUE``."""
        import pandas as pd

        cols: dict[str, np.ndarray] = {"draw": np.arange(self.draws, dtype=np.int64)}
        if self.result.inputs is not None:
            for f, factor in enumerate(self.factors):
                cols[factor.name] = self.result.inputs[:, f]
        for what in ("forecast", "converged", "rounds"):
            arrays = getattr(self.result, what)
            for key in self.model_keys:
                for i, issue in enumerate(self.issues):
                    cols[f"{what}/{key}/{issue}"] = arrays[key][:, i]
        return pd.DataFrame(cols)

    def save_draws(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the draws (see :meth:`to_frame`) to a Parquet file, atomically.

        The file's metadata (key ``kingmaker``) holds the run's description: scenario, hash,
        seed, draws, spread, models and version. Needs ``pyarrow`` (``kingmaker[parquet]``).
        """
        path = check_draws_path(path, overwrite=overwrite)
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.to_frame(), preserve_index=False)
        info = {k: v for k, v in self.to_dict().items() if k != "issues"}
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), b"kingmaker": json.dumps(info).encode()}
        )
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


def check_draws_path(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse, before any work is done, a draws file that cannot or should not be written."""
    path = Path(path)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise AnalysisError(
            "saving draws to Parquet needs pyarrow; install it with: "
            "pip install 'kingmaker[parquet]'"
        ) from None
    if path.suffix.lower() != ".parquet":
        raise AnalysisError(
            f"{path}: draws are saved as Parquet; give a file name ending in .parquet"
        )
    if not path.parent.is_dir():
        raise AnalysisError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise AnalysisError(f"{path} exists; use --force to replace it")
    return path


def simulate(
    scenario: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    draws: int = 1000,
    seed: SeedLike = None,
    thresholds: Iterable[str | Threshold] = (),
    spread: float | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    executor: Executor | None = None,
    chunk_blocks: int | None = None,
    keep_inputs: bool = True,
    progress: Progress | None = None,
) -> Simulation:
    """Monte Carlo over every uncertain number of a scenario, for each model.

    ``spread`` gives numbers without a range a default one (see
    :func:`~kingmaker.analysis.sampling.default_range`). Without any uncertain number the
    draws all equal the point values (only stochastic models then vary).
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise AnalysisError(f"the number of draws must be a positive integer, got {draws!r}")
    plan = plan_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    checked = parse_thresholds(scenario, thresholds)
    spread = check_spread(spread)
    seq = normalize_seed(seed)
    arrays = compile_scenario(scenario)
    factors = uncertain_factors(scenario, arrays, spread)
    job = Job(arrays, factors, plan, seq, "draw", keep_inputs)
    result = evaluate(job, int(draws), executor, chunk_blocks=chunk_blocks, progress=progress)
    return Simulation(
        scenario=scenario.id,
        title=scenario.scenario.title,
        scenario_hash=arrays.scenario_hash,
        kingmaker_version=__version__,
        seed_sequence=seq,
        draws=int(draws),
        spread=spread,
        actors=arrays.actor_ids,
        issues=arrays.issue_ids,
        scales={i.id: (i.scale.min, i.scale.max) for i in scenario.issues},
        observed={i.id: (i.outcome.value if i.outcome else None) for i in scenario.issues},
        factors=factors,
        models=plan,
        point=point_forecasts(arrays, plan, seq),
        thresholds=checked,
        result=result,
    )


# --------------------------------------------------------------------------- paired comparisons


@dataclass(frozen=True)
class DifferenceSummary:
    """The distribution of b - a over paired draws.

    ``se`` is the standard error of the mean difference on these paired draws;
    ``se_independent`` what it would be had a and b been run on independent draws: their
    ratio shows what pairing gained.
    """

    distribution: Distribution
    p_positive: float
    p_negative: float
    se: float
    se_independent: float

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                **self.distribution.to_dict(),
                "p_positive": self.p_positive,
                "p_negative": self.p_negative,
                "se": self.se,
                "se_independent": self.se_independent,
            }
        )


def difference_summary(a: np.ndarray, b: np.ndarray) -> DifferenceSummary:
    d = b - a
    n = d.size
    dist = Distribution.of(d)
    var_a = float(np.var(a, ddof=1)) if n > 1 else 0.0
    var_b = float(np.var(b, ddof=1)) if n > 1 else 0.0
    return DifferenceSummary(
        dist,
        float(np.count_nonzero(d > 0)) / n,
        float(np.count_nonzero(d < 0)) / n,
        dist.std / math.sqrt(n),
        math.sqrt((var_a + var_b) / n),
    )


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two simulations on the same draws, and the difference (b - a) per model pair and issue."""

    labels: tuple[str, str]
    a: Simulation
    b: Simulation
    pairs: tuple[tuple[str, str], ...]
    issues: tuple[str, ...]

    def difference(self, pair: str | tuple[str, str], issue: str) -> np.ndarray:
        """b - a on every draw, for a model key (same in both) or a (key in a, key in b)."""
        ka, kb = (pair, pair) if isinstance(pair, str) else pair
        return self.b.values(kb, issue) - self.a.values(ka, issue)

    def summary(self, pair: str | tuple[str, str], issue: str) -> DifferenceSummary:
        ka, kb = (pair, pair) if isinstance(pair, str) else pair
        return difference_summary(self.a.values(ka, issue), self.b.values(kb, issue))

    def to_dict(self) -> dict[str, Any]:
        out = []
        for ka, kb in self.pairs:
            issues = []
            for issue in self.issues:
                issues.append(
                    {
                        "id": issue,
                        "a": self.a.summary(ka, issue).to_dict(),
                        "b": self.b.summary(kb, issue).to_dict(),
                        "difference": self.summary((ka, kb), issue).to_dict(),
                    }
                )
            out.append({"a": ka, "b": kb, "issues": issues})
        return {
            "kind": "comparison",
            "a": {
                "label": self.labels[0],
                "scenario": self.a.scenario,
                "scenario_hash": self.a.scenario_hash,
            },
            "b": {
                "label": self.labels[1],
                "scenario": self.b.scenario,
                "scenario_hash": self.b.scenario_hash,
            },
            "draws": self.a.draws,
            "seed": self.a.seed,
            "spread": self.a.spread,
            "pairs": out,
            "kingmaker_version": __version__,
        }


def _same_seed(a: np.random.SeedSequence, b: np.random.SeedSequence) -> bool:
    return a.entropy == b.entropy and tuple(a.spawn_key) == tuple(b.spawn_key)


def compare(
    a: Simulation,
    b: Simulation,
    pairs: Sequence[str | tuple[str, str]] | None = None,
    labels: tuple[str, str] = ("a", "b"),
) -> Comparison:
    """Pair two simulations draw by draw (they must share seed, draws and spread).

    ``pairs``: model keys present in both, or (key in a, key in b) to compare two models; by
    default every model key the two share, or the only model of each when they share none.
    Issues are those of ``a`` that ``b`` also has.
    """
    if (
        not _same_seed(a.seed_sequence, b.seed_sequence)
        or a.draws != b.draws
        or a.spread != b.spread
    ):
        raise AnalysisError(
            "the two simulations were not run on the same draws (they need the same seed, "
            f"number of draws and spread; got seeds {a.seed} and {b.seed}, draws {a.draws} and "
            f"{b.draws}, spreads {a.spread} and {b.spread})"
        )
    if pairs is None:
        shared = [k for k in a.model_keys if k in b.model_keys]
        if shared:
            pairs = shared
        elif len(a.models) == 1 and len(b.models) == 1:
            pairs = [(a.model_keys[0], b.model_keys[0])]
        else:
            raise AnalysisError(
                "the two simulations share no model; say which to compare "
                "with pairs=[(model in a, model in b)]"
            )
    resolved = []
    for p in pairs:
        ka, kb = (p, p) if isinstance(p, str) else p
        for key, sim, label in ((ka, a, labels[0]), (kb, b, labels[1])):
            if key not in sim.model_keys:
                raise AnalysisError(
                    f"model {key!r} was not run in {label}; it ran: {', '.join(sim.model_keys)}"
                )
        resolved.append((ka, kb))
    issues = tuple(i for i in a.issues if i in b.issues)
    if not issues:
        raise AnalysisError("the two scenarios have no issue in common")
    return Comparison(labels, a, b, tuple(resolved), issues)


def paired(
    a: Scenario,
    b: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    draws: int = 1000,
    seed: SeedLike = None,
    labels: tuple[str, str] = ("a", "b"),
    **options: Any,
) -> Comparison:
    """Simulate two variants of a scenario on common random numbers and compare them.

    ``options`` are those of :func:`simulate` (spread, settings, executor, ...).
    """
    seq = normalize_seed(seed)
    sim_a = simulate(a, models, draws=draws, seed=seq, **options)
    sim_b = simulate(b, models, draws=draws, seed=seq, **options)
    return compare(sim_a, sim_b, labels=labels)
