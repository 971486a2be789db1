"""Sensitivity: which uncertain numbers, and which actors, drive each issue's outcome.

Two methods, per model and issue:

* **tornado** (one at a time): each uncertain number at the low and at the high end of its
  range, every other number at its point value; the *swing* is |output(high) - output(low)|.
  Cheap (2F + 1 runs) and easy to read, blind to interactions.
* **Sobol** (variance-based, Saltelli 2010 design and estimators as implemented by SALib):
  the first-order index S1 of a number is the share of the outcome's variance it explains
  alone; its total index ST the share it explains with all its interactions, each with a
  bootstrap confidence interval. The design has samples x (F + 2) runs, on any executor.
  Numbers are drawn from their own distributions (uniform, triangular, PERT) by mapping a
  scrambled Sobol' sequence through their inverse CDFs.

Actors are ranked by the indices of their numbers: an actor's share of the variance lies
between the sum of its numbers' first-order indices (what they explain alone, a lower bound)
and the sum of their total indices (an upper bound, interactions counted once per number).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import AnalysisError
from ..models.base import ModelSpec
from ..randomness import SeedLike, generator, normalize_seed, seed_entropy, substream
from ..results import Provenance
from ..results.sensitivity import ActorEffect, FactorEffect, IssueSensitivity, Sensitivity
from ..scenario.compile import compile_scenario
from ..scenario.schema import Scenario
from .evaluation import GivenRows, Job, Progress, evaluate
from .executors import Executor
from .plan import plan_models, point_forecasts
from .sampling import Factor, Layout, check_spread, quantiles, uncertain_factors

METHODS = ("tornado", "sobol")


def check_samples(samples: int) -> int:
    if (
        isinstance(samples, bool)
        or not isinstance(samples, (int, np.integer))
        or samples < 8
        or samples & (samples - 1)
    ):
        raise AnalysisError(
            "the number of Sobol samples must be a power of two, at least 8 "
            f"(e.g. 512, 1024, 4096); got {samples!r}"
        )
    return int(samples)


# --------------------------------------------------------------------------- designs


def tornado_design(layout: Layout) -> np.ndarray:
    """(1 + 2F, F) rows: the point values, then each factor at its low end and its high end."""
    base = layout.base_values()
    F = base.size
    rows = np.tile(base, (1 + 2 * F, 1))
    for f, factor in enumerate(layout.factors):
        rows[1 + 2 * f, f] = factor.low
        rows[2 + 2 * f, f] = factor.high
    return rows


@dataclass(frozen=True, eq=False)
class SaltelliRows:
    """Saltelli's design for first-order and total indices, as SALib's sobol sampler lays
    it out, built block by block: for each base point i, the row A_i, then A_i with column k
    taken from B_i (k = 1..F), then B_i; samples x (F + 2) rows in all.

    A and B (samples x F each) are the two halves of a scrambled Sobol' sequence of dimension
    2F, mapped through each factor's inverse CDF. Only they are held, never the whole design
    (which would be samples x (F + 2) x F numbers); SALib's own sampler builds it whole, with
    Python loops that cost minutes for a hundred factors.
    """

    a: np.ndarray
    b: np.ndarray

    @classmethod
    def make(
        cls, factors: tuple[Factor, ...], samples: int, rng: np.random.Generator | int
    ) -> SaltelliRows:
        from scipy.stats import qmc

        F = len(factors)
        unit = qmc.Sobol(d=2 * F, scramble=True, rng=rng).random(samples)
        return cls(quantiles(factors, unit[:, :F]), quantiles(factors, unit[:, F:]))

    @property
    def size(self) -> int:
        return self.a.shape[0] * (self.a.shape[1] + 2)

    def rows(self, start: int, size: int) -> np.ndarray:
        F = self.a.shape[1]
        r = np.arange(start, start + size)
        point, kind = r // (F + 2), r % (F + 2)
        out = self.a[point]
        last = kind == F + 1
        out[last] = self.b[point[last]]
        cross = np.flatnonzero((kind >= 1) & ~last)
        col = kind[cross] - 1
        out[cross, col] = self.b[point[cross], col]
        return out


def sobol_design(
    factors: tuple[Factor, ...], samples: int, rng: np.random.Generator | int
) -> np.ndarray:
    """The whole Saltelli design as one (samples x (F + 2), F) array (for small cases)."""
    design = SaltelliRows.make(factors, samples, rng)
    return design.rows(0, design.size)


def sobol_indices(
    output: np.ndarray, n_factors: int, resamples: int, conf_level: float, seed: int
) -> dict[str, np.ndarray] | None:
    """SALib's first-order and total indices with bootstrap half-widths (finite outputs);
    None if the output is constant.

    A factor whose cross-sampled runs all equal the base runs (AB_k == A: a number of another
    issue, for a model that treats issues separately) has indices exactly 0; it is left out
    of SALib's analysis, which costs time per factor (scenarios with many issues have
    hundreds of numbers, few of which bear on any one issue).
    """
    from SALib.analyze import sobol

    if np.ptp(output) <= 1e-12 * max(1.0, np.abs(output).max()):
        return None
    y = output.reshape(-1, n_factors + 2)
    a, ab, b = y[:, 0], y[:, 1:-1], y[:, -1]
    active = np.flatnonzero(np.any(ab != a[:, None], axis=0))
    out = {k: np.zeros(n_factors) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    if active.size == 0:
        return out
    sub = np.column_stack([a, ab[:, active], b]).ravel()
    problem = {
        "num_vars": active.size,
        "names": [f"x{k}" for k in active],
        "bounds": [[0.0, 1.0]] * active.size,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = sobol.analyze(
            problem,
            sub,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
            print_to_console=False,
        )
    for k in out:
        out[k][active] = np.asarray(s[k], dtype=np.float64)
    return out


def _rank_effects(effects: list[FactorEffect]) -> tuple[FactorEffect, ...]:
    def key(e: FactorEffect) -> tuple[float, float]:
        return (-(e.st or 0.0), -(e.swing or 0.0))

    return tuple(sorted(effects, key=key))  # stable: ties keep document order


def _rank_actors(effects: Sequence[FactorEffect]) -> tuple[ActorEffect, ...]:
    by_actor: dict[str, list[FactorEffect]] = {}
    for e in effects:
        by_actor.setdefault(e.factor.actor, []).append(e)

    def total(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return float(sum(kept)) if kept else None

    actors = [
        ActorEffect(
            a,
            total([e.s1 for e in es]),
            total([e.st for e in es]),
            max((e.swing for e in es if e.swing is not None), default=None),
        )
        for a, es in by_actor.items()
    ]
    return tuple(sorted(actors, key=lambda a: (-(a.total_sum or 0.0), -(a.largest_swing or 0.0))))


# --------------------------------------------------------------------------- analysis


def sensitivity(
    scenario: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    methods: Sequence[str] = METHODS,
    samples: int = 1024,
    resamples: int = 100,
    conf_level: float = 0.95,
    seed: SeedLike = None,
    spread: float | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Tornado and/or Sobol analysis of every model's forecast of every issue.

    ``samples`` (a power of two) is the Sobol base sample: the design runs every model
    samples x (F + 2) times for F uncertain numbers. Without any uncertain number the result
    has no effects (``spread`` gives numbers without a range a default one).
    """
    methods = tuple(dict.fromkeys(methods))
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise AnalysisError(
            f"unknown sensitivity method {', '.join(unknown) or '(none)'}; "
            f"choose from: {', '.join(METHODS)}"
        )
    use_sobol = "sobol" in methods
    if use_sobol:
        samples = check_samples(samples)
        if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 2:
            raise AnalysisError(
                f"must be an integer >= 2, got {resamples!r}", parameter="resamples"
            )
        if not 0 < conf_level < 1:
            raise AnalysisError(
                f"(the confidence level) must be in (0, 1), got {conf_level!r}",
                parameter="conf_level",
            )
    plan = plan_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    spread = check_spread(spread)
    seq = normalize_seed(seed)
    arrays = compile_scenario(scenario)
    factors = uncertain_factors(scenario, arrays, spread)
    layout = Layout(arrays, factors)
    point = point_forecasts(arrays, plan, seq)
    F = len(factors)

    n_rows = (1 + 2 * F if "tornado" in methods else 0) + (
        samples * (F + 2) if use_sobol and F else 0
    )
    done_before = [0]

    def step(done: int, _total: int) -> None:
        if progress is not None:
            progress(done_before[0] + done, n_rows)

    tornado_out = sobol_out = None
    if F and "tornado" in methods:
        rows = GivenRows(tornado_design(layout))
        job = Job(arrays, factors, plan, seq, "tornado", keep_inputs=False, design=rows)
        tornado_out = evaluate(job, executor=executor, progress=step)
        done_before[0] += rows.size
    if F and use_sobol:
        design = SaltelliRows.make(factors, samples, generator(seq, "sobol", "design"))
        job = Job(arrays, factors, plan, seq, "sobol", keep_inputs=False, design=design)
        sobol_out = evaluate(job, executor=executor, progress=step)
    analysis_seed = int(substream(seq, "sobol", "bootstrap").generate_state(1)[0]) or 1

    results = []
    for m in plan:
        for i, issue in enumerate(arrays.issue_ids):
            per: list[dict[str, float]] = [dict() for _ in factors]
            if tornado_out is not None:
                ends = tornado_out.forecast[m.key][:, i]
                for f in range(F):
                    per[f].update(at_low=float(ends[1 + 2 * f]), at_high=float(ends[2 + 2 * f]))
            variance = None
            y = sobol_out.forecast[m.key][:, i] if sobol_out is not None else None
            if y is not None and not np.all(np.isfinite(y)):
                variance = math.nan  # the model failed on some runs: no indices
            elif y is not None:
                variance = float(np.var(y))
                s = sobol_indices(y, F, resamples, conf_level, analysis_seed)
                for f in range(F):
                    if s is None:  # the outcome does not vary: nothing drives it
                        per[f].update(s1=0.0, s1_conf=0.0, st=0.0, st_conf=0.0)
                    else:
                        per[f].update(
                            s1=float(s["S1"][f]),
                            s1_conf=float(s["S1_conf"][f]),
                            st=float(s["ST"][f]),
                            st_conf=float(s["ST_conf"][f]),
                        )
            effects = [
                FactorEffect(factor.describe(), **kw)
                for factor, kw in zip(factors, per, strict=True)
            ]
            results.append(
                IssueSensitivity(
                    m.key,
                    issue,
                    float(point[m.key][i]),
                    variance,
                    _rank_effects(effects),
                    _rank_actors(effects),
                )
            )
    provenance = Provenance(
        kind=Sensitivity.kind,
        scenario=scenario.id,
        scenario_hash=arrays.scenario_hash,
        models=tuple(m.info() for m in plan),
        seed=seed_entropy(seq),
        draws=n_rows,
    )
    return Sensitivity(
        provenance=provenance,
        title=scenario.scenario.title,
        spread=spread,
        methods=methods,
        samples=samples if use_sobol else None,
        resamples=resamples if use_sobol else None,
        conf_level=conf_level if use_sobol else None,
        factors=tuple(f.describe() for f in factors),
        issues=arrays.issue_ids,
        results=tuple(results),
    )
