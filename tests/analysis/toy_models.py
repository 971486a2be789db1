"""Small test-only models that exercise the parts of the model contract the baselines do not:
randomness inside the kernel, rounds and convergence, and the scenario scope.

They are module-level (picklable by reference) so that worker processes can run them.
"""

from __future__ import annotations

import numpy as np

from kingmaker.models.base import (
    IssueOutput,
    ModelParams,
    ModelSpec,
    ScenarioOutput,
    effective_weights,
    static_output,
)


class JitterParams(ModelParams):
    noise: float = 1.0
    p_converge: float = 0.7
    rounds: int = 6


def jitter_kernel(
    capability, position, salience, lo, hi, params: JitterParams, rng: np.random.Generator, threads
) -> IssueOutput:
    """Weighted mean plus noise; a random number of rounds; converges with p_converge."""
    rows = position.shape[0]
    w = effective_weights(capability, salience)
    mean = (w * position).sum(axis=1) / w.sum(axis=1)
    forecast = np.clip(mean + params.noise * rng.standard_normal(rows), lo, hi)
    rounds = rng.integers(1, params.rounds + 1, size=rows)
    converged = rng.random(rows) < params.p_converge
    T = params.rounds
    traj = np.repeat(position[:, None, :], T + 1, axis=1)
    return IssueOutput(
        forecast=forecast,
        trajectory=traj,
        rounds=rounds,
        converged=converged,
        stop_reason=np.where(converged, "converged", "rounds").astype(object),
    )


JITTER = ModelSpec(
    name="jitter",
    title="Jitter (test)",
    summary="weighted mean plus noise",
    scope="issue",
    params=JitterParams,
    kernel=jitter_kernel,
    dynamic=True,
    stochastic=True,
)


class ShockParams(ModelParams):
    noise: float = 2.0


def shock_kernel(batch, params: ShockParams, rng: np.random.Generator, threads) -> ScenarioOutput:
    """Every issue's weighted mean shifted by one common random shock per draw."""
    w = np.where(batch.present, batch.capability * batch.salience, 0.0)
    x = np.where(batch.present, batch.position, 0.0)
    mean = (w * x).sum(axis=1) / w.sum(axis=1)  # (B, m)
    shock = params.noise * rng.standard_normal((batch.size, 1))
    forecast = np.clip(mean + shock, batch.scale_min, batch.scale_max)
    B = batch.size
    return ScenarioOutput(
        forecast=forecast,
        trajectory=batch.position[:, None].copy(),
        rounds=np.zeros(B, dtype=np.int64),
        converged=np.ones(B, dtype=bool),
    )


SHOCK = ModelSpec(
    name="shock",
    title="Shock (test)",
    summary="common shock on every issue",
    scope="scenario",
    params=ShockParams,
    kernel=shock_kernel,
    stochastic=True,
)


class GappyParams(ModelParams):
    above: float = 50.0


def gappy_kernel(
    capability, position, salience, lo, hi, params: GappyParams, rng, threads
) -> IssueOutput:
    """The weighted mean, but no answer (NaN) when it lands above ``above``: a model that
    fails on some draws."""
    w = effective_weights(capability, salience)
    mean = (w * position).sum(axis=1) / w.sum(axis=1)
    return static_output(np.where(mean > params.above, np.nan, mean), position)


GAPPY = ModelSpec(
    name="gappy",
    title="Gappy (test)",
    summary="fails above a value",
    scope="issue",
    params=GappyParams,
    kernel=gappy_kernel,
)
