"""A plain-loop restatement of KTAB's SMP, independent of the vectorised kernel.

Written from KTAB's source (lsyaseen/KTAB: Model::vote, coalitions, vProb, condPCE,
markovUniformPCE, markovIncentivePCE, bigRfromProb, estNRA, Actor::thirdPartyVoteSU,
vProbLittle; SMPState::probEduChlg, bestChallenge, interpolateBrgn, brgnStateUtil,
queueUpdatePstn, newIdeals; smpStopFn), one scalar operation at a time in KTAB's order, with
Python floats (IEEE doubles, as KTAB's). It reproduces KTAB's reference runs bit for bit, so it
serves as the yardstick for every option combination the reference runs do not cover. It is
slow (pure Python) and only used by tests.

Stochastic transitions draw ``rng.random((1, n, 1))`` each turn and pick, for actor k, the first
bargain whose cumulative probability exceeds draw k: the kernel's documented rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_C = 1e-8
MIN_CLTN = 1e-10


@dataclass
class Options:
    victory_probability: str = "linear"
    pce: str = "conditional"
    state_transition: str = "deterministic"
    voting_rule: str = "proportional"
    big_r_adjust: str = "one_third"
    big_r_range: str = "mid"
    third_party_commit: str = "semi"
    bargain_interpolation: str = "s2p2"
    bargain_model: str = "init_only"
    position_tolerance: float = 1e-3
    rounds: int = 100


def vote(rule, w, ua, ub):
    du = ua - ub
    rbin = du / 1e-8
    rbin = 1.0 if rbin > 1 else rbin
    rbin = -1.0 if rbin < -1 else rbin
    if rule == "binary":
        return w * rbin
    if rule == "prop_bin":
        return w * ((1 - 0.2) * du + 0.2 * rbin)
    if rule == "proportional":
        return w * du
    if rule == "prop_cubic":
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule == "cubic":
        return w * (du * du * du)
    v = 0.0
    if du < 0:
        v = w * du
    if du > 0:
        v = (2.0 * w * du) / 3.0
    return v


def odds(model, s1, s2):
    if model == "linear":
        x1, x2 = s1, s2
    elif model == "square":
        x1, x2 = s1 * s1, s2 * s2
    elif model == "quartic":
        x1, x2 = s1 * s1 * s1 * s1, s2 * s2 * s2 * s2
    elif model == "octic":
        q1, q2 = s1 * s1 * s1 * s1, s2 * s2 * s2 * s2
        x1, x2 = q1 * q1, q2 * q2
    else:
        t = 1.10
        if s1 >= t * s2:
            x1, x2 = 1.0, 1e-6
        elif s2 >= t * s1:
            x1, x2 = 1e-6, 1.0
        else:
            r12 = s1 / (s1 + s2)
            p12 = (r12 * (t + 1.0) - 1.0) / (t - 1.0)
            x1, x2 = p12, 1 - p12
    return x1 / (x1 + x2), x2 / (x1 + x2)


def coalitions(vfn, n_act, n_opt):
    c = [[0.0] * n_opt for _ in range(n_opt)]
    for i in range(n_opt):
        for j in range(i):
            cij = MIN_C
            cji = MIN_C
            for k in range(n_act):
                v = vfn(k, i, j)
                if v > 0:
                    cij = cij + v
                if v < 0:
                    cji = cji - v
            c[i][j] = cij
            c[j][i] = cji
        c[i][i] = MIN_C
    return c


def victory(model, c):
    n = len(c)
    p = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            p[i][j], p[j][i] = odds(model, c[i][j], c[j][i])
        p[i][i] = 0.5
    return p


def ksum(xs):
    s = 0.0
    for x in xs:
        s = s + x
    return s


def conditional(pv):
    p = []
    for row in pv:
        pi = 1.0
        for x in row:
            pi = pi * x
        p.append(pi)
    total = ksum(p)
    return [x / total for x in p]


def markov_uniform(pv):
    n = len(pv)
    p = [1.0 / n] * n
    change = 1.0
    while 1e-6 < change:
        change = 0.0
        q = [0.0] * n
        for i in range(n):
            pi = 0.0
            for j in range(n):
                pi = pi + pv[i][j] * (p[i] + p[j])
            q[i] = pi / n
            c = abs(q[i] - p[i])
            change = c if c > change else change
        p = [(a + b) / 2.0 for a, b in zip(p, q, strict=True)]
    return p


def markov_incentive(c, pv):
    n = len(c)
    inc = [[c[i][j] * pv[i][j] + (1e-10 if i == j else 0.0) for j in range(n)] for i in range(n)]
    cp = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(n):
                s = s + inc[k][j]
            cp[i][j] = inc[i][j] / s
    p = [1.0 / n] * n
    change = 1.0
    while 1e-8 < change:
        ct = [[p[i] * cp[j][i] for j in range(n)] for i in range(n)]
        change = 0.0
        q = [0.0] * n
        for i in range(n):
            qi = 0.0
            for j in range(n):
                qi = qi + pv[i][j] * (ct[i][j] + ct[j][i])
            q[i] = qi
            d = abs(q[i] - p[i])
            change = d if d > change else change
        p = [(a + b) / 2.0 for a, b in zip(p, q, strict=True)]
    return p


def scalar_pce(o: Options, w, u, n_opt):
    c = coalitions(lambda k, i, j: vote(o.voting_rule, w[k], u[k][i], u[k][j]), len(w), n_opt)
    pv = victory(o.victory_probability, c)
    if o.pce == "conditional":
        return conditional(pv)
    if o.pce == "markov_uniform":
        return markov_uniform(pv)
    return markov_incentive(c, pv)


def big_r(p, rr):
    lo, hi = 1.0, 0.0
    for x in p:
        lo = x if x < lo else lo
        hi = x if x > hi else hi
    if hi == lo:  # KTAB divides 0 by 0 here; Kingmaker's rule is risk neutrality
        return [0.0] * len(p)
    if rr == "min":
        return [(x - lo) / (hi - lo) for x in p]
    if rr == "mid":
        return [(3 * x - (hi + 2 * lo)) / (2 * (hi - lo)) for x in p]
    return [(2 * x - (hi + lo)) / (hi - lo) for x in p]


def est_risk(rh, ri, ra):
    return {
        "full": lambda: ri,
        "two_thirds": lambda: (rh + (2.0 * ri)) / 3.0,
        "half": lambda: (rh + ri) / 2,
        "one_third": lambda: ((2.0 * rh) + ri) / 3.0,
        "none": lambda: rh,
    }[ra]()


def util(sd, r):
    return (1 - sd) * (1 + sd * r) if sd <= 1 else (1 - sd) * (1 + r)


def wdist(vd, vs):
    ds2 = 0.0
    ss2 = 0.0
    for d, s in zip(vd, vs, strict=True):
        ds = d * s
        ds2 = ds2 + ds * ds
        ss2 = ss2 + s * s
    return math.sqrt(ds2 / ss2)


def norm(v):
    s = 0.0
    for x in v:
        s = s + x * x
    return math.sqrt(s)


def third_party(o: Options, wk, pik, pjk, uki, ukj, ukk):
    if o.third_party_commit == "full":
        a, b, c, d = uki + uki + uki, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukj
    elif o.third_party_commit == "semi":
        a, b, c, d = uki + uki + ukk, ukj + ukj + ukj, uki + uki + uki, ukj + ukj + ukk
    else:
        a, b, c, d = uki + uki + ukk, ukj + ukj + ukk, uki + uki + ukk, ukj + ukj + ukk
    return vote(o.voting_rule, wk, (pik * a) + (pjk * b), (pik * c) + (pjk * d))


def round4(x):
    return int(0.5 + x * 10000.0) / 10000.0


class State:
    """One state: positions, ideals, and everything KTAB derives from them."""

    def __init__(self, cap, sal, pos, ideals, o: Options):
        self.cap, self.sal, self.pos, self.ideals, self.o = cap, sal, pos, ideals, o
        n = self.n = len(cap)
        self.dist = [
            [
                wdist([a - b for a, b in zip(ideals[i], pos[j], strict=True)], sal[i])
                for j in range(n)
            ]
            for i in range(n)
        ]
        neutral = [[util(self.dist[i][j], 0.0) for j in range(n)] for i in range(n)]
        self.risk = big_r(scalar_pce(o, cap, neutral, n), o.big_r_range)
        self.u = [
            [
                [
                    util(self.dist[i][j], est_risk(self.risk[h], self.risk[i], o.big_r_adjust))
                    for j in range(n)
                ]
                for i in range(n)
            ]
            for h in range(n)
        ]
        self.unique = []
        for i in range(n):
            if not any(self.same(i, k) for k in self.unique):
                self.unique.append(i)

    def same(self, i, j):
        return (
            norm([a - b for a, b in zip(self.pos[i], self.pos[j], strict=True)])
            < self.o.position_tolerance
        )

    def pos_util(self, a, p):
        d = wdist([x - y for x, y in zip(self.ideals[a], p, strict=True)], self.sal[a])
        return util(d, self.risk[a])

    def unique_probabilities(self):
        u = [[self.u[i][i][j] for j in self.unique] for i in range(self.n)]
        return scalar_pce(self.o, self.cap, u, len(self.unique))

    def position_probabilities(self):
        pd = self.unique_probabilities()
        out = []
        for i in range(self.n):
            k = None
            for j1, j2 in enumerate(self.unique):
                if self.same(i, j2):
                    k = j1
            out.append(pd[k])
        return out

    def expected_position(self):
        pd = self.unique_probabilities()
        d = len(self.pos[0])
        out = [0.0] * d
        for q, j in enumerate(self.unique):
            out = [out[k] + pd[q] * self.pos[j][k] for k in range(d)]
        return out

    def contest(self, h, k, i, j):
        o = self.o
        a = self.u[h]
        si, ci = ksum(self.sal[i]), self.cap[i]
        sj, cj = ksum(self.sal[j]), self.cap[j]
        con_i = vote(o.voting_rule, si * ci, a[i][i], a[i][j])
        con_j = vote(o.voting_rule, sj * cj, a[j][i], a[j][j])
        chij = MIN_CLTN
        chji = MIN_CLTN
        if con_i > 0:
            chij = chij + con_i
        if con_i < 0:
            chji = chji - con_i
        if con_j > 0:
            chij = chij + con_j
        if con_j < 0:
            chji = chji - con_j
        c_i, c_j = chij, chji
        for m in range(self.n):
            if m in (i, j):
                continue
            wm = ksum(self.sal[m]) * self.cap[m]
            cm = vote(o.voting_rule, wm, a[m][i], a[m][j])
            side_i = c_i + cm if cm > 0 else c_i
            side_j = c_j - cm if cm < 0 else c_j
            pin = side_i / (side_i + side_j)
            v = third_party(o, wm, pin, 1.0 - pin, a[m][i], a[m][j], a[m][m])
            chij = chij + v if v > 0 else chij
            chji = chji - v if v < 0 else chji
        phij = chij / (chij + chji)
        phji = chji / (chij + chji)
        win, lose = a[k][i] + a[k][i], a[k][j] + a[k][j]
        contested = phij * win + phji * lose
        return phij, ((1 - sj) * win + sj * contested) - (a[k][i] + a[k][j])

    def interpolate(self, i, j, pi, pj):
        bi, bj = [], []
        for k in range(len(self.pos[i])):
            tik, sik, tjk, sjk = self.pos[i][k], self.sal[i][k], self.pos[j][k], self.sal[j][k]
            kind = self.o.bargain_interpolation
            if kind in ("s1p1", "s2p2"):
                e = 1 if kind == "s1p1" else 2
                wik = (sik**e) * (pi**e)
                wjk = (sjk**e) * (pj**e)
                bi.append(round4(((wik + 1e-6) * tik + wjk * tjk) / (wik + 1e-6 + wjk)))
                bj.append(round4((wik * tik + (1e-6 + wjk) * tjk) / (wik + 1e-6 + wjk)))
            else:
                di = (pj - pi) if pj > pi else 0
                dj = (pi - pj) if pi > pj else 0
                sik2, sjk2 = sik * sik, sjk * sjk
                dik = (di * sjk2) / ((di * sjk2) + 1e-6 + ((1 - di) * sik2))
                djk = (dj * sik2) / ((dj * sik2) + 1e-6 + ((1 - dj) * sjk2))
                bi.append(tik + dik * (tjk - tik))
                bj.append(tjk + djk * (tik - tjk))
        return bi, bj

    def bargain_util(self, a, b):
        ini, rcv, p_i, p_r = b
        u = 0.0
        if ini == rcv:
            for m in range(self.n):
                u = u + self.u[a][a][m]
        else:
            u = u + self.pos_util(a, p_i)
            u = u + self.pos_util(a, p_r)
            for m in range(self.n):
                if m not in (ini, rcv):
                    u = u + self.u[a][a][m]
        return u / self.n

    def step(self, rng=None):
        """Positions after one turn, and the challenges made: {i: (j, p_ij, gain)}."""
        n, o = self.n, self.o
        queues = [[(k, k, self.pos[k], self.pos[k])] for k in range(n)]
        chosen = {}
        for i in range(n):
            best_j, p_ij, best = -1, 0.0, -1.0
            for j in range(n):
                if j != i:
                    pij, edu = self.contest(i, i, i, j)
                    if 1e-5 < edu and best < edu:
                        best_j, p_ij, best = j, pij, edu
            if best > 0:
                chosen[i] = (best_j, p_ij, best)
        for i in sorted(chosen):
            j, pij, _ = chosen[i]
            bi, bj = self.interpolate(i, j, pij, 1 - pij)
            first = (i, j, bi, bj)
            if o.bargain_model == "init_only":
                new = [first]
            else:
                q = self.contest(j, i, i, j)[1]  # KTAB uses j's estimate of i's gain here
                ci, cj = self.interpolate(i, j, q, 1 - q)
                if o.bargain_model == "init_rcvr":
                    new = [first, (i, j, ci, cj)]
                else:
                    wi = self.cap[i] * ksum(self.sal[i])
                    wj = self.cap[i] * ksum(self.sal[j])
                    new = [
                        (
                            i,
                            j,
                            [(wi * x + wj * y) / (wi + wj) for x, y in zip(bi, ci, strict=True)],
                            [(wi * x + wj * y) / (wi + wj) for x, y in zip(bj, cj, strict=True)],
                        )
                    ]
            for b in new:
                queues[i].append(b)
                queues[j].append(b)
        draws = rng.random((1, n, 1))[0, :, 0] if o.state_transition == "stochastic" else None
        new_pos = []
        for k in range(n):
            q = queues[k]
            u = [[self.bargain_util(a, b) for b in q] for a in range(n)]
            p = scalar_pce(o, self.cap, u, len(q))
            if draws is None:
                m, top = 0, 0.0
                for idx, x in enumerate(p):
                    if top < abs(x):
                        top, m = abs(x), idx
            else:
                m, cum = len(p) - 1, 0.0
                for idx, x in enumerate(p):
                    cum = cum + x
                    if cum > draws[k]:
                        m = idx
                        break
            b = q[m]
            if b[0] == b[1]:
                new_pos.append(list(self.pos[k]))
            else:
                new_pos.append(list(b[2] if b[0] == k else b[3]))
        return new_pos, chosen


def run(cap, sal, pos, o: Options | None = None, accommodation=None, rng=None):
    """All states of a run, the fractional change of each turn, and each turn's challenges."""
    o = o or Options()
    n = len(cap)
    states = [State(cap, sal, pos, [list(p) for p in pos], o)]
    ratios, challenges = [], []

    def moved(a, b):
        t = 0.0
        for i in range(n):
            t = t + norm([x - y for x, y in zip(a.pos[i], b.pos[i], strict=True)])
        return t

    turn = 0
    while True:
        turn += 1
        s = states[-1]
        new_pos, chosen = s.step(rng)
        challenges.append(chosen)
        if accommodation is None:
            ideals = [list(p) for p in new_pos]
        else:
            ideals = []
            for i in range(n):
                share = 0.0
                v = [0.0] * len(new_pos[i])
                for j in range(n):
                    share = share + accommodation[i][j]
                    v = [a + accommodation[i][j] * b for a, b in zip(v, new_pos[j], strict=True)]
                share = 1.0 if share > 1.0 else share
                v = [a + (1.0 - share) * b for a, b in zip(v, s.ideals[i], strict=True)]
                ideals.append(v)
        states.append(State(cap, sal, new_pos, ideals, o))
        ratio = moved(states[turn], states[turn - 1]) / (moved(states[0], states[1]) + 1e-4)
        ratios.append(ratio)
        if o.rounds <= turn or (2 <= turn and ratio < 0.02):
            return states, ratios, challenges
