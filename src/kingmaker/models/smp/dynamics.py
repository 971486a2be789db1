"""One SMP run, turn after turn, on rows of independent draws (KTAB's SMPState::stepBCN).

Arrays are on KTAB's internal scale: positions in [0, 1], saliences in [0, 1] with each actor's
saliences adding up to at most 1, capabilities > 0. Rows (draws, or issues run one at a time)
are independent and run in lockstep; a row that meets the stopping rule is frozen.

A turn, as KTAB does it:

1. **Assess the state.** vDiff(i, j): distance from i's ideal to j's position, weighted by
   i's saliences. Risk-neutral utilities give coalitions and a probabilistic Condorcet
   election; the probabilities give each actor's risk attitude R_i. U^h(i, j): h's estimate
   of i's utility for j's position, using h's estimate of R_i (BigRAdjust).
2. **Challenges.** Each i estimates, for every j, the chance that i beats j (coalitions of
   i, j and third parties who each judge a little three-actor contest, with commitment
   ThirdPartyCommit) and its expected gain over the status quo; i targets the j with the
   largest gain above 1e-5, if any.
3. **Bargains.** i proposes new positions for both, interpolated with saliences and the victory
   probability (InterVecBrgn) and rounded to 4 decimals; BargnModel says whose perspective.
4. **Resolution.** Every actor has a queue: its status quo and every bargain it is party to.
   All actors vote over each queue (utility of the resulting state, averaged over actors);
   the actor adopts the most probable bargain (deterministic) or draws one (stochastic).
5. **Ideals** move toward positions by the accommodation matrix (identity: ideal = position).
6. **Stop** when the turn count reaches ``rounds``, or from ``min_rounds`` on, when a turn's
   total movement is below ``min_delta_ratio`` of the first turn's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .election import (
    MIN_COALITION,
    election,
    estimated_risk,
    pair_coalitions,
    risk_attitudes,
    scalar_pce,
    utility,
    vote,
)
from .ordered import accumulate, sum_first, sum_last
from .params import Params

MIN_CONTRIBUTION = 1e-10  # KTAB minCltn: empty coalitions in a contest
MIN_GAIN = 1e-5  # KTAB minSigEDU: smallest expected gain worth a challenge
MIN_WEIGHT = 1e-6  # KTAB minW in bargain interpolation
ROW_BUDGET = 3_000_000  # rows x actors^3 held at once


@dataclass(frozen=True, eq=False)
class Assessment:
    """What KTAB computes for a state before anyone moves."""

    risk: np.ndarray  # (R, n)
    util_t: np.ndarray  # (a, R, h, b) = U^h(a, b), leading axis a for ordered sums
    own: np.ndarray  # (R, a, b) = U^a(a, b)
    unique: np.ndarray  # (R, n) bool: position is the first of its equivalence class
    probability: np.ndarray  # (R, n): probability of each unique position (0 elsewhere)
    position_probability: np.ndarray  # (R, n): probability of each actor's position


@dataclass(frozen=True, eq=False)
class Run:
    """Per-row history of a run; per-turn arrays have T = the longest run's turns."""

    positions: np.ndarray  # (R, T+1, n, d)
    position_probability: np.ndarray  # (R, T+1, n)
    risk: np.ndarray  # (R, T+1, n)
    fractional_change: np.ndarray  # (R, T)
    turns: np.ndarray  # (R,)
    quiet: np.ndarray  # (R,) stopped because movement became small
    target: np.ndarray  # (R, T, n) int, -1 when no challenge
    gain: np.ndarray  # (R, T, n) expected gain of the challenge
    win_probability: np.ndarray  # (R, T, n) challenger's estimate that it wins
    proposals: np.ndarray  # (R, T, n, K, 2, d) bargains proposed by each initiator
    adopted: np.ndarray  # (R, T, n, 2) int: (initiator, receiver) adopted; -1 status quo
    expected: np.ndarray  # (R, d) final state's expected position
    most_probable: np.ndarray  # (R, d) final state's most probable position


