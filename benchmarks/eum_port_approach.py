"""The reference Python port's *algorithm*, rewritten for timing (not its code).

dmasad/bdm-scholz-expected-utility-model computes the replication with actor objects whose
methods call each other without keeping anything: every probability re-sums all n^3 votes,
every danger level re-evaluates n - 1 expected utilities, and every actor's risk exponent
re-evaluates every actor's danger level. Per round that is about n^3 + 2 n^2 probability
calls of n^3 votes each: O(n^6). This module reproduces that call structure (so its cost grows
the same way) on the equations of EUM-SPEC.md; ``bench_eum.py`` checks that it gives the
kernel's positions before timing it. Only the replication variant, fixed rounds.
"""

from __future__ import annotations


class Model:
    def __init__(self, capability, position, salience, q=1.0):
        self.c = [float(v) for v in capability]
        self.s = [float(v) for v in salience]
        self.x = [float(v) for v in position]
        self.r = [1.0] * len(self.x)
        self.q = q
        self.span = max(self.x) - min(self.x)

    # -- every quantity recomputed from scratch on every call, as the port does ---------------
    def vote(self, k, a, b, r=None):
        """Actor k's vote for position a over position b."""
        rk = self.r[k] if r is None else r
        near_b = (abs(self.x[k] - b) / self.span) ** rk
        near_a = (abs(self.x[k] - a) / self.span) ** rk
        return self.c[k] * self.s[k] * (near_b - near_a)

    def probability(self, a, b):
        if a == b:
            return 0.0
        n = range(len(self.x))
        everything = sum(abs(self.vote(k, self.x[u], self.x[v])) for k in n for u in n for v in n)
        return sum(max(0.0, self.vote(k, a, b)) for k in n) / everything

    def expected_utility(self, h, i, j):
        """EU, from actor h's point of view, of actor i challenging actor j."""
        d = abs(self.x[i] - self.x[j]) / self.span
        r = self.r[h]
        win, lose, stay = 2 - 4 * (0.5 - 0.5 * d) ** r, 2 - 4 * (0.5 + 0.5 * d) ** r, 2 - 4 * 0.5**r
        p = self.probability(self.x[i], self.x[j])
        return self.s[j] * (p * win + (1 - p) * lose) + (1 - self.s[j]) * win - self.q * stay

    def danger(self, h):
        return sum(self.expected_utility(h, k, h) for k in range(len(self.x)) if k != h)

    def risk_exponent(self, h):
        levels = [self.danger(k) for k in range(len(self.x))]
        hi, lo = max(levels), min(levels)
        rel = (2 * self.danger(h) - hi - lo) / (hi - lo)
        return (1 - rel / 3) / (1 + rel / 3)

    def best_offer(self, i):
        best = {}
        for j in range(len(self.x)):
            if self.x[j] == self.x[i]:
                continue
            a, b = self.expected_utility(i, i, j), self.expected_utility(i, j, i)
            if b > a > 0:
                best.setdefault("confrontation", []).append((abs(self.x[i] - self.x[j]), self.x[j]))
            elif b > 0 > a and b > abs(a):
                key = (abs(a) * self.x[i] + abs(b) * self.x[j]) / (abs(a) + abs(b))
                best.setdefault("compromise", []).append(
                    (key, self.x[i] + (self.x[j] - self.x[i]) * abs(a / b))
                )
        for kind in ("confrontation", "compromise"):
            if kind in best:
                return min(best[kind], key=lambda o: o[0])[1]
        return self.x[i]

    def round(self):
        n = len(self.x)
        self.r = [1.0] * n
        self.r = [self.risk_exponent(h) for h in range(n)]
        self.x = [self.best_offer(i) for i in range(n)]

    def run(self, rounds):
        trajectory = [list(self.x)]
        for _ in range(rounds):
            self.round()
            trajectory.append(list(self.x))
        return trajectory
