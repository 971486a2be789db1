"""From a scenario Batch to SMP runs and back: dimensions, scales, actors who take part.

**Dimensions.** KTAB's SMP puts all dimensions in one space: an actor's position is a vector,
its saliences weight the distance, and they must add up to at most 1 (100 %). ``joint`` runs the
scenario's issues that way. ``separate`` runs every issue as its own one-dimensional SMP with
the actors present on it. ``auto`` (the default) is ``joint`` when KTAB's conditions hold (every
actor on every issue, one capability per actor, saliences adding up to at most 1), else
``separate``. With one issue the two differ only in what they do with absent actors.

**Scales.** Positions are mapped to KTAB's [0, 1] by (x - min) / (max - min) and back by
min + y (max - min); on a 0-100 scale this is KTAB's own /100 and *100, bit for bit.

**Who takes part.** KTAB refuses zero capability or zero total salience (a vote needs a
positive weight). Such an actor, or one absent from a separately-run issue, sits the run out:
it keeps its position, casts no vote, is never challenged, and its probability is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import ModelSettingsError
from ...randomness import generator, normalize_seed
from ...scenario.compile import Batch
from ..base import ScenarioOutput
from .dynamics import Run, simulate
from .params import Params

SALIENCE_SLACK = 1e-9  # saliences given in percent may add up to 1 + round-off


@dataclass(frozen=True)
class _Task:
    row: int  # draw
    issues: tuple[int, ...]  # issue indices forming the task's dimensions
    actors: tuple[int, ...]  # actors taking part


def joint_problems(batch: Batch) -> list[str]:
    """Why the issues cannot form one KTAB space (empty when they can)."""
    problems = []
    absent = np.argwhere(~batch.present)
    for a, i in absent[:5]:
        problems.append(f"actor {batch.actor_ids[a]!r} is absent from issue {batch.issue_ids[i]!r}")
    if len(absent) > 5:
        problems.append(f"... and {len(absent) - 5} more absent actor/issue pairs")
    if problems:
        return problems
    cap = batch.capability
    varies = np.argwhere((cap != cap[..., :1]).any(axis=(0, 2)))
    for (a,) in varies[:5]:
        problems.append(
            f"actor {batch.actor_ids[a]!r} has a different capability on "
            "different issues (KTAB has one capability per actor)"
        )
    total = batch.salience.sum(axis=2).max(axis=0)
    for a in np.nonzero(total > 1 + SALIENCE_SLACK)[0][:5]:
        problems.append(
            f"actor {batch.actor_ids[a]!r}: saliences add up to {total[a]:.4g} "
            "over the issues; KTAB needs at most 1 (100 %)"
        )
    return problems


def choose_dimensions(batch: Batch, params: Params) -> str:
    if params.dimensions == "separate":
        return "separate"
    problems = joint_problems(batch)
    if params.dimensions == "joint" and problems:
        raise ModelSettingsError(
            "model smp: dimensions=joint needs KTAB's conditions:\n  "
            + "\n  ".join(problems)
            + "\n(use dimensions=separate to run every issue on its own)"
        )
    return "separate" if problems else "joint"


def accommodation_matrix(params: Params, actor_ids: tuple[str, ...]) -> np.ndarray | None:
    """KTAB's ideal-accommodation matrix from the ``ideal_adjustment`` pairs (None: identity)."""
    if not params.ideal_adjustment:
        return None
    index = {a: k for k, a in enumerate(actor_ids)}
    unknown = sorted(
        {x for p in params.ideal_adjustment for x in (p.actor, p.toward) if x not in index}
    )
    if unknown:
        raise ModelSettingsError(
            f"model smp: ideal_adjustment names unknown actor(s) {', '.join(unknown)}; "
            f"actors are: {', '.join(actor_ids)}"
        )
    n = len(actor_ids)
    acc = np.eye(n)
    for p in params.ideal_adjustment:
        acc[index[p.actor], index[p.toward]] = p.rate
    over = [actor_ids[i] for i in np.nonzero(acc.sum(axis=1) > 1 + 1e-10)[0]]
    if over:
        raise ModelSettingsError(
            f"model smp: ideal_adjustment rates of {', '.join(over)} add up to more than 1 "
            "(an actor's own rate is 1 unless listed)"
        )
    return None if np.array_equal(acc, np.eye(n)) else acc