def weighted_distance(
    ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray, sal_sq: np.ndarray
) -> np.ndarray:
    """KTAB bvDiff for every (ideal i, position j): sqrt(sum (d s)^2 / sum s^2), in order.

    ``ideal`` (R, i, d) or (R, i, P, d) with ``pos`` broadcastable; ``sal`` (R, i, d).
    """
    acc = None
    extra = ideal.ndim - sal.ndim
    for k in range(sal.shape[-1]):
        s = sal[..., k].reshape(sal.shape[:-1] + (1,) * extra)
        ds = (ideal[..., k] - pos[..., k]) * s
        acc = ds * ds if acc is None else acc + ds * ds
    return np.sqrt(acc / sal_sq.reshape(sal_sq.shape + (1,) * extra))


def _norms(diff: np.ndarray) -> np.ndarray:
    acc: np.ndarray | None = None
    for k in range(diff.shape[-1]):
        sq = diff[..., k] * diff[..., k]
        acc = sq if acc is None else acc + sq
    assert acc is not None  # positions have at least one dimension
    return np.sqrt(acc)


def assess(cap, sal, sal_sq, pos, ideal, params: Params) -> Assessment:
    """Distances, risk attitudes, every perspective's utilities and outcome probabilities."""
    rows, n, _ = pos.shape
    distance = weighted_distance(ideal[:, :, None, :], pos[:, None, :, :], sal, sal_sq)
    neutral = utility(distance, 0.0)
    p_risk = scalar_pce(params.voting_rule, params.victory_probability, params.pce, cap, neutral)
    risk = risk_attitudes(p_risk, params.big_r_range)
    r_hat = estimated_risk(risk[:, :, None], risk[:, None, :], params.big_r_adjust)  # (R,h,a)
    util_t = utility(
        distance.transpose(1, 0, 2)[:, :, None, :], r_hat.transpose(2, 0, 1)[..., None]
    )  # (a, R, h, b)
    idx = np.arange(n)
    own = util_t[idx, :, idx, :].transpose(1, 0, 2)  # (R, a, b)

    # unique positions (KTAB ueIndices over equivNdx) and their probabilities (pDist)
    same = _norms(pos[:, :, None, :] - pos[:, None, :, :]) < params.position_tolerance
    unique = np.zeros((rows, n), dtype=bool)
    for i in range(n):
        unique[:, i] = ~(same[:, i, :i] & unique[:, :i]).any(axis=1)
    probability = scalar_pce(
        params.voting_rule, params.victory_probability, params.pce, cap, own, valid=unique
    )
    # an actor's position takes the probability of the last unique position equivalent to it
    slot = np.where(same & unique[:, None, :], idx, -1).max(axis=2)
    position_probability = np.take_along_axis(probability, slot, axis=1)
    return Assessment(
        risk, np.ascontiguousarray(util_t), own, unique, probability, position_probability
    )


def third_party_vote(rule: str, commit: str, w, p_i, p_j, u_i, u_j, u_own) -> np.ndarray:
    """Vote of a third party between joining i against j or j against i (KTAB SU model).

    The terms are sums of three utilities of the positions the contest could leave (i's or
    j's, or the third party's own when it is not committed to the side it joins).
    """
    two_i, two_j = u_i + u_i, u_j + u_j
    if commit == "full":
        a = c = two_i + u_i
        b = d = two_j + u_j
    elif commit == "semi":
        a, b, c, d = two_i + u_own, two_j + u_j, two_i + u_i, two_j + u_own
    else:
        a = c = two_i + u_own
        b = d = two_j + u_own
    return vote(rule, w, (p_i * a) + (p_j * b), (p_i * c) + (p_j * d))


