"""Paired comparisons: the difference between two simulations run on the same draws.

Two variants of a scenario (an intervention, an actor added or removed) or two models, run on
common random numbers: draws are matched by the uncertain number's key (parameter, actor,
issue), so the numbers both variants share take the same value in every draw and the
difference reflects the change, not sampling noise. :func:`paired` runs both and compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import AnalysisError
from ..models.base import ModelSpec
from ..randomness import SeedLike, normalize_seed
from ..results import Comparison, Provenance, Simulation
from ..scenario.schema import Scenario
from .uncertainty import simulate


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
    if a.seed != b.seed or a.draws != b.draws or a.spread != b.spread:
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
    models = {m.key: m for m in (*a.models, *b.models)}
    provenance = Provenance(
        kind=Comparison.kind,
        scenario=a.scenario,
        scenario_hash=a.scenario_hash,
        models=tuple(models.values()),
        seed=a.seed,
        draws=a.draws,
        kingmaker_version=a.kingmaker_version,
    )
    return Comparison(provenance, labels, a, b, tuple(resolved), issues)


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

    ``options`` are those of :func:`~kingmaker.analysis.uncertainty.simulate` (spread,
    settings, executor, ...).
    """
    seq = normalize_seed(seed)
    sim_a = simulate(a, models, draws=draws, seed=seq, **options)
    sim_b = simulate(b, models, draws=draws, seed=seq, **options)
    return compare(sim_a, sim_b, labels=labels)
