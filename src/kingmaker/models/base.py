"""The contract every model follows, and the engine that runs it on a batch.

A model is a :class:`ModelSpec`: a name, a pydantic ``Params`` class (its settings, with
``variant`` when it has variants) and a pure kernel. Kernels come in two scopes:

* ``"issue"``: one issue at a time, over a batch of rows. ``kernel(cap, pos, sal, lo, hi,
  params, rng, threads)`` receives (R, n) arrays of the actors present on the issue and (R,)
  scale bounds, and returns an :class:`IssueOutput`. The engine folds draws x issues into
  rows, so one call runs every draw of every issue that has the same actors.
* ``"scenario"``: all issues at once (models that trade across issues or use several
  dimensions). ``kernel(batch, params, rng, threads)`` returns a :class:`ScenarioOutput`,
  whose rounds, convergence and stop reason are per draw, or per draw and issue when issues
  ran apart.

Every kernel receives the same trailing arguments: ``rng``, the generator it must draw every
random number from (None when the model's settings draw none; deterministic kernels ignore
it), and ``threads``, how many threads it may use (the executor decides: a kernel never sizes
a pool from the machine's cores, so K worker processes do not each start a thread per core).
Results must not depend on ``threads``.

:func:`run_model` returns a :class:`BatchResult` of the same shape whatever the scope.
Kernels do no I/O, keep no state and draw random numbers only from the generator they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..scenario.compile import Batch


class ModelParams(BaseModel):
    """Base of every model's settings: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, eq=False)
class IssueOutput:
    """What an issue-scope kernel returns for R rows.

    ``trajectory`` is (R, T+1, n): row 0 the input positions; rows after a run stopped repeat
    its last state. ``rounds`` says how many rounds each row really ran. ``extras`` holds
    per-row arrays (leading axis R) or lists of length R, kept with the result.
    """

    forecast: np.ndarray
    trajectory: np.ndarray
    rounds: np.ndarray
    converged: np.ndarray
    stop_reason: np.ndarray | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ScenarioOutput:
    """What a scenario-scope kernel returns for a batch of B draws (m issues, n actors)."""

    forecast: np.ndarray  # (B, m)
    trajectory: np.ndarray  # (B, T+1, n, m)
    rounds: np.ndarray  # (B,) or (B, m) when issues ran separately
    converged: np.ndarray  # (B,) or (B, m)
    stop_reason: np.ndarray | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class BatchResult:
    """A model's results on a batch, always issue-resolved.

    forecast (B, m); trajectory (B, T+1, n, m) with NaN for absent actors; rounds, converged
    and stop_reason (B, m); extras: per issue for issue-scope models (``extras[k]`` is a list
    over issues of per-draw values), free-form for scenario-scope models.
    """

    model: str
    params: ModelParams
    forecast: np.ndarray
    trajectory: np.ndarray | None
    rounds: np.ndarray
    converged: np.ndarray
    stop_reason: np.ndarray
    extras: Mapping[str, Any]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    summary: str
    scope: Literal["issue", "scenario"]
    params: type[ModelParams]
    kernel: Callable[..., Any]
    dynamic: bool = False
    #: Whether the kernel draws random numbers: a flag, or a function of the parameters for
    #: models that are random only under some settings.
    stochastic: bool | Callable[[Any], bool] = False
    reference: str = ""

    def is_stochastic(self, params: ModelParams) -> bool:
        """Whether the kernel needs a random generator under these parameters."""
        return bool(self.stochastic(params) if callable(self.stochastic) else self.stochastic)

    @property
    def variants(self) -> tuple[str, ...]:
        field_ = self.params.model_fields.get("variant")
        if field_ is None:
            return ()
        args = getattr(field_.annotation, "__args__", ())
        return tuple(a for a in args if isinstance(a, str))


