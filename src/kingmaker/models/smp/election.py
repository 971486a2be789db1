"""Votes, coalitions and probabilistic Condorcet elections, as KTAB's ``Model`` computes them.

Everything is batched over leading axes. Options can be masked with ``valid`` (padding when
rows compare different numbers of options); masked options never influence valid ones.
Operations follow KTAB's order (see :mod:`.ordered`), so results agree to the last bit.

Orientation matters for asymmetric rules: KTAB computes the vote on (i, j) for i > j only and
credits a negative vote to j's coalition. :func:`coalitions` and :func:`victory_matrix` do the
same.
"""

from __future__ import annotations

import numpy as np

from .ordered import prod_last, sum_axis, sum_first, sum_last

MIN_COALITION = 1e-8  # KTAB Model::coalitions
BINARY_SLOPE = 1e-8  # utility difference that earns a full binary vote
MARKOV_INCENTIVE_TOL = 1e-8
MARKOV_UNIFORM_TOL = 1e-6
MARKOV_MAX_ITER = 100_000


def vote(rule: str, w, ua, ub) -> np.ndarray:
    """Influence actor(s) of weight ``w`` exert for option a over b (KTAB Model::vote)."""
    du = np.subtract(ua, ub)
    if rule == "proportional":
        return w * du
    if rule in ("binary", "prop_bin"):
        rbin = np.clip(du / BINARY_SLOPE, -1.0, 1.0)
        if rule == "binary":
            return w * rbin
        return w * ((1 - 0.2) * du + 0.2 * rbin)
    if rule == "prop_cubic":
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == "cubic":
        return w * (du * du * du)
    if rule == "asym_prospect":
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def _lower(n: int) -> np.ndarray:
    return np.tril(np.ones((n, n), dtype=bool), -1)


def pair_coalitions(rule: str, w: np.ndarray, u: np.ndarray, first: tuple, second: tuple):
    """Coalition strengths (a over b, b over a) for pairs of options.

    ``w`` (K, ...) and ``u`` (K, ...) give voter k's weight and utilities; ``u[k][first]`` and
    ``u[k][second]`` are k's utilities of the pairs' options a and b. KTAB adds each voter's
    positive vote, voter after voter, to 1e-8; a negative vote counts for b. One voter at a
    time keeps the working arrays small.
    """
    k_count = u.shape[0]
    shape = (
        np.broadcast_shapes(w.shape[1:], u[0][first].shape)
        if k_count
        else u[(slice(None), *first)].shape[1:]
    )
    c_ab = np.full(shape, MIN_COALITION)
    c_ba = np.full(shape, MIN_COALITION)
    for k in range(k_count):
        v = vote(rule, w[k], u[k][first], u[k][second])
        c_ab += np.maximum(v, 0.0)
        c_ba -= np.minimum(v, 0.0)
    return c_ab, c_ba