def _tasks(batch: Batch, mode: str) -> list[_Task]:
    B, m = batch.size, batch.n_issues
    tasks = []
    if mode == "joint":
        weight_ok = (batch.capability[..., 0] > 0) & (batch.salience.sum(axis=2) > 0)
        for b in range(B):
            tasks.append(_Task(b, tuple(range(m)), tuple(np.nonzero(weight_ok[b])[0])))
    else:
        for i in range(m):
            ok = (
                batch.present[None, :, i]
                & (batch.capability[..., i] > 0)
                & (batch.salience[..., i] > 0)
            )
            for b in range(B):
                tasks.append(_Task(b, (i,), tuple(np.nonzero(ok[b])[0])))
    return tasks


def kernel(
    batch: Batch, params: Params, rng: np.random.Generator | None, threads: int = 1
) -> ScenarioOutput:
    """Run KTAB's SMP on every draw of a batch; see the module docstring."""
    mode = choose_dimensions(batch, params)
    accommodation = accommodation_matrix(params, batch.actor_ids)
    if params.state_transition == "stochastic" and (params.seed is not None or rng is None):
        rng = generator(normalize_seed(params.seed), "smp")
    lo, hi = batch.scale_min, batch.scale_max
    span = hi - lo
    B, n, m = batch.size, batch.n_actors, batch.n_issues

    groups: dict[tuple, list[_Task]] = {}
    for task in _tasks(batch, mode):
        groups.setdefault((task.actors, task.issues if mode == "joint" else ()), []).append(task)
    results: list[tuple[list[_Task], Run]] = []
    for (actors, _), tasks in groups.items():
        if not actors:
            continue
        a = np.array(actors)
        rows = np.array([t.row for t in tasks])
        dims = np.array([t.issues for t in tasks])  # (R, d)
        pick = (rows[:, None, None], a[None, :, None], dims[:, None, :])
        cap = np.asarray(
            batch.capability[rows[:, None], a[None, :], dims[:, :1]], dtype=np.float64
        )  # (R, k): joint mode checked it is one per actor
        sal = np.asarray(batch.salience[pick], dtype=np.float64)
        pos = (batch.position[pick] - lo[dims][:, None, :]) / span[dims][:, None, :]
        sub = None if accommodation is None else accommodation[np.ix_(a, a)]
        results.append((tasks, simulate(cap, sal, pos, sub, params, rng)))

    turns = max([int(run.turns.max()) for _, run in results], default=0)
    out = _Output(B, n, m, turns, batch, 2 if params.bargain_model == "init_rcvr" else 1)
    for tasks, run in results:
        out.fill(tasks, run, lo, span)
    return out.finish(mode)