def contest(params: Params, w_i, w_j, s_j, uii, uij, uji, ujj, uki, ukj, third):
    """h's estimate that i beats j, and k's expected gain from i challenging j (probEduChlg).

    u.. are h's utilities: uii = U^h(i, i) etc., uki/ukj = U^h(k, i), U^h(k, j). ``third``
    yields, for each third party n in order, (w_n, U^h(n, i), U^h(n, j), U^h(n, n), valid);
    ``valid`` is False where n is i or j.
    """
    rule = params.voting_rule
    con_i = vote(rule, w_i, uii, uij)
    con_j = vote(rule, w_j, uji, ujj)
    c_ij = np.where(con_i > 0.0, MIN_CONTRIBUTION + con_i, MIN_CONTRIBUTION)
    c_ji = np.where(con_i < 0.0, MIN_CONTRIBUTION - con_i, MIN_CONTRIBUTION)
    c_ij = np.where(con_j > 0.0, c_ij + con_j, c_ij)
    c_ji = np.where(con_j < 0.0, c_ji - con_j, c_ji)
    ch_ij, ch_ji = c_ij.copy(), c_ji.copy()
    for w_n, u_ni, u_nj, u_nn, valid in third:
        # n judges the little contest of i and j with its own vote added (KTAB vProbLittle);
        # adding 0.0 where KTAB adds nothing leaves the sums unchanged, bit for bit
        con_n = vote(rule, w_n, u_ni, u_nj)
        side_i = c_ij + np.maximum(con_n, 0.0)
        side_j = c_ji - np.minimum(con_n, 0.0)
        p_in = side_i / (side_i + side_j)
        v = third_party_vote(
            rule, params.third_party_commit, w_n, p_in, 1.0 - p_in, u_ni, u_nj, u_nn
        )
        v = np.where(valid, v, 0.0)
        ch_ij += np.maximum(v, 0.0)  # third party after third party, as KTAB
        ch_ji -= np.minimum(v, 0.0)
    p_ij = ch_ij / (ch_ij + ch_ji)
    p_ji = ch_ji / (ch_ij + ch_ji)
    win, lose = uki + uki, ukj + ukj
    contested = p_ij * win + p_ji * lose
    challenge = (1 - s_j) * win + s_j * contested
    return p_ij, challenge - (uki + ukj)


def _round4(x: np.ndarray) -> np.ndarray:
    return np.trunc(0.5 + (x * 10000.0)) / 10000.0


def interpolate(kind: str, t_i, s_i, p_i, t_j, s_j, p_j) -> tuple[np.ndarray, np.ndarray]:
    """New positions for initiator and receiver (KTAB interpBrgnSnPm / interpBrgnS2PMax)."""
    if kind in ("s1p1", "s2p2"):
        if kind == "s2p2":
            s_i, s_j, p_i, p_j = s_i * s_i, s_j * s_j, p_i * p_i, p_j * p_j
        w_i = s_i * p_i
        w_j = s_j * p_j
        total = w_i + MIN_WEIGHT + w_j
        b_i = _round4(((w_i + MIN_WEIGHT) * t_i + w_j * t_j) / total)
        b_j = _round4((w_i * t_i + (MIN_WEIGHT + w_j) * t_j) / total)
        return b_i, b_j
    d_i = np.where(p_j > p_i, p_j - p_i, 0.0)
    d_j = np.where(p_i > p_j, p_i - p_j, 0.0)
    si2, sj2 = s_i * s_i, s_j * s_j
    f_i = (d_i * sj2) / ((d_i * sj2) + MIN_WEIGHT + ((1 - d_i) * si2))
    f_j = (d_j * si2) / ((d_j * si2) + MIN_WEIGHT + ((1 - d_j) * sj2))
    return t_i + f_i * (t_j - t_i), t_j + f_j * (t_i - t_j)


