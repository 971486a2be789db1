"""Bueno de Mesquita's expected-utility ("challenge") model, as Scholz et al. (2011) replicate it.

Every round, each actor weighs, from its own point of view, challenging every other actor and
being challenged by it; offers follow (confrontation, compromise, capitulation), each actor
takes one, and all move at once. The equations are those of the public port of Scholz, Calbert
& Smith's replication (tests/data/anchors/bdm1994/EUM-SPEC.md); docs/reference/models.md
summarises them, with the rules this module adds for ties and degenerate input.

Variants: ``scholz2011`` computes what the replication's code computes, quirks included;
``corrected`` turns on three independent fixes (``capitulation``, ``least_change``,
``pairwise_probability``), each of which can also be turned on alone.

Speed: the replication re-sums all n^3 votes for each of its ~n^3 probability look-ups, O(n^6)
per round. Here each actor's vote on each pair is computed once per round (O(n^3), one pass
over the voters serving both directions of a pair) and every power once (O(n^2)). The round
loop of each row is compiled with numba (cached after the first use); chunks of rows run in
as many threads as the caller allows (``threads``), and a row's rounds run in one compiled
call. Votes are summed directly, voter by voter, never as differences of larger sums: the
pairwise probability divides two such sums, and cancellation would make it noise when few
votes separate a pair.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numba as nb
import numpy as np
from pydantic import Field, model_validator

from . import median as median_model
from .base import IssueOutput, ModelParams, ModelSpec, effective_weights

#: Two expected utilities closer than this (they are O(1) numbers) count as equal; so does a
#: utility this close to zero. The replication compares exactly, which makes decisions on
#: floating-point noise; with a margin, ties are ties whatever the order of summation.
EU_TIE = 1e-12
#: Two offers whose choice keys differ by less than this fraction of the range of positions
#: are tied; the earlier actor (input order) wins, as in the replication.
KEY_TIE = 1e-12
#: Danger levels whose spread is below this fraction of their size are all equal.
DANGER_TIE = 1e-12
#: Relative tolerance of an exact half in the weighted median (as kingmaker.models.median).
MEDIAN_TIE = median_model.TIE_TOLERANCE

#: Codes of ``extras["move_kind"]``.
MOVE_KINDS = ("none", "confrontation", "compromise", "capitulation")
#: Values of ``stop_reason``, indexed by the compiled core's status codes.
STOP_REASONS = ("rounds", "converged", "cycle")
_RUNNING = -1
_FIRST_BLOCK = 32  # rounds allocated at first when running to convergence
_WORK_PER_THREAD = 200_000  # about 20 ms of work: below it, a thread costs more than it saves

SWITCHES = ("capitulation", "least_change", "pairwise_probability")


class Params(ModelParams):
    """Settings of the expected-utility model.

    The three switches default to the variant's choice (all off in ``scholz2011``, all on in
    ``corrected``); set one explicitly to change it alone.
    """

    variant: Literal["scholz2011", "corrected"] = Field(
        "scholz2011", description="scholz2011: the replication exactly; corrected: all fixes on"
    )
    rounds: int = Field(
        10, ge=0, le=100_000, description="rounds to run (stopping=fixed) or at most (converge)"
    )
    stopping: Literal["fixed", "converge"] = Field(
        "fixed",
        description="fixed: run every round; converge: stop when positions settle "
        "or a state repeats",
    )
    tolerance: float = Field(
        1e-6,
        ge=0,
        le=1,
        description="a position change below tolerance x (scale max - min) "
        "counts as no change (convergence, cycles)",
    )
    q: float = Field(
        1.0, ge=0, le=1, description="probability that the status quo persists (Scholz: 1)"
    )
    capitulation: bool | None = Field(
        None,
        description="capitulation offers can fire (the replication's condition never "
        "holds); default: the variant's",
    )
    least_change: bool | None = Field(
        None,
        description="compromises are chosen by least change of position, as the paper "
        "says; default: the variant's",
    )
    pairwise_probability: bool | None = Field(
        None,
        description="P(i,j) = votes for i / votes on the pair (i,j), so P(i,j) + P(j,i) "
        "= 1; default: the variant's",
    )

    @model_validator(mode="before")
    @classmethod
    def _switches_follow_variant(cls, data):
        if isinstance(data, dict):
            on = data.get("variant", "scholz2011") == "corrected"
            data = {**data, **{k: on for k in SWITCHES if data.get(k) is None}}
        return data


# ---------------------------------------------------------------------------------------------
# compiled core: one row (one scenario draw) at a time


@nb.njit(cache=True)
def _sort_order(x, order):
    """Position order of the actors, updated in place (insertion sort from the last round's
    order: O(n^2) at worst, about O(n) when few actors moved)."""
    n = x.shape[0]
    for t in range(n):
        k = order[t]
        u = t
        while u > 0 and x[order[u - 1]] > x[k]:
            order[u] = order[u - 1]
            u -= 1
        order[u] = k


@nb.njit(cache=True)
def _powers(x, span, r, unit_risk, dist, power):
    """dist[a, k] = |x_a - x_k| / span (a fraction of the range); power[a, k] = dist^r_k, the
    distance as voter k feels it (stored by candidate a, so a pair's votes read two rows)."""
    n = x.shape[0]
    for a in range(n):
        for k in range(a + 1):
            dist[a, k] = dist[k, a] = abs(x[k] - x[a]) / span
    for a in range(n):
        for k in range(n):
            power[a, k] = dist[a, k] if unit_risk else dist[a, k] ** r[k]


@nb.njit(cache=True)
def _vote_sums(x, w, power, num):
    """num[i, j]: the summed positive votes for x_i over x_j, voter k's vote being
    w_k (d_kj^r_k - d_ki^r_k). One pass over the voters fills both num[i, j] and num[j, i]."""
    n = x.shape[0]
    for i in range(n):
        num[i, i] = 0.0
        for j in range(i):
            for_i = 0.0
            for_j = 0.0
            if x[i] != x[j]:
                for k in range(n):
                    v = w[k] * (power[j, k] - power[i, k])
                    for_i += max(v, 0.0)
                    for_j += max(-v, 0.0)
            num[i, j] = for_i
            num[j, i] = for_j


@nb.njit(cache=True)
def _probabilities(x, num, pairwise, prob):
    """P(i, j) that x_i prevails over x_j; 0 for equal positions.

    Replication: votes for x_i over x_j divided by the absolute votes on every ordered pair
    (which is twice the sum of all ``num``). Pairwise: divided by the votes on (i, j) only, so
    P(i,j) + P(j,i) = 1; 1/2 when no one with weight prefers either position.
    """
    n = x.shape[0]
    if pairwise:
        for i in range(n):
            for j in range(n):
                if x[i] == x[j]:
                    prob[i, j] = 0.0
                else:
                    both = num[i, j] + num[j, i]
                    prob[i, j] = num[i, j] / both if both > 0.0 else 0.5
        return
    total = 0.0
    for i in range(n):
        for j in range(n):
            total += num[i, j]
    total *= 2.0
    for i in range(n):
        for j in range(n):
            prob[i, j] = num[i, j] / total if total > 0.0 else 0.0


@nb.njit(cache=True)
def _expected_utility(p, s_target, u_success, u_failure, u_status_quo, q):
    """Expected utility of a challenge that succeeds with probability p against a target of
    salience s_target (who gives in without a fight with probability 1 - s_target)."""
    return (
        s_target * (p * u_success + (1.0 - p) * u_failure)
        + (1.0 - s_target) * u_success
        - q * u_status_quo
    )


@nb.njit(cache=True)
def _risk_exponents(dist, s, q, prob1, danger, r):
    """r_h from h's danger level: the expected utility, to h with r = 1, of the others
    challenging h (then U_s = 2d, U_f = -2d, U_sq = 0)."""
    n = s.shape[0]
    for h in range(n):
        total = 0.0
        for k in range(n):
            if k != h:
                d = dist[k, h]
                u_success = 2.0 - 4.0 * max(0.0, 0.5 - 0.5 * d)
                u_failure = 2.0 - 4.0 * (0.5 + 0.5 * d)
                total += _expected_utility(prob1[k, h], s[h], u_success, u_failure, 0.0, q)
        danger[h] = total
    hi = danger[0]
    lo = danger[0]
    for h in range(n):
        hi = max(hi, danger[h])
        lo = min(lo, danger[h])
    if hi - lo <= DANGER_TIE * max(abs(hi), abs(lo)):
        for h in range(n):  # everyone equally in danger: neutral to risk (the replication
            r[h] = 1.0  # divides by zero)
        return
    for h in range(n):
        rel = (2.0 * danger[h] - hi - lo) / (hi - lo)
        r[h] = (1.0 - rel / 3.0) / (1.0 + rel / 3.0)


@nb.njit(cache=True)
def _choose_moves(
    x,
    dist,
    s,
    r,
    span,
    q,
    prob,
    capitulation,
    least_change,
    best_key,
    best_j,
    best_pos,
    best_eu,
    newx,
    kind,
    partner,
    eu,
):
    """Each actor's offers and the one it takes (confrontation, else compromise, else
    capitulation; within a kind the smallest key, the earliest actor on ties)."""
    n = x.shape[0]
    key_tie = KEY_TIE * span
    for i in range(n):
        ri = r[i]
        u_status_quo = 2.0 - 4.0 * 0.5**ri
        for k in range(3):
            best_key[k] = np.inf
            best_j[k] = -1
        for j in range(n):
            if j == i or x[j] == x[i]:
                continue
            d = dist[i, j]
            u_success = 2.0 - 4.0 * max(0.0, 0.5 - 0.5 * d) ** ri  # d <= 1 up to rounding
            u_failure = 2.0 - 4.0 * (0.5 + 0.5 * d) ** ri
            a = _expected_utility(prob[i, j], s[j], u_success, u_failure, u_status_quo, q)
            b = _expected_utility(prob[j, i], s[i], u_success, u_failure, u_status_quo, q)
            k = -1  # a = EU_i(i challenges j), b = EU_i(j challenges i)
            if b > a + EU_TIE and a > EU_TIE:
                k = 0
                pos = x[j]
                key = abs(x[i] - x[j])
            elif b > EU_TIE and a < -EU_TIE:
                if b > -a + EU_TIE:
                    k = 1
                    pos = x[i] + (x[j] - x[i]) * abs(a / b)
                    if least_change:
                        key = abs(pos - x[i])
                    else:  # the replication's key: a salience-free weighted average position
                        key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                elif capitulation and b < -a - EU_TIE:
                    k = 2
                    pos = x[j]
                    key = abs(x[i] - x[j])
            if k >= 0 and key < best_key[k] - key_tie:
                best_key[k] = key
                best_j[k] = j
                best_pos[k] = pos
                best_eu[k, 0] = a
                best_eu[k, 1] = b
        newx[i] = x[i]
        kind[i] = 0
        partner[i] = -1
        eu[i, 0] = np.nan
        eu[i, 1] = np.nan
        for k in range(3):
            if best_j[k] >= 0:
                newx[i] = best_pos[k]
                kind[i] = k + 1
                partner[i] = best_j[k]
                eu[i, 0] = best_eu[k, 0]
                eu[i, 1] = best_eu[k, 1]
                break


@nb.njit(cache=True)
def _repeats(traj, t, tol):
    """Index of an earlier state (before t - 1) within tol of state t, or -1."""
    n = traj.shape[1]
    for u in range(t - 1):
        same = True
        for a in range(n):
            if abs(traj[t, a] - traj[u, a]) > tol:
                same = False
                break
        if same:
            return u
    return -1


@nb.njit(cache=True)
def _summary(x, order, w):
    """Weighted mean and weighted median of one state, ``order`` sorting x.

    The median follows kingmaker.models.median's rule (tests hold them equal): the midpoint of
    the lowest position where the weight from below reaches half the total and the highest
    where the weight from above does (one position unless the split is even). In one dimension
    this is the position that beats every other in Scholz's pairwise scan (r = 1), or the
    middle of those that tie.
    """
    n = x.shape[0]
    total = 0.0
    moment = 0.0
    for k in range(n):
        total += w[k]
        moment += w[k] * x[k]
    reach = total / 2.0 * (1.0 - MEDIAN_TIE)
    low = x[order[0]]
    cum = 0.0
    for t in range(n):
        cum += w[order[t]]
        if w[order[t]] > 0.0 and cum >= reach:
            low = x[order[t]]
            break
    high = x[order[n - 1]]
    cum = 0.0
    for t in range(n - 1, -1, -1):
        cum += w[order[t]]
        if w[order[t]] > 0.0 and cum >= reach:
            high = x[order[t]]
            break
    return moment / total, (low + high) / 2.0


@nb.njit(cache=True)
def _run_row(
    traj,
    mean,
    median,
    risk,
    kind,
    partner,
    eu,
    t_start,
    t_end,
    w,
    s,
    span,
    q,
    tol,
    converge,
    pairwise,
    capitulation,
    least_change,
):
    """Advance one row from round t_start to t_end (or until it stops), writing the states
    after each round and their mean and median (also state 0's when t_start is 0).

    Returns (rounds run, status, cycle length); status is _RUNNING or an index of STOP_REASONS.
    """
    n = w.shape[0]
    dist = np.empty((n, n))
    power = np.empty((n, n))
    num = np.empty((n, n))
    prob = np.empty((n, n))
    danger = np.empty(n)
    r = np.empty(n)
    order = np.empty(n, dtype=np.int64)  # kept between rounds: the last order is a good start
    for k in range(n):
        order[k] = k
    best_key = np.empty(3)
    best_j = np.empty(3, dtype=np.int64)
    best_pos = np.empty(3)
    best_eu = np.empty((3, 2))
    _sort_order(traj[t_start], order)
    mean[t_start], median[t_start] = _summary(traj[t_start], order, w)
    for t in range(t_start, t_end):
        x = traj[t]
        _powers(x, span, r, True, dist, power)
        _vote_sums(x, w, power, num)
        _probabilities(x, num, pairwise, prob)
        _risk_exponents(dist, s, q, prob, danger, r)
        for k in range(n):
            risk[t, k] = r[k]
        _powers(x, span, r, False, dist, power)
        _vote_sums(x, w, power, num)
        _probabilities(x, num, pairwise, prob)
        _choose_moves(
            x,
            dist,
            s,
            r,
            span,
            q,
            prob,
            capitulation,
            least_change,
            best_key,
            best_j,
            best_pos,
            best_eu,
            traj[t + 1],
            kind[t],
            partner[t],
            eu[t],
        )
        _sort_order(traj[t + 1], order)
        mean[t + 1], median[t + 1] = _summary(traj[t + 1], order, w)
        if converge:
            change = 0.0
            for k in range(n):
                change = max(change, abs(traj[t + 1, k] - x[k]))
            if change <= tol:
                return t + 1, 1, 0
            u = _repeats(traj, t + 1, tol)
            if u >= 0:
                return t + 1, 2, t + 1 - u
    return t_end, _RUNNING, 0


@nb.njit(cache=True, nogil=True)
def _run_rows(
    rows,
    traj,
    mean,
    median,
    risk,
    kind,
    partner,
    eu,
    t_start,
    t_end,
    w,
    s,
    span,
    q,
    tol,
    converge,
    pairwise,
    capitulation,
    least_change,
    done,
    status,
    cycle,
):
    """Advance the listed rows; releases the GIL, so row chunks can run in threads."""
    for m in range(rows.shape[0]):
        i = rows[m]
        done[i], status[i], cycle[i] = _run_row(
            traj[i],
            mean[i],
            median[i],
            risk[i],
            kind[i],
            partner[i],
            eu[i],
            t_start,
            t_end,
            w[i],
            s[i],
            span[i],
            q,
            tol[i],
            converge,
            pairwise,
            capitulation,
            least_change,
        )


@nb.njit(cache=True)
def _hold(traj, mean, median, risk, kind, partner, eu, done):
    """After a row stopped, its state and summaries stay; no more offers or exponents."""
    for i in range(traj.shape[0]):
        d = done[i]
        for t in range(d + 1, traj.shape[1]):
            mean[i, t] = mean[i, d]
            median[i, t] = median[i, d]
            for k in range(traj.shape[2]):
                traj[i, t, k] = traj[i, d, k]
        for t in range(d, risk.shape[1]):
            for k in range(traj.shape[2]):
                risk[i, t, k] = np.nan
                kind[i, t, k] = 0
                partner[i, t, k] = -1
                eu[i, t, k, 0] = np.nan
                eu[i, t, k, 1] = np.nan


# ---------------------------------------------------------------------------------------------
# batched driver


def _in_threads(fn, rows: np.ndarray, args: tuple, work: int, threads: int) -> None:
    """fn(rows_chunk, *args) over contiguous chunks of rows, on up to ``threads`` threads when
    the work (about rows x n^2 x rounds) is worth it. Rows are independent and write disjoint
    parts of the outputs, so the results do not depend on the number of threads."""
    k = min(threads, rows.size, max(1, work // _WORK_PER_THREAD))
    if k <= 1:
        fn(rows, *args)
        return
    with ThreadPoolExecutor(max_workers=k) as pool:
        for f in [pool.submit(fn, chunk, *args) for chunk in np.array_split(rows, k)]:
            f.result()


def _extend(a: np.ndarray, length: int) -> np.ndarray:
    """``a`` with its round axis (axis 1) extended to ``length`` (new entries unset)."""
    out = np.empty((a.shape[0], length, *a.shape[2:]), dtype=a.dtype)
    out[:, : a.shape[1]] = a
    return out


def simulate(
    capability, position, salience, lo, hi, params: Params, threads: int = 1
) -> IssueOutput:
    """Run the model on R rows of n actors ((R, n) arrays, (R,) scale bounds), on up to
    ``threads`` threads."""
    pos = np.ascontiguousarray(position, dtype=float)
    R, n = pos.shape
    w = np.ascontiguousarray(
        effective_weights(np.asarray(capability, float), np.asarray(salience, float))
    )
    s = np.ascontiguousarray(salience, dtype=float)
    span = pos.max(axis=1) - pos.min(axis=1) if n else np.zeros(R)
    span = np.where(span > 0, span, 1.0)  # all positions equal: nothing to compare, no 0/0
    width = np.asarray(hi, float) - np.asarray(lo, float)
    tol = params.tolerance * np.where(width > 0, width, span)
    converge = params.stopping == "converge"

    T = params.rounds if not converge else min(params.rounds, _FIRST_BLOCK)
    traj = np.empty((R, T + 1, n))
    traj[:, 0] = pos
    mean, median = np.empty((R, T + 1)), np.empty((R, T + 1))
    risk, eu = np.empty((R, T, n)), np.empty((R, T, n, 2))
    kind, partner = np.empty((R, T, n), dtype=np.int8), np.empty((R, T, n), dtype=np.int32)
    done = np.zeros(R, dtype=np.int64)
    status = np.full(R, _RUNNING, dtype=np.int64)
    cycle = np.zeros(R, dtype=np.int64)
    rows = np.arange(R)
    t_start = 0
    while True:
        args = (
            traj,
            mean,
            median,
            risk,
            kind,
            partner,
            eu,
            t_start,
            T,
            w,
            s,
            span,
            params.q,
            tol,
            converge,
            params.pairwise_probability,
            params.capitulation,
            params.least_change,
            done,
            status,
            cycle,
        )
        work = rows.size * n * n * max(1, T - t_start)
        _in_threads(_run_rows, rows, args, work, threads)
        rows = rows[status[rows] == _RUNNING]
        if not rows.size or T == params.rounds:
            break
        t_start, T = T, min(params.rounds, 2 * T)
        traj, mean, median = _extend(traj, T + 1), _extend(mean, T + 1), _extend(median, T + 1)
        risk, eu, kind, partner = (_extend(a, T) for a in (risk, eu, kind, partner))
    T = int(done.max()) if R else 0
    traj, mean, median = traj[:, : T + 1], mean[:, : T + 1], median[:, : T + 1]
    risk, eu, kind, partner = risk[:, :T], eu[:, :T], kind[:, :T], partner[:, :T]
    _hold(traj, mean, median, risk, kind, partner, eu, done)

    if converge:
        converged = status == 1
    else:
        last = np.abs(traj[:, -1] - traj[:, -2]).max(axis=1) if T and n else np.full(R, np.inf)
        converged = (done > 0) & (last <= tol)
    reason = np.asarray(STOP_REASONS, dtype=object)[np.where(status == _RUNNING, 0, status)]
    return IssueOutput(
        forecast=median[:, -1].copy(),
        trajectory=traj,
        rounds=done,
        converged=converged,
        stop_reason=reason,
        extras={
            "mean": mean,
            "median": median,
            "risk": risk,
            "move_kind": kind,
            "move_partner": partner,
            "move_eu": eu,
            "cycle_length": cycle,
        },
    )


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
    return simulate(capability, position, salience, lo, hi, params, threads)


MODEL = ModelSpec(
    name="eum",
    title="Expected utility (Bueno de Mesquita)",
    summary="challenges, offers and moves round by round; forecast: the final round's median",
    scope="issue",
    params=Params,
    kernel=kernel,
    dynamic=True,
    reference="Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011",
)
