"""A slow, literal transcription of the expected-utility model, used as the tests' oracle.

Written from tests/data/anchors/bdm1994/EUM-SPEC.md loop by loop, with none of the kernel's
shortcuts: every probability sums every actor's vote directly (the replication's denominator
sums all n^3 votes), utilities use ``**``, and the round's median is Scholz's pairwise scan
itself. Kingmaker's documented rules for ties and degenerate input (docs/reference/models.md)
are applied where they arise. Plain Python floats and lists throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

EU_TIE = 1e-12
KEY_TIE = 1e-12
DANGER_TIE = 1e-12
SCAN_TIE = 1e-12
KINDS = ("none", "confrontation", "compromise", "capitulation")


@dataclass
class Run:
    trajectory: list[list[float]]
    moves: list[list[tuple[int, str, int, float, float, float]]]  # per round: (actor, kind,
    risk: list[list[float]]  # partner, a, b, new position)
    mean: list[float]
    median: list[float]
    rounds: int
    stop_reason: str
    converged: bool
    cycle_length: int = 0
    danger: list[list[float]] = field(default_factory=list)


def run(
    cap,
    pos,
    sal,
    lo,
    hi,
    *,
    rounds=10,
    q=1.0,
    capitulation=False,
    least_change=False,
    pairwise=False,
    stopping="fixed",
    tolerance=1e-6,
) -> Run:
    cap, sal = [float(c) for c in cap], [float(s) for s in sal]
    x = [float(p) for p in pos]
    n = len(x)
    w = [c * s for c, s in zip(cap, sal, strict=True)]
    if not any(v > 0 for v in w):
        w = [1.0] * n  # nobody has weight: everybody counts equally
    R = max(x) - min(x)
    if R == 0:
        R = 1.0  # all positions equal: every distance is 0 whatever R is
    width = hi - lo if hi > lo else R
    tol = tolerance * width

    def vote(k, a, b, rk):
        """Actor k's vote for position a over position b."""
        return w[k] * ((abs(x[k] - b) / R) ** rk - (abs(x[k] - a) / R) ** rk)

    def probabilities(r):
        all_votes = 0.0
        for k in range(n):
            for a in range(n):
                for b in range(n):
                    all_votes += abs(vote(k, x[a], x[b], r[k]))
        P = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if x[i] == x[j]:
                    continue
                for_i = sum(max(0.0, vote(k, x[i], x[j], r[k])) for k in range(n))
                if pairwise:
                    on_pair = sum(abs(vote(k, x[i], x[j], r[k])) for k in range(n))
                    P[i][j] = for_i / on_pair if on_pair > 0 else 0.5
                else:
                    P[i][j] = for_i / all_votes if all_votes > 0 else 0.0
        return P

    def eu(h, i, j, P, r):
        """EU, from h's point of view (exponent r[h]), of i challenging j."""
        d = abs(x[i] - x[j]) / R
        u_s = 2 - 4 * max(0.0, 0.5 - 0.5 * d) ** r[h]
        u_f = 2 - 4 * (0.5 + 0.5 * d) ** r[h]
        u_sq = 2 - 4 * 0.5 ** r[h]
        p = P[i][j]
        return sal[j] * (p * u_s + (1 - p) * u_f) + (1 - sal[j]) * u_s - q * u_sq

    def summary():
        mean = sum(wk * xk for wk, xk in zip(w, x, strict=True)) / sum(w)
        # Scholz's scan: position p is beaten by m when the votes (r = 1) for m over p are
        # positive; the median is the unbeaten position, or the middle of the unbeaten ones.
        # Votes in exact arithmetic; a margin below SCAN_TIE x weight x distance is a tie.
        wq, xq = [Fraction(v) for v in w], [Fraction(v) for v in x]
        total = sum(wq)
        distinct = sorted(set(xq))
        unbeaten = []
        for p in distinct:
            beaten = False
            for m in distinct:
                if m == p:
                    continue
                votes = sum(wq[k] * (abs(xq[k] - p) - abs(xq[k] - m)) for k in range(n))
                if votes > Fraction(SCAN_TIE) * total * abs(m - p):
                    beaten = True
            if not beaten:
                unbeaten.append(p)
        return mean, (float(min(unbeaten)) + float(max(unbeaten))) / 2

    traj = [list(x)]
    means, medians = [], []
    m0, d0 = summary()
    means.append(m0)
    medians.append(d0)
    all_moves, all_risk, all_danger = [], [], []
    reason, converged, cycle = "rounds", False, 0
    t = 0
    while t < rounds:
        # 1. risk exponents from danger levels, every r = 1
        ones = [1.0] * n
        P1 = probabilities(ones)
        danger = [sum(eu(h, k, h, P1, ones) for k in range(n) if k != h) for h in range(n)]
        hi_d, lo_d = max(danger), min(danger)
        if hi_d - lo_d <= DANGER_TIE * max(abs(hi_d), abs(lo_d)):
            r = [1.0] * n
        else:
            r = []
            for h in range(n):
                Rh = (2 * danger[h] - hi_d - lo_d) / (hi_d - lo_d)
                r.append((1 - Rh / 3) / (1 + Rh / 3))
        # 2. offers, 3. choice
        P = probabilities(r)
        moves, new_x = [], list(x)
        for i in range(n):
            offers = {"confrontation": [], "compromise": [], "capitulation": []}
            for j in range(n):
                if j == i or x[j] == x[i]:
                    continue
                a, b = eu(i, i, j, P, r), eu(i, j, i, P, r)
                if b > a + EU_TIE and a > EU_TIE:
                    offers["confrontation"].append((abs(x[i] - x[j]), j, a, b, x[j]))
                elif b > EU_TIE and a < -EU_TIE and b > abs(a) + EU_TIE:
                    new = x[i] + (x[j] - x[i]) * abs(a / b)
                    key = (
                        abs(new - x[i])
                        if least_change
                        else (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    )
                    offers["compromise"].append((key, j, a, b, new))
                elif capitulation and b > EU_TIE and a < -EU_TIE and b < abs(a) - EU_TIE:
                    offers["capitulation"].append((abs(x[i] - x[j]), j, a, b, x[j]))
            for kind in ("confrontation", "compromise", "capitulation"):
                if offers[kind]:
                    best = offers[kind][0]
                    for o in offers[kind][1:]:
                        if o[0] < best[0] - KEY_TIE * R:
                            best = o
                    _, j, a, b, new = best
                    moves.append((i, kind, j, a, b, new))
                    new_x[i] = new
                    break
        # 4. everyone moves at once
        old = x
        x = new_x
        t += 1
        traj.append(list(x))
        all_moves.append(moves)
        all_risk.append(r)
        all_danger.append(danger)
        m, d = summary()
        means.append(m)
        medians.append(d)
        change = max(abs(a - b) for a, b in zip(x, old, strict=True))
        if stopping == "converge":
            if change <= tol:
                reason, converged = "converged", True
                break
            earlier = [
                u
                for u in range(t - 1)
                if max(abs(a - b) for a, b in zip(traj[u], x, strict=True)) <= tol
            ]
            if earlier:
                reason, cycle = "cycle", t - earlier[0]
                break
        elif t == rounds:
            converged = change <= tol
    return Run(traj, all_moves, all_risk, means, medians, t, reason, converged, cycle, all_danger)