class _Turn:
    """One turn's computation for the active rows (kept together to share the assessment)."""

    def __init__(self, params: Params, cap, sal, sal_sq, s_tot, pos, ideal, a: Assessment):
        self.p = params
        self.cap, self.sal, self.sal_sq, self.s_tot = cap, sal, sal_sq, s_tot
        self.pos, self.ideal, self.a = pos, ideal, a
        self.rows, self.n, self.d = pos.shape
        self.weight = s_tot * cap  # KTAB: sum(vSal) * sCap

    # ---- challenges
    def challenges(self):
        r, n = self.rows, self.n
        ut = self.a.util_t
        idx = np.arange(n)
        diag_hb = ut[:, :, idx, idx]  # (a, R, h): U^h(a, h)
        diag_ab = ut[idx, :, :, idx]  # (a, R, h): U^h(a, a)
        own = self.a.own
        uii = np.diagonal(own, axis1=1, axis2=2)[:, :, None]  # (R, i, 1)
        uij = own  # U^i(i, j)
        uji = diag_hb.transpose(1, 2, 0)  # U^i(j, i) -> (R, i, j)
        ujj = diag_ab.transpose(1, 2, 0)  # U^i(j, j)
        w = self.weight
        not_self = idx[:, None] != idx[None, :]

        def third():
            for m in range(n):
                valid = (m != idx[:, None]) & (m != idx[None, :])
                yield (
                    w[:, m, None, None],
                    diag_hb[m][..., None],
                    ut[m],
                    diag_ab[m][..., None],
                    valid,
                )

        p_win, gain = contest(
            self.p,
            w[:, :, None],
            w[:, None, :],
            self.s_tot[:, None, :],
            uii,
            uij,
            uji,
            ujj,
            uii,
            uij,
            third(),
        )
        eligible = (MIN_GAIN < gain) & not_self
        masked = np.where(eligible, gain, -np.inf)
        target = masked.argmax(axis=2)
        has = eligible.any(axis=2)
        rows = np.arange(r)[:, None]
        best = np.where(has, masked[rows, idx, target], np.nan)
        prob = np.where(has, p_win[rows, idx, target], np.nan)
        return np.where(has, target, -1), best, prob

    def receiver_view(self, target):
        """j's estimate of i's gain from challenging j (KTAB passes it as a probability)."""
        r, n = self.rows, self.n
        ut = self.a.util_t
        rr = np.arange(r)[:, None]
        i = np.arange(n)[None, :]
        j = np.maximum(target, 0)
        uii = ut[i, rr, j, i]
        uij = ut[i, rr, j, j]
        uji = ut[j, rr, j, i]
        ujj = ut[j, rr, j, j]
        w = self.weight

        def third():
            for m in range(n):
                yield (
                    w[:, m, None],
                    ut[m, rr, j, i],
                    ut[m, rr, j, j],
                    ut[m, rr, j, m],
                    (m != i) & (m != j),
                )

        _, gain = contest(
            self.p,
            w,
            np.take_along_axis(w, j, 1),
            np.take_along_axis(self.s_tot, j, 1),
            uii,
            uij,
            uji,
            ujj,
            uii,
            uij,
            third(),
        )
        return gain

    # ---- bargains
    def proposals(self, target, p_win):
        """(K, R, n, 2, d) proposed positions for (initiator, receiver); NaN without target."""
        rr = np.arange(self.rows)[:, None]
        j = np.maximum(target, 0)
        t_i, s_i = self.pos, self.sal
        t_j, s_j = self.pos[rr, j], self.sal[rr, j]
        kind = self.p.bargain_interpolation
        p_i = p_win[..., None]
        first = interpolate(kind, t_i, s_i, p_i, t_j, s_j, 1 - p_i)
        model = self.p.bargain_model
        if model == "init_only":
            out = [first]
        else:
            q = self.receiver_view(target)[..., None]
            second = interpolate(kind, t_i, s_i, q, t_j, s_j, 1 - q)
            if model == "init_rcvr":
                out = [first, second]
            else:
                cap_i = self.cap[..., None]
                w_i = cap_i * self.s_tot[..., None]
                w_j = cap_i * np.take_along_axis(self.s_tot, j, 1)[..., None]
                out = [
                    (
                        (w_i * first[0] + w_j * second[0]) / (w_i + w_j),
                        (w_i * first[1] + w_j * second[1]) / (w_i + w_j),
                    )
                ]
        arr = np.stack([np.stack(pair, axis=2) for pair in out])  # (K, R, n, 2, d)
        return np.where((target >= 0)[None, :, :, None, None], arr, np.nan)

    def bargain_utility(self, init, rcvr, pos_i, pos_r):
        """Average over actors of a's utility after the bargain (KTAB brgnStateUtil).

        ``init``/``rcvr`` (R, P) actor indices, ``pos_*`` (R, P, d); returns (R, a, P).
        """
        n = self.n
        risk = self.a.risk[:, :, None]
        u_i = utility(
            weighted_distance(
                self.ideal[:, :, None, :], pos_i[:, None, :, :], self.sal, self.sal_sq
            ),
            risk,
        )
        u_r = utility(
            weighted_distance(
                self.ideal[:, :, None, :], pos_r[:, None, :, :], self.sal, self.sal_sq
            ),
            risk,
        )
        acc = u_i + u_r
        for m in range(n):  # every other actor's position, in order, as KTAB
            keep = (m != init) & (m != rcvr)
            acc += np.where(keep[:, None, :], self.a.own[:, :, m, None], 0.0)
        return acc / n

    def status_quo_utility(self):
        return sum_first(self.a.own.transpose(2, 0, 1)) / self.n

    def resolve(self, target, proposals, rng):
        """Each actor's new position from the bargains in its queue, and who it bargained with."""
        r, n, d = self.rows, self.n, self.d
        k_per = proposals.shape[0]
        # proposals in KTAB's queue order: by initiator, then perspective
        props = proposals.transpose(1, 2, 0, 3, 4).reshape(r, n * k_per, 2, d)
        init = np.repeat(np.arange(n), k_per)[None, :].repeat(r, 0)
        rcvr = np.repeat(target, k_per, axis=1)
        exists = rcvr >= 0
        rcvr_safe = np.where(exists, rcvr, init)
        pos_i = np.where(exists[..., None], props[:, :, 0], 0.0)
        pos_r = np.where(exists[..., None], props[:, :, 1], 0.0)
        u_prop = self.bargain_utility(init, rcvr_safe, pos_i, pos_r)  # (R, a, P)
        u_sq = self.status_quo_utility()  # (R, a)

        member = exists[:, None, :] & (
            (init[:, None, :] == np.arange(n)[None, :, None])
            | (rcvr[:, None, :] == np.arange(n)[None, :, None])
        )
        count = member.sum(axis=2)
        length = 1 + int(count.max(initial=0))
        option = np.full((r, n, length), -1)  # -1: status quo; else proposal index
        rows_k, ks, ps = np.nonzero(member)
        slot = np.cumsum(member, axis=2)[rows_k, ks, ps]
        option[rows_k, ks, slot] = ps
        valid = np.arange(length)[None, None, :] <= count[:, :, None]
        safe = np.where(option >= 0, option, 0)
        u_opt = u_prop[
            np.arange(r)[:, None, None, None],
            np.arange(n)[None, :, None, None],
            safe[:, None, :, :],
        ]  # (R, a, k, L): a's utility of k's l-th option
        u_opt = np.where(option[:, None] >= 0, u_opt, u_sq[:, :, None, None])
        c = np.full((r, n, length, length), MIN_COALITION)
        pair = (
            valid[..., :, None]
            & valid[..., None, :]
            & np.tril(np.ones((length, length), dtype=bool), -1)
        )
        rp, kp, hi, lo = np.nonzero(pair)
        if len(rp):
            c_ab, c_ba = pair_coalitions(
                self.p.voting_rule,
                self.cap[rp].T,
                u_opt.transpose(1, 0, 2, 3),
                (rp, kp, hi),
                (rp, kp, lo),
            )
            c[rp, kp, hi, lo] = c_ab
            c[rp, kp, lo, hi] = c_ba
        prob = election(self.p.pce, self.p.victory_probability, c, valid)
        if self.p.state_transition == "deterministic":
            choice = np.where(valid, prob, -np.inf).argmax(axis=2)
        else:
            draw = rng.random((r, n, 1))
            cum = np.cumsum(np.where(valid, prob, 0.0), axis=2)
            above = (cum > draw) & valid
            last = count  # the last valid option, should round-off leave the draw unmatched
            choice = np.where(above.any(axis=2), above.argmax(axis=2), last)
        chosen = np.take_along_axis(option, choice[..., None], 2)[..., 0]  # (R, k)
        adopted = chosen >= 0
        safe_c = np.where(adopted, chosen, 0)
        rr = np.arange(r)[:, None]
        ks = np.arange(n)[None, :]
        is_init = init[rr, safe_c] == ks
        new_pos = np.where(
            (adopted & is_init)[..., None],
            props[rr, safe_c, 0],
            np.where(adopted[..., None], props[rr, safe_c, 1], self.pos),
        )
        who = np.stack(
            [np.where(adopted, init[rr, safe_c], -1), np.where(adopted, rcvr[rr, safe_c], -1)],
            axis=-1,
        )
        return new_pos, who