def effective_weights(capability: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Capability x salience; where every weight of a row is zero, all actors count equally.

    The fallback keeps weighted statistics defined (no 0/0) for an issue nobody cares about,
    and is documented in docs/reference/models.md.
    """
    w = capability * salience
    total = w.sum(axis=-1, keepdims=True)
    return np.where(total > 0, w, 1.0)


def static_output(
    forecast: np.ndarray, position: np.ndarray, extras: Mapping[str, Any] | None = None
) -> IssueOutput:
    """Output of a model without dynamics: its trajectory is the input positions."""
    rows = forecast.shape[0]
    return IssueOutput(
        forecast=forecast,
        trajectory=position[:, None, :],
        rounds=np.zeros(rows, dtype=np.int64),
        converged=np.ones(rows, dtype=bool),
        stop_reason=np.full(rows, "static", dtype=object),
        extras=dict(extras or {}),
    )


def static_scenario_output(forecast: np.ndarray, batch: Batch) -> ScenarioOutput:
    """A scenario-scope model without dynamics: (B, m) forecasts, the inputs as trajectory."""
    B = batch.size
    return ScenarioOutput(
        forecast=forecast,
        trajectory=batch.position[:, None],
        rounds=np.zeros(B, dtype=np.int64),
        converged=np.ones(B, dtype=bool),
        stop_reason=np.full(B, "static", dtype=object),
    )


def run_model(
    spec: ModelSpec,
    batch: Batch,
    params: ModelParams,
    rng: np.random.Generator | None = None,
    keep_trajectory: bool = True,
    threads: int = 1,
) -> BatchResult:
    """Run a model on every draw of a batch; issue-scope kernels are folded over issues.

    ``rng`` is passed to the kernel only when the model's settings draw random numbers;
    ``threads`` is the number of threads the kernel may use.
    """
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    rng = rng if spec.is_stochastic(params) else None
    if spec.scope == "scenario":
        out: ScenarioOutput = spec.kernel(batch, params, rng, threads)
        m = batch.n_issues

        def per_issue(a) -> np.ndarray:  # (B,) or (B, m) -> (B, m)
            a = np.asarray(a)
            return np.broadcast_to(a[:, None] if a.ndim == 1 else a, (batch.size, m)).copy()

        reason = (
            out.stop_reason
            if out.stop_reason is not None
            else np.full(batch.size, "rounds", dtype=object)
        )
        traj = out.trajectory.copy() if keep_trajectory else None
        if traj is not None:
            traj[:, :, ~batch.present] = np.nan
        return BatchResult(
            spec.name,
            params,
            np.asarray(out.forecast),
            traj,
            per_issue(out.rounds),
            per_issue(out.converged),
            per_issue(np.asarray(reason, dtype=object)),
            dict(out.extras),
        )
    return _run_issue_model(spec, batch, params, rng, keep_trajectory, threads)


def _run_issue_model(spec, batch: Batch, params, rng, keep_trajectory, threads) -> BatchResult:
    B, n, m = batch.size, batch.n_actors, batch.n_issues
    forecast = np.full((B, m), np.nan)
    rounds = np.zeros((B, m), dtype=np.int64)
    converged = np.zeros((B, m), dtype=bool)
    reason = np.empty((B, m), dtype=object)
    pieces: list[tuple[list[int], np.ndarray, np.ndarray]] = []
    extras_by_issue: list[dict[str, Any]] = [{} for _ in range(m)]

    # issues with the same actors present run together: rows = draws x those issues
    groups: dict[bytes, list[int]] = {}
    for i in range(m):
        groups.setdefault(batch.present[:, i].tobytes(), []).append(i)
    for issues in groups.values():
        actors = np.nonzero(batch.present[:, issues[0]])[0]
        g = len(issues)

        def fold(a: np.ndarray, actors=actors, issues=issues) -> np.ndarray:
            sub = a[:, actors][:, :, issues]  # (B, k, g)
            return np.ascontiguousarray(sub.transpose(0, 2, 1)).reshape(-1, len(actors))

        lo = np.tile(batch.scale_min[issues], B)
        hi = np.tile(batch.scale_max[issues], B)
        out: IssueOutput = spec.kernel(
            fold(batch.capability),
            fold(batch.position),
            fold(batch.salience),
            lo,
            hi,
            params,
            rng,
            threads,
        )
        forecast[:, issues] = out.forecast.reshape(B, g)
        rounds[:, issues] = np.asarray(out.rounds).reshape(B, g)
        converged[:, issues] = np.asarray(out.converged).reshape(B, g)
        sr = (
            out.stop_reason
            if out.stop_reason is not None
            else np.full(B * g, "rounds", dtype=object)
        )
        reason[:, issues] = np.asarray(sr, dtype=object).reshape(B, g)
        if keep_trajectory:
            T1 = out.trajectory.shape[1]
            pieces.append((issues, actors, out.trajectory.reshape(B, g, T1, len(actors))))
        for key, val in out.extras.items():
            for k, i in enumerate(issues):
                if isinstance(val, np.ndarray):
                    extras_by_issue[i][key] = val.reshape(B, g, *val.shape[1:])[:, k]
                else:
                    extras_by_issue[i][key] = [val[b * g + k] for b in range(B)]

    traj = None
    if keep_trajectory:
        T1 = max(p[2].shape[2] for p in pieces)
        traj = np.full((B, T1, n, m), np.nan)
        for issues, actors, tr in pieces:
            t = tr.shape[2]
            for k, i in enumerate(issues):
                block = tr[:, k]  # (B, t, a)
                traj[:, :t, actors, i] = block
                if t < T1:  # a shorter run holds its last state
                    traj[:, t:, actors, i] = block[:, -1:, :]
    extras = {"by_issue": extras_by_issue} if any(extras_by_issue) else {}
    return BatchResult(spec.name, params, forecast, traj, rounds, converged, reason, extras)
