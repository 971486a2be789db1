"""The second accuracy round on DEU III: four candidates against the weighted mean.

Builds each candidate of the pre-registered protocol (docs/reference/backtest.md) as a
:class:`~.tuning.Family` over its grid on DEU III's 353 scored issues, runs the repeated
nested cross-validation of :mod:`.nested` for each and for `compromise` itself (its
cross-conformal calibration), and scores the committed test part once, for the one
pre-registered final candidate, only if its nested-CV interval lies below 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...datasets import deu3 as data
from ...models import registry
from ...models.base import run_model
from ...models.pivot import pivot_points
from ...results.deu3 import HOLM_M, AccuracyRound, TestScore
from ...scenario.compile import Batch
from .deu3_target import backtest_target
from .engine import Target, case_batch
from .metrics import paired_bootstrap_test, scores
from .nested import LEVELS, Candidates, nested_cv, tune
from .tuning import Family

SNAP_DISTANCE = (0.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0)
SNAP_SHARE = (0.0, 0.1, 0.2, 0.3)
CHOICE_BETA = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
CHOICE_GAMMA = (0.0, 0.5, 1.0, 2.0)
PIVOT_WEIGHT = (0.0, 0.25, 0.5, 0.75, 1.0)

#: Qualified majority as a share of the Council's weights, by treaty period (and, under
#: Nice, by the number of members voting): 62/87; 88/124; 232/321, 255/345, 260/352; Lisbon
#: 65% of the population (its 55%-of-members clause is not modelled). Unanimity: 1.
QMV_QUOTA = {"pre-nice": 62 / 87, "accession-2004": 88 / 124, "lisbon": 0.65}
NICE_QUOTA = {25: 232 / 321, 27: 255 / 345, 28: 260 / 352}


def _run(name: str, batch: Batch, **settings: Any):
    spec = registry.get(name)
    return run_model(spec, batch, registry.make_params(spec, settings), keep_trajectory=False)


def snap_family(batch: Batch) -> Family:
    grid = [(d, w) for d in SNAP_DISTANCE for w in SNAP_SHARE]
    rows = [_run("snap", batch, distance=d, share=w).forecast[0] for d, w in grid]
    return Family(
        "snap",
        "weighted mean snapped onto the nearest actor position within d points holding at "
        "least a share w of the weight",
        tuple(f"d={d:g}, w={w:g}" for d, w in grid),
        np.stack(rows),
    )


def choice_family(batch: Batch) -> tuple[Family, Candidates]:
    grid = [(b, g) for b in CHOICE_BETA for g in CHOICE_GAMMA]
    rows, probs = [], []
    values = None
    for b, g in grid:
        out = _run("choice", batch, beta=b, gamma=g)
        rows.append(out.forecast[0])
        by_issue = out.extras["by_issue"]
        width = max(len(e["candidates"][0]) for e in by_issue)
        if values is None:
            values = np.full((len(by_issue), width), np.nan)
            for i, e in enumerate(by_issue):
                values[i, : len(e["candidates"][0])] = e["candidates"][0]
        p = np.zeros((len(by_issue), values.shape[1]))
        for i, e in enumerate(by_issue):
            # candidates of probability 0 are left out of extras: place by value
            for x, q in zip(e["candidates"][0], e["probabilities"][0], strict=True):
                p[i, int(np.nanargmin(np.abs(values[i] - x)))] = q
        probs.append(p)
    assert values is not None
    family = Family(
        "choice",
        "multinomial logit over the actors' positions (distance to the weighted mean, "
        "weight share), forecasting the predictive median",
        tuple(f"beta={b:g}, gamma={g:g}" for b, g in grid),
        np.stack(rows),
    )
    return family, Candidates(values, np.stack(probs))


def nash_family(batch: Batch) -> Family:
    return Family(
        "nash",
        "asymmetric Nash bargaining solution with the reference point as disagreement "
        "(weighted mean without one)",
        ("no parameter",),
        _run("nash", batch).forecast[0][None, :],
    )


def council_quota(target: Target, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    """(quota per case, member-state mask (n, cases)) of DEU III's Council.

    Under Nice the quota depends on the Council's size: the smallest of 25, 27, 28 members
    that holds every member state with a position on some issue of the proposal (DEU III
    records positions only of states that were members at the decision)."""
    states = np.array([a not in data.INSTITUTIONS for a in batch.actor_ids])
    voting = states[:, None] & batch.present
    groups = np.array([c.group for c in target.cases], dtype=object)
    quota = np.ones(len(target.cases))
    for k, case in enumerate(target.cases):
        if case.strata["rule"] != "QMV":
            continue
        period = case.strata["period"]
        if period == "nice":
            members = int(voting[:, groups == case.group].any(axis=1).sum())
            size = min((s for s in NICE_QUOTA if s >= members), default=max(NICE_QUOTA))
            quota[k] = NICE_QUOTA[size]
        else:
            quota[k] = QMV_QUOTA[period]
    return quota, np.broadcast_to(states[:, None], batch.present.shape)


def pivot_family(target: Target, batch: Batch, mean: np.ndarray) -> Family:
    council = case_batch(backtest_target(capability="council"))
    if council.actor_ids != batch.actor_ids or council.issue_ids != batch.issue_ids:
        raise AssertionError("the council and equal targets disagree on their cases")
    quota, voting = council_quota(target, council)
    q = pivot_points(council, mean[None, :], quota, voting)[0]
    return Family(
        "pivot",
        "(1 - lambda) x weighted mean + lambda x the pivotal Council member's position "
        "(qualified majority of the treaty period over Council weights; unanimity: the "
        "member nearest the reference point)",
        tuple(f"lambda={w:g}" for w in PIVOT_WEIGHT),
        np.stack([(1 - w) * mean + w * q for w in PIVOT_WEIGHT]),
    )


def accuracy_round(
    target: Target | None = None,
    *,
    test: np.ndarray | None = None,
    seed: int = 0,
    resamples: int = 2000,
    repetitions: int = 10,
) -> AccuracyRound:
    """The protocol on DEU III (``test`` marks the committed test part's cases)."""
    from .deu3 import split_masks

    target = target if target is not None else backtest_target()
    batch = case_batch(target)
    observed = np.array([c.observed for c in target.cases], dtype=float)
    groups = [c.group for c in target.cases]
    scale = (batch.scale_min, batch.scale_max)
    mean = _run("compromise", batch).forecast[0]
    common: Mapping[str, Any] = dict(seed=seed, resamples=resamples, repetitions=repetitions)
    base_family = Family("compromise", "capability x salience weighted mean", ("-",), mean[None])
    baseline = nested_cv(base_family, mean, observed, groups, scale, **common)
    choice, cands = choice_family(batch)
    families = {
        "snap": snap_family(batch),
        "choice": choice,
        "nash": nash_family(batch),
        "pivot": pivot_family(target, batch, mean),
    }
    results = tuple(
        nested_cv(
            family,
            mean,
            observed,
            groups,
            scale,
            candidates=cands if name == "choice" else None,
            **common,
        )
        for name, family in families.items()
    )
    best = min(results, key=lambda r: r.difference.estimate)
    final = best.name if best.difference.high < 0 else None
    score = None
    if final is not None:
        if test is None:
            test, _ = split_masks(target)
        family = families[final]
        k = tune(family.forecasts, observed, ~test)
        f = family.forecasts[k]
        err_c, err_b = np.abs(f - observed)[test], np.abs(mean - observed)[test]
        g_test = np.asarray(groups, dtype=object)[test]
        # one cluster bootstrap gives the interval and the one-sided p-value
        diff, p = paired_bootstrap_test(err_c, err_b, g_test, resamples=resamples, seed=seed)
        score = TestScore(
            final,
            family.labels[k],
            int(test.sum()),
            scores(f[test], observed[test]),
            scores(mean[test], observed[test]),
            diff,
            p,
            min(1.0, HOLM_M * p),
        )
    return AccuracyRound(baseline, results, final, score)


def calibration_table(
    run, *, seed: int = 0, resamples: int = 2000, repetitions: int = 10
) -> dict[str, Any]:
    """Conformal half-widths of every model of a DEU III run (0-100 points), with the
    cross-conformal coverage that checks them: the calibration `forecast` and `simulate`
    apply to any scenario (written to ``kingmaker/data/deu3/calibration.json``)."""
    from ...__about__ import __version__
    from .fingerprint import inputs_fingerprint
    from .metrics import conformal_halfwidth

    observed = run.observed
    groups = [str(g) for g in run.groups]
    lo = np.array([c.scale[0] for c in run.cases], dtype=float)
    hi = np.array([c.scale[1] for c in run.cases], dtype=float)
    models: dict[str, Any] = {}
    for key, forecast in run.forecasts.items():
        f = np.asarray(forecast, dtype=float)
        if not np.isfinite(f).all():
            continue  # a model that failed on some issue is not calibrated
        residuals = np.abs(f - observed) * 100 / (hi - lo)
        nested = nested_cv(
            Family(key, key, ("-",), f[None]),
            f,
            observed,
            groups,
            (lo, hi),
            levels=LEVELS,
            seed=seed,
            resamples=resamples,
            repetitions=repetitions,
        )
        models[key] = {
            "params": dict(run.model(key).params),  # forecasts with other settings get none
            "halfwidth": {f"{lv:g}": conformal_halfwidth(residuals, lv) for lv in LEVELS},
            "cross_conformal": {
                f"{c.level:g}": {
                    "coverage": c.coverage,
                    "low": c.low,
                    "high": c.high,
                    "width": c.width,
                }
                for c in nested.intervals
            },
        }
    return {
        "kind": "deu3-conformal-calibration",
        "fingerprint": inputs_fingerprint(),
        "kingmaker_version": __version__,
        "scale": [0, 100],
        "n_cases": int(observed.size),
        "levels": list(LEVELS),
        "method": (
            "conformal: the ceil((n+1) level)-th smallest absolute error over DEU III's "
            f"{observed.size} issues (equal capabilities); coverage checked by cross-conformal "
            "by proposal"
        ),
        "models": models,
    }


__all__ = ["AccuracyRound", "accuracy_round", "calibration_table"]
