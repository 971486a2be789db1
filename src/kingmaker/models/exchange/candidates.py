"""The exchanges possible at the start of a round, for every draw of a batch.

Two actors can exchange on two issues when they stand on opposite sides of the outcome on both
(an actor exactly at the outcome counts as on its left, as in decide-exchange-model). The actor
with the higher ratio s_P / s_Q of saliences on the pair (P, Q), P before Q in input order,
demands P and supplies Q (actor A); the other (B) demands Q and supplies P. An exchange needs
both suppliers to carry weight (capability x salience > 0) on the issue they supply, and both
issues to have weight at all.

Exchanges are enumerated in the reference's order (issue pairs in input order; within a pair
the pairs of actors on sides (right, right)-(left, left), then (left, right)-(right, left),
each by the input order of the first and then the second actor): ``order`` holds that rank as a
number, which decides between equal gains. Arrays are padded to (B, F), F the largest count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Tolerance for comparisons that are exact in the reference's 28-digit decimals.
EPS = 1e-9
#: Columns of :attr:`Candidates.fixed`, numbers that stay put during a round.
FIXED = (
    "t_a",
    "t_b",
    "x0_a",
    "x0_b",
    "w_a",
    "w_b",
    "W_a",
    "W_b",
    "S_a",
    "S_b",
    "s_ap",
    "s_aq",
    "s_bp",
    "s_bq",
    "rate",
)
F_ = {name: k for k, name in enumerate(FIXED)}


@dataclass(frozen=True, eq=False)
class Candidates:
    """The round's exchanges: ``exists`` (B, F) marks real ones (the rest is padding).

    ``a``/``b`` are the actors (A supplies issue ``q``, B supplies ``p``); ``order`` is the
    reference's listing rank; ``fixed`` (B, F, len(FIXED)) the numbers named in FIXED (leg A's
    target t_a = B's position on q, leg B's t_b = A's position on p, ...; ``rate`` is the
    equal-gain rate).
    """

    exists: np.ndarray
    a: np.ndarray
    b: np.ndarray
    p: np.ndarray
    q: np.ndarray
    order: np.ndarray
    fixed: np.ndarray

    @property
    def size(self) -> int:
        return self.exists.shape[1]

    def column(self, name: str) -> np.ndarray:
        return self.fixed[..., F_[name]]


@lru_cache(maxsize=16)
def _pairs(n: int, m: int) -> tuple[np.ndarray, ...]:
    """Every (issue pair, actor pair): pair rank, P, Q, first actor k, second actor l (k < l)."""
    iss = [(i, j) for i in range(m) for j in range(i + 1, m)]
    act = [(k, q) for k in range(n) for q in range(k + 1, n)]
    rank = np.repeat(np.arange(len(iss)), len(act))
    P = np.repeat(np.array([i for i, _ in iss], dtype=np.intp), len(act))
    Q = np.repeat(np.array([j for _, j in iss], dtype=np.intp), len(act))
    K = np.tile(np.array([k for k, _ in act], dtype=np.intp), len(iss))
    L = np.tile(np.array([q for _, q in act], dtype=np.intp), len(iss))
    return rank, P, Q, K, L


def outcomes(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Capability x salience weighted mean per issue (B, m); the plain mean where no weight."""
    W = w.sum(axis=1)
    xs = np.where(present, x, 0.0)
    weighted = (w * xs).sum(axis=1)
    plain = xs.sum(axis=1) / np.maximum(present.sum(axis=0), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(W > 0, weighted / np.where(W > 0, W, 1.0), plain)


def round_candidates(
    x: np.ndarray, w: np.ndarray, s: np.ndarray, present: np.ndarray, active: np.ndarray
) -> Candidates:
    """The exchanges possible from positions x (B, n, m) on the 0-100 scale.

    ``w`` = capability x salience and ``s`` = salience (zero where absent); ``active`` (B,)
    marks draws still running (others get none).
    """
    B, n, m = x.shape
    rank, P, Q, K, L = _pairs(n, m)
    W = w.sum(axis=1)  # (B, m)
    xs = np.where(present, x, 0.0)
    S = (w * xs).sum(axis=1)
    left = xs <= outcomes(x, w, present)[:, None, :] + EPS  # (B, n, m)

    ok = present[K, P] & present[K, Q] & present[L, P] & present[L, Q]
    lk_p, lk_q, ll_p, ll_q = left[:, K, P], left[:, K, Q], left[:, L, P], left[:, L, Q]
    feasible = (
        ok & (lk_p != ll_p) & (lk_q != ll_q) & (W[:, P] > 0) & (W[:, Q] > 0) & active[:, None]
    )
    # the reference lists the actor right of the outcome on Q first
    first = np.where(lk_q, L, K)
    second = np.where(lk_q, K, L)
    bb = np.arange(B)[:, None]
    block = left[bb, first, P]
    order = (((rank * 2 + block) * n + first) * n + second).astype(np.float64)
    # A demands P: the higher salience ratio s_P / s_Q (cross-multiplied; ties give no gain)
    lhs, rhs = s[bb, first, P] * s[bb, second, Q], s[bb, second, P] * s[bb, first, Q]
    second_demands_p = lhs < rhs - EPS * np.abs(rhs)
    A = np.where(second_demands_p, second, first)
    Bn = np.where(second_demands_p, first, second)
    feasible &= (w[bb, A, Q] > 0) & (w[bb, Bn, P] > 0)

    counts = feasible.sum(axis=1)
    F = int(counts.max()) if B else 0
    idx = np.argsort(~feasible, axis=1, kind="stable")[:, :F]

    def take(arr):
        return np.take_along_axis(np.broadcast_to(arr, feasible.shape), idx, axis=1)

    exists = take(feasible)
    a, b, p, q = take(A), take(Bn), take(P), take(Q)
    fixed = np.empty((B, F, len(FIXED)))
    col = {name: fixed[..., k] for k, name in enumerate(FIXED)}
    col["t_a"][:] = xs[bb, b, q]
    col["t_b"][:] = xs[bb, a, p]
    col["x0_a"][:] = xs[bb, a, q]
    col["x0_b"][:] = xs[bb, b, p]
    col["w_a"][:] = w[bb, a, q]
    col["w_b"][:] = w[bb, b, p]
    col["W_a"][:] = W[bb, q]
    col["W_b"][:] = W[bb, p]
    col["S_a"][:] = S[bb, q]
    col["S_b"][:] = S[bb, p]
    col["s_ap"][:] = s[bb, a, p]
    col["s_aq"][:] = s[bb, a, q]
    col["s_bp"][:] = s[bb, b, p]
    col["s_bq"][:] = s[bb, b, q]
    with np.errstate(invalid="ignore", divide="ignore"):
        col["rate"][:] = (col["s_ap"] + col["s_bp"]) / (col["s_aq"] + col["s_bq"])
    # padding: harmless numbers so that arithmetic on it stays finite
    fixed[~exists] = 1.0
    return Candidates(exists=exists, a=a, b=b, p=p, q=q, order=take(order), fixed=fixed)
