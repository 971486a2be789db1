"""Lever search: candidate levers evaluated per second, batched against one at a time.

The lever search of ``kingmaker advise`` evaluates every candidate lever as one more row of
a batch (variants stacked like Monte Carlo draws). The naive way - apply each lever to the
scenario and forecast it - is what a user of the anchor tools does by hand; both give the
same numbers (tests/analysis/test_influence.py), so the ratio is the gain of batching.
"""

from __future__ import annotations

import numpy as np

import kingmaker
from kingmaker.analysis.influence.levers import apply_single, candidate_levers, proxy_links
from kingmaker.analysis.influence.objective import Objective
from kingmaker.analysis.influence.variants import forecast_values
from kingmaker.analysis.plan import plan_models
from kingmaker.randomness import normalize_seed
from kingmaker.scenario.compile import PARAMETERS
from kingmaker.scenario.interventions import apply_intervention

from .timing import best_time, per_second, table

TITLE = "Lever search: levers per second"
CASES = (("us-iraq-2020", "iran"), ("us-iraq-2020", "us"))
NAIVE_SAMPLE = 12  # levers timed one at a time (extrapolated to all)


def section(quick: bool = False) -> str:
    rows = []
    for name, actor in CASES[:1] if quick else CASES:
        sc = kingmaker.load_scenario(name)
        arrays = kingmaker.compile_scenario(sc)
        links = proxy_links(sc)
        seq = normalize_seed(0)
        levers = [
            lv
            for lv in candidate_levers(sc, arrays, Objective.of(arrays, actor))
            if lv.parameter is not None
        ]
        parts = [
            apply_single(
                arrays, links, lv.target, lv.issue, lv.parameter, lv.op, np.array([lv.amount])
            )
            for lv in levers
        ]
        values = {p: np.concatenate([x[p] for x in parts]) for p in PARAMETERS}
        for m in plan_models(sc, None):
            batched = best_time(
                lambda m=m: forecast_values(arrays, values, [m], seq), repeat=1 if quick else 3
            )
            sample = levers[:: max(1, len(levers) // NAIVE_SAMPLE)][:NAIVE_SAMPLE]

            def naive(m=m, sample=sample):
                for lv in sample:
                    kingmaker.forecast(apply_intervention(sc, lv.intervention), [m.key], seed=0)

            one = best_time(naive, repeat=1) / len(sample)
            rows.append(
                (
                    f"`{name}` ({actor})",
                    len(levers),
                    m.key,
                    per_second(len(levers), batched),
                    per_second(1, one),
                    f"{one * len(levers) / batched:.0f}x",
                )
            )
    head = (
        "Every single-number lever of the actor (its own position and salience, persuading, "
        "pressing and coercing the others, on every issue) is evaluated by each model. "
        "*Batched*: all levers as one batch (`kingmaker advise`); *one at a time*: the "
        f"intervention applied and the scenario forecast, for {NAIVE_SAMPLE} levers, per "
        "lever. Both give the same forecasts.\n\n"
    )
    return (
        head
        + table(
            ("Scenario (actor)", "Levers", "Model", "Batched", "One at a time", "Speed-up"),
            rows,
            "lrlrrr",
        )
        + "\n"
    )