def _new_ideals(ideal, pos, accommodation):
    """KTAB newIdeals: ideal_i <- sum_j a_ij pos_j + (1 - sum_j a_ij) ideal_i."""
    if accommodation is None:
        return pos
    terms = accommodation.T[:, None, :, None] * pos.transpose(1, 0, 2)[:, :, None, :]
    moved = accumulate(np.zeros(pos.shape), terms)  # (R, i, d) summed over j in order
    share = accumulate(np.zeros(accommodation.shape[0]), accommodation.T)
    lag = 1.0 - np.minimum(share, 1.0)
    return moved + lag[None, :, None] * ideal


def _state_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """KTAB stateDist: sum over actors (in order) of the Euclidean distance moved."""
    return sum_last(_norms(a - b))


def simulate(cap, sal, pos, accommodation, params: Params, rng=None) -> Run:
    """Run the SMP on R independent rows; see the module docstring."""
    rows, n, _ = pos.shape
    per_row = max(1, n) ** 3
    step = max(1, ROW_BUDGET // per_row)
    parts = [
        _simulate_rows(
            cap[s : s + step], sal[s : s + step], pos[s : s + step], accommodation, params, rng
        )
        for s in range(0, rows, step)
    ]
    if len(parts) == 1:
        return parts[0]
    return _concat(parts)


def _simulate_rows(cap, sal, pos, accommodation, params: Params, rng) -> Run:
    rows, n, d = pos.shape
    sal_sq = None
    for k in range(d):
        sq = sal[..., k] * sal[..., k]
        sal_sq = sq if sal_sq is None else sal_sq + sq
    s_tot = None
    for k in range(d):
        s_tot = sal[..., k] if s_tot is None else s_tot + sal[..., k]
    assert sal_sq is not None and s_tot is not None  # positions have at least one dimension
    ideal = pos.copy()
    a = assess(cap, sal, sal_sq, pos, ideal, params)
    history = [pos]
    probs, risks = [a.position_probability], [a.risk]
    per_turn: list[dict] = []
    ratios: list[np.ndarray] = []
    active = np.ones(rows, dtype=bool)
    turns = np.zeros(rows, dtype=np.int64)
    quiet = np.zeros(rows, dtype=bool)
    first_move = np.zeros(rows)
    k_per = 1 if params.bargain_model != "init_rcvr" else 2
    cur_pos, cur_ideal, cur_a = pos, ideal, a
    turn = 0
    while active.any():
        turn += 1
        act = np.nonzero(active)[0]
        sub = _sub_assessment(cur_a, act)
        t = _Turn(
            params, cap[act], sal[act], sal_sq[act], s_tot[act], cur_pos[act], cur_ideal[act], sub
        )
        target, gain, p_win = t.challenges()
        proposals = t.proposals(target, p_win)
        moved, who = t.resolve(target, proposals, rng)
        new_pos = cur_pos.copy()
        new_pos[act] = moved
        new_ideal = cur_ideal.copy()
        new_ideal[act] = _new_ideals(cur_ideal[act], moved, accommodation)
        sub_next = assess(cap[act], sal[act], sal_sq[act], moved, new_ideal[act], params)
        next_a = _merge_assessment(cur_a, sub_next, act)

        record = {
            "target": np.full((rows, n), -1),
            "gain": np.full((rows, n), np.nan),
            "win_probability": np.full((rows, n), np.nan),
            "proposals": np.full((rows, n, k_per, 2, d), np.nan),
            "adopted": np.full((rows, n, 2), -1),
        }
        record["target"][act] = target
        record["gain"][act] = gain
        record["win_probability"][act] = p_win
        record["proposals"][act] = proposals.transpose(1, 2, 0, 3, 4)
        record["adopted"][act] = who
        per_turn.append(record)

        moved_now = _state_distance(moved, cur_pos[act])
        if turn == 1:
            first_move[act] = moved_now + params.min_significant_delta
        ratio = np.full(rows, np.nan)
        ratio[act] = moved_now / first_move[act]
        ratios.append(ratio)
        turns[act] = turn
        stop_quiet = (params.min_rounds <= turn) & (ratio[act] < params.min_delta_ratio)
        stop = stop_quiet | (params.rounds <= turn)
        quiet[act] = stop_quiet
        active[act[stop]] = False

        cur_pos, cur_ideal, cur_a = new_pos, new_ideal, next_a
        history.append(cur_pos)
        probs.append(cur_a.position_probability)
        risks.append(cur_a.risk)

    return _assemble(history, probs, risks, ratios, per_turn, turns, quiet, cur_a, cur_pos)


def _sub_assessment(a: Assessment, act: np.ndarray) -> Assessment:
    if len(act) == a.risk.shape[0]:
        return a
    return Assessment(
        a.risk[act],
        np.ascontiguousarray(a.util_t[:, act]),
        a.own[act],
        a.unique[act],
        a.probability[act],
        a.position_probability[act],
    )


def _merge_assessment(old: Assessment, new: Assessment, act: np.ndarray) -> Assessment:
    if len(act) == old.risk.shape[0]:
        return new
    fields = {}
    for name in ("risk", "own", "unique", "probability", "position_probability"):
        arr = getattr(old, name).copy()
        arr[act] = getattr(new, name)
        fields[name] = arr
    util_t = old.util_t.copy()
    util_t[:, act] = new.util_t
    return Assessment(util_t=util_t, **fields)


def _assemble(
    history, probs, risks, ratios, per_turn, turns, quiet, final: Assessment, final_pos
) -> Run:
    rows, _, d = final_pos.shape

    def stacked(key):
        return np.stack([rec[key] for rec in per_turn], axis=1)

    unique_p = np.where(final.unique, final.probability, 0.0)
    expected = accumulate(
        np.zeros((rows, d)), (unique_p[:, :, None] * final_pos).transpose(1, 0, 2)
    )
    best = np.where(final.unique, final.probability, -np.inf).argmax(axis=1)
    most_probable = final_pos[np.arange(rows), best]
    return Run(
        positions=np.stack(history, axis=1),
        position_probability=np.stack(probs, axis=1),
        risk=np.stack(risks, axis=1),
        fractional_change=np.stack(ratios, axis=1),
        turns=turns,
        quiet=quiet,
        target=stacked("target"),
        gain=stacked("gain"),
        win_probability=stacked("win_probability"),
        proposals=stacked("proposals"),
        adopted=stacked("adopted"),
        expected=expected,
        most_probable=most_probable,
    )


def _concat(parts: list[Run]) -> Run:
    t_max = max(p.positions.shape[1] for p in parts) - 1

    def pad(arr, turns_axis_len, fill, hold_last):
        extra = turns_axis_len - arr.shape[1]
        if extra <= 0:
            return arr
        if hold_last:
            tail = np.repeat(arr[:, -1:], extra, axis=1)
        else:
            tail = np.full((arr.shape[0], extra, *arr.shape[2:]), fill, dtype=arr.dtype)
        return np.concatenate([arr, tail], axis=1)

    fields = {}
    for name in ("positions", "position_probability", "risk"):
        fields[name] = np.concatenate([pad(getattr(p, name), t_max + 1, None, True) for p in parts])
    for name, fill in (
        ("fractional_change", np.nan),
        ("target", -1),
        ("gain", np.nan),
        ("win_probability", np.nan),
        ("proposals", np.nan),
        ("adopted", -1),
    ):
        fields[name] = np.concatenate([pad(getattr(p, name), t_max, fill, False) for p in parts])
    for name in ("turns", "quiet", "expected", "most_probable"):
        fields[name] = np.concatenate([getattr(p, name) for p in parts])
    return Run(**fields)