def coalitions(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """C[..., a, b]: strength of the coalition for option a over b (KTAB Model::coalitions).

    ``w`` (..., K) voter weights, ``u`` (..., K, O) each voter's utility of each option.
    Votes are taken for a > b; the diagonal stays 1e-8.
    """
    *lead, k_count, n_opt = u.shape
    out = np.full((*lead, n_opt, n_opt), MIN_COALITION)
    hi, lo = np.nonzero(_lower(n_opt))
    if len(hi) == 0:
        return out
    u_k = np.moveaxis(u, -2, 0)  # (K, ..., O)
    w_k = np.moveaxis(np.broadcast_to(w, (*lead, k_count)), -1, 0)[..., None]
    c_ab, c_ba = pair_coalitions(rule, w_k, u_k, (Ellipsis, hi), (Ellipsis, lo))
    out[..., hi, lo] = c_ab
    out[..., lo, hi] = c_ba
    return out


def _odds(model: str, s1: np.ndarray, s2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if model == "linear":
        return s1, s2
    if model == "square":
        return s1 * s1, s2 * s2
    if model in ("quartic", "octic"):
        x1, x2 = s1 * s1 * s1 * s1, s2 * s2 * s2 * s2
        return (x1, x2) if model == "quartic" else (x1 * x1, x2 * x2)
    if model == "binary":
        thresh = 1.10
        with np.errstate(invalid="ignore", divide="ignore"):
            p12 = (s1 / (s1 + s2) * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, 1e-6, p12))
        x2 = np.where(s1 >= thresh * s2, 1e-6, np.where(s2 >= thresh * s1, 1.0, 1 - p12))
        return x1, x2
    raise ValueError(f"unknown victory probability model {model!r}")


def victory_matrix(model: str, c: np.ndarray) -> np.ndarray:
    """P[..., a, b] = probability that option a beats b, from coalition strengths."""
    n = c.shape[-1]
    x1, x2 = _odds(model, c, np.swapaxes(c, -1, -2))
    total = x1 + x2
    p1, p2 = x1 / total, x2 / total
    p = np.where(_lower(n), p1, np.swapaxes(p2, -1, -2))
    idx = np.arange(n)
    p[..., idx, idx] = 0.5
    return p


def conditional_pce(pv: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Probability that each option beats all others, given that one does (KTAB condPCE)."""
    if valid is not None:
        pv = np.where(valid[..., None, :], pv, 1.0)
    p = prod_last(pv)
    if valid is not None:
        p = np.where(valid, p, 0.0)
    return p / sum_last(p)[..., None]


def _initial(valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = valid.sum(axis=-1, keepdims=True).astype(np.float64)
    return np.where(valid, 1.0 / count, 0.0), count


def _leading(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` with ``axis`` moved first (contiguous, for the Markov loops' repeated use)."""
    return np.ascontiguousarray(np.moveaxis(x, axis, 0))


def _iterate(p: np.ndarray, update, tol: float) -> np.ndarray:
    """KTAB's Markov loop: q = update(p); change = max |q - p|; p = (p + q) / 2; repeat while
    change > tol. Rows stop on their own; a stopped row keeps its p."""
    active = np.ones(p.shape[:-1], dtype=bool)
    for _ in range(MARKOV_MAX_ITER):
        q = update(p)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= tol < change
        if not active.any():
            break
    return p


def markov_uniform_pce(pv: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Markov chain where every option challenges with equal probability (KTAB)."""
    p, count = _initial(valid)
    pv_j = _leading(np.where(valid[..., None, :] & valid[..., :, None], pv, 0.0), -1)

    def update(p):  # q_i = sum_j pv(i, j) (p_i + p_j) / n
        return sum_first(pv_j * (p[None] + _leading(p, -1)[..., None])) / count

    return _iterate(p, update, MARKOV_UNIFORM_TOL)


def markov_incentive_pce(c: np.ndarray, pv: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Markov chain where challenges come in proportion to the incentive to make them (KTAB)."""
    n = c.shape[-1]
    both = valid[..., None, :] & valid[..., :, None]
    incentive = c * pv
    idx = np.arange(n)
    incentive[..., idx, idx] += 1e-10
    incentive = np.where(both, incentive, 0.0)
    column = sum_axis(incentive, -2)  # sum over the challenger k, in order
    with np.errstate(invalid="ignore", divide="ignore"):
        challenge = np.where(both, incentive / column[..., None, :], 0.0)
    pv_j = _leading(np.where(both, pv, 0.0), -1)  # [j, ..., i] = pv(i, j)
    c_ji = _leading(challenge, -2)  # [j, ..., i] = P(j challenges i)
    c_ij = _leading(challenge, -1)  # [j, ..., i] = P(i challenges j)
    p, _ = _initial(valid)

    def update(p):  # q_i = sum_j pv(i, j) (p_i cp(j, i) + p_j cp(i, j))
        return sum_first(pv_j * (p[None] * c_ji + _leading(p, -1)[..., None] * c_ij))

    return _iterate(p, update, MARKOV_INCENTIVE_TOL)


def election(pce: str, vpm: str, c: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Outcome probabilities of the options from coalition strengths (KTAB probCE2)."""
    pv = victory_matrix(vpm, c)
    if pce == "conditional":
        return conditional_pce(pv, valid)
    if valid is None:
        valid = np.ones(c.shape[:-1], dtype=bool)
    if pce == "markov_uniform":
        return markov_uniform_pce(pv, valid)
    if pce == "markov_incentive":
        return markov_incentive_pce(c, pv, valid)
    raise ValueError(f"unknown PCE model {pce!r}")


def scalar_pce(
    rule: str, vpm: str, pce: str, w: np.ndarray, u: np.ndarray, valid: np.ndarray | None = None
) -> np.ndarray:
    """Probabilities of options given voters' weights and utilities (KTAB scalarPCE)."""
    return election(pce, vpm, coalitions(rule, w, u), valid)


def risk_attitudes(p: np.ndarray, big_r_range: str) -> np.ndarray:
    """Risk attitude of each actor from its position's probability (KTAB bigRfromProb).

    The most likely position is the most risk-averse. If every probability is equal KTAB
    divides 0 by 0; Kingmaker calls everyone risk neutral (0).
    """
    p_min = np.minimum(1.0, p.min(axis=-1, keepdims=True))
    p_max = np.maximum(0.0, p.max(axis=-1, keepdims=True))
    span = p_max - p_min
    safe = np.where(span > 0, span, 1.0)
    if big_r_range == "min":
        r = (p - p_min) / safe
    elif big_r_range == "mid":
        r = (3 * p - (p_max + 2 * p_min)) / (2 * safe)
    elif big_r_range == "max":
        r = (2 * p - (p_max + p_min)) / safe
    else:
        raise ValueError(f"unknown big-R range {big_r_range!r}")
    return np.where(span > 0, r, 0.0)


def estimated_risk(r_h: np.ndarray, r_i: np.ndarray, adjust: str) -> np.ndarray:
    """h's estimate of i's risk attitude (KTAB Model::estNRA)."""
    if adjust == "full":
        return r_i + 0.0 * r_h
    if adjust == "two_thirds":
        return (r_h + (2.0 * r_i)) / 3.0
    if adjust == "half":
        return (r_h + r_i) / 2
    if adjust == "one_third":
        return ((2.0 * r_h) + r_i) / 3.0
    if adjust == "none":
        return r_h + 0.0 * r_i
    raise ValueError(f"unknown big-R adjustment {adjust!r}")


def utility(distance: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """Utility of a salience-weighted distance in [0, 1] for risk attitude R (KTAB bsUtil)."""
    if np.all(distance <= 1):
        return (1 - distance) * (1 + distance * risk)
    return np.where(
        distance <= 1, (1 - distance) * (1 + distance * risk), (1 - distance) * (1 + risk)
    )
