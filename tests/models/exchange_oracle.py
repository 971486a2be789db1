"""A slow, loop-by-loop statement of the exchange model's first round, to check the kernel.

Written from the model's rules (docs/reference/models.md, "exchange"), not from the kernel:
plain Python floats, one exchange at a time. Positions are on the 0-100 scale.
"""

from __future__ import annotations

from dataclasses import dataclass

TOL = 1e-9


@dataclass
class Exchange:
    a: int  # moves on issue q toward b's position there (a demands p)
    b: int  # moves on issue p toward a's position there (b demands q)
    p: int
    q: int
    gain: float
    valid: bool
    y_a: float
    y_b: float


def first_round(x, s, c, present) -> list[Exchange]:
    """All exchanges of the first round in decide-exchange-model's listing order.

    ``x``, ``s``, ``c``, ``present`` are n x m nested lists (positions 0-100, saliences,
    capabilities, whether the actor is on the issue).
    """
    n, m = len(x), len(x[0])
    w = [[c[k][i] * s[k][i] if present[k][i] else 0.0 for i in range(m)] for k in range(n)]
    total = [sum(w[k][i] for k in range(n)) for i in range(m)]
    outcome = [
        sum(w[k][i] * x[k][i] for k in range(n) if present[k][i]) / total[i]
        if total[i] > 0
        else None
        for i in range(m)
    ]
    left = [
        [
            present[k][i] and x[k][i] <= outcome[i] + TOL if outcome[i] is not None else False
            for i in range(m)
        ]
        for k in range(n)
    ]
    found = []
    for p in range(m):
        for q in range(p + 1, m):
            if total[p] <= 0 or total[q] <= 0:
                continue
            on_both = [k for k in range(n) if present[k][p] and present[k][q]]
            group = {k: int(left[k][p]) + 2 * int(left[k][q]) for k in on_both}
            for g1, g2 in ((0, 3), (1, 2)):
                for i in (k for k in on_both if group[k] == g1):
                    for j in (k for k in on_both if group[k] == g2):
                        e = _exchange(i, j, p, q, x, s, w, total, outcome)
                        if e is not None:
                            found.append(e)
    return found


def _exchange(i, j, p, q, x, s, w, total, outcome):
    # the actor with the larger s_p / s_q demands p and supplies q
    ratio_i, ratio_j = s[i][p] / s[i][q], s[j][p] / s[j][q]
    a, b = (j, i) if ratio_i < ratio_j * (1 - TOL) else (i, j)
    if w[a][q] <= 0 or w[b][p] <= 0:
        return None
    rate = (s[a][p] + s[b][p]) / (s[a][q] + s[b][q])
    legs = {
        "a": {"who": a, "issue": q, "x": x[a][q], "t": x[b][q], "w": w[a][q], "W": total[q]},
        "b": {"who": b, "issue": p, "x": x[b][p], "t": x[a][p], "w": w[b][p], "W": total[p]},
    }
    la, lb = legs["a"], legs["b"]
    full_a, full_b = abs(la["t"] - la["x"]), abs(lb["t"] - lb["x"])
    shift_b = full_b * lb["w"] / lb["W"]
    shift_a = rate * shift_b
    if shift_a * la["W"] / la["w"] > full_a:
        shift_a = full_a * la["w"] / la["W"]
        shift_b = shift_a / rate
    for leg, shift in ((la, shift_a), (lb, shift_b)):
        size = shift * leg["W"] / leg["w"]
        leg["m"] = size if leg["t"] >= leg["x"] else -size
        leg["shift"] = shift

    def gain_a():
        return lb["shift"] * s[a][p] - la["shift"] * s[a][q]

    def ok(leg):
        y = leg["x"] + leg["m"]
        return 1e-10 < abs(leg["m"]) <= 100 + TOL and -TOL <= y <= 100 + TOL

    gain = abs(gain_a())
    valid = ok(la) and ok(lb) and gain >= 1e-10
    if valid:
        # the outcome of a leg's issue must not pass the partner's position
        for leg, other, conv in ((la, lb, 1 / rate), (lb, la, rate)):
            before = outcome[leg["issue"]]
            after = before + leg["w"] * leg["m"] / leg["W"]
            d0 = leg["t"] - before
            d1 = leg["t"] - after
            d0 = 0.0 if abs(d0) <= TOL else d0
            d1 = 0.0 if abs(d1) <= TOL else d1
            if d0 * d1 < 0:
                leg["m"] = d0 * leg["W"] / leg["w"]
                leg["shift"] = abs(leg["m"]) * leg["w"] / leg["W"]
                other["shift"] = conv * leg["shift"]
                size = other["shift"] * other["W"] / other["w"]
                other["m"] = size if other["t"] >= other["x"] else -size
        gain = abs(gain_a())
        valid = ok(la) and ok(lb)
    return Exchange(
        a=a, b=b, p=p, q=q, gain=gain, valid=valid, y_a=la["x"] + la["m"], y_b=lb["x"] + lb["m"]
    )