class _Output:
    """Scatters task results into the (B, T+1, n, m) layout of a ScenarioOutput."""

    def __init__(self, B, n, m, turns, batch: Batch, per_initiator: int):
        self.T = turns
        self.trajectory = np.repeat(
            np.asarray(batch.position, dtype=np.float64)[:, None], turns + 1, axis=1
        )
        self.forecast = np.full((B, m), np.nan)
        self.most_probable = np.full((B, m), np.nan)
        self.rounds = np.zeros((B, m), dtype=np.int64)
        self.converged = np.zeros((B, m), dtype=bool)
        self.reason = np.full((B, m), "no_actors", dtype=object)
        self.prob = np.full((B, turns + 1, n, m), np.nan)
        self.risk = np.full((B, turns + 1, n, m), np.nan)
        self.change = np.full((B, turns, m), np.nan)
        self.target = np.full((B, turns, n, m), -1, dtype=np.int64)
        self.gain = np.full((B, turns, n, m), np.nan)
        self.win = np.full((B, turns, n, m), np.nan)
        self.bargains = np.full((B, turns, n, per_initiator, 2, m), np.nan)
        self.adopted = np.full((B, turns, n, 2, m), -1, dtype=np.int64)

    @staticmethod
    def _hold(arr: np.ndarray, length: int) -> np.ndarray:
        """Extend the turn axis (1) to ``length`` by repeating the last entry."""
        if arr.shape[1] >= length:
            return arr[:, :length]
        return np.concatenate([arr, np.repeat(arr[:, -1:], length - arr.shape[1], 1)], 1)

    @staticmethod
    def _pad(arr: np.ndarray, length: int, fill) -> np.ndarray:
        if arr.shape[1] >= length:
            return arr[:, :length]
        tail = np.full((arr.shape[0], length - arr.shape[1], *arr.shape[2:]), fill, dtype=arr.dtype)
        return np.concatenate([arr, tail], 1)

    def fill(self, tasks: list[_Task], run: Run, lo, span):
        """Write a group's run (its rows are tasks with the same actors) into the layout."""
        T = self.T
        a = np.array(tasks[0].actors)
        rows = np.array([t.row for t in tasks])
        dims = np.array([t.issues for t in tasks])  # (R, d)
        positions = self._hold(run.positions, T + 1)
        prob = self._hold(run.position_probability, T + 1)
        risk = self._hold(run.risk, T + 1)
        change = self._pad(run.fractional_change, T, np.nan)
        target = self._pad(run.target, T, -1)
        gain = self._pad(run.gain, T, np.nan)
        win = self._pad(run.win_probability, T, np.nan)
        proposals = self._pad(run.proposals, T, np.nan)
        adopted = self._pad(run.adopted, T, -1)
        # actor indices inside the run -> scenario actor indices
        target = np.where(target >= 0, a[np.maximum(target, 0)], -1)
        adopted = np.where(adopted >= 0, a[np.maximum(adopted, 0)], -1)
        b = rows[:, None, None]
        t1 = np.arange(T + 1)[None, :, None]
        t0 = np.arange(T)[None, :, None]
        act = a[None, None, :]
        for k in range(dims.shape[1]):
            iss = dims[:, k]
            i3 = iss[:, None, None]
            low, scale = lo[iss], span[iss]
            self.trajectory[b, t1, act, i3] = (
                low[:, None, None] + positions[..., k] * scale[:, None, None]
            )
            self.forecast[rows, iss] = low + run.expected[:, k] * scale
            self.most_probable[rows, iss] = low + run.most_probable[:, k] * scale
            self.rounds[rows, iss] = run.turns
            self.converged[rows, iss] = run.quiet
            self.reason[rows, iss] = np.where(run.quiet, "quiet", "rounds")
            self.prob[b, t1, act, i3] = prob
            self.risk[b, t1, act, i3] = risk
            self.change[rows[:, None], np.arange(T)[None, :], iss[:, None]] = change
            self.target[b, t0, act, i3] = target
            self.gain[b, t0, act, i3] = gain
            self.win[b, t0, act, i3] = win
            self.bargains[b, t0, act, :, :, i3] = (
                low[:, None, None, None, None]
                + proposals[..., k] * scale[:, None, None, None, None]
            )
            self.adopted[b, t0, act, :, i3] = adopted

    def finish(self, mode: str) -> ScenarioOutput:
        extras = {
            "dimensions": mode,
            "most_probable": self.most_probable,
            "position_probability": self.prob,
            "risk_attitude": self.risk,
            "fractional_change": self.change,
            "challenge_target": self.target,
            "challenge_gain": self.gain,
            "challenge_win_probability": self.win,
            "bargain_positions": self.bargains,
            "adopted_bargain": self.adopted,
        }
        return ScenarioOutput(
            forecast=self.forecast,
            trajectory=self.trajectory,
            rounds=self.rounds,
            converged=self.converged,
            stop_reason=self.reason,
            extras=extras,
        )
