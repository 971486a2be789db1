"""Realised exchanges as data: who gave ground on which issue to whom, and what each gained.

Per draw, a list over rounds (index t = round t; round 0, the input, has no exchanges) of
``{"round": t, "exchanges": [...]}``, each exchange in the order realised::

    {"order": 1, "gain": 1.97,
     "legs": [{"actor": "Willems", "issue": "extra-investering", "from": 25.0, "to": 100.0,
               "partner": "Wcentr", "gain": 1.97},
              {"actor": "Wcentr", "issue": "tolheffing-binnenstad", ...}]}

A leg is one actor moving its voting position on the issue it supplies, toward its partner's
position; ``from``/``to`` are on the issue's own scale. ``gain`` of the exchange is the number
that ordered it (the equal gain, or the smaller gain under a random rate); a leg's ``gain`` is
its actor's utility gain.
"""

from __future__ import annotations

import numpy as np

from ...scenario.compile import Batch
from .rounds import RECORD, RoundResult

_R = {name: k for k, name in enumerate(RECORD)}


def round_records(
    realised: list[tuple[int, RoundResult]],
    done: np.ndarray,
    batch: Batch,
    lo: np.ndarray,
    span: np.ndarray,
) -> list[list[dict]]:
    """Per draw, the round-by-round lists of realised exchanges (see the module docstring)."""
    actors, issues = batch.actor_ids, batch.issue_ids
    out: list[list[dict]] = [
        [{"round": t, "exchanges": []} for t in range(int(d) + 1)] for d in done
    ]

    def scale(values: np.ndarray, col: str, issue: np.ndarray) -> np.ndarray:
        return lo[issue] + values[:, _R[col]] * (span[issue] / 100.0)

    for t, res in realised:
        v = res.values
        from_a, to_a = scale(v, "x_a", res.q), scale(v, "y_a", res.q)
        from_b, to_b = scale(v, "x_b", res.p), scale(v, "y_b", res.p)
        for k in range(len(res.draw)):
            b = int(res.draw[k])
            if t >= len(out[b]):
                continue
            actor_a, actor_b = actors[res.a[k]], actors[res.b[k]]
            exchanges = out[b][t]["exchanges"]
            exchanges.append(
                {
                    "order": len(exchanges) + 1,
                    "gain": float(v[k, _R["key"]]),
                    "legs": [
                        {
                            "actor": actor_a,
                            "issue": issues[res.q[k]],
                            "from": float(from_a[k]),
                            "to": float(to_a[k]),
                            "partner": actor_b,
                            "gain": float(v[k, _R["g_a"]]),
                        },
                        {
                            "actor": actor_b,
                            "issue": issues[res.p[k]],
                            "from": float(from_b[k]),
                            "to": float(to_b[k]),
                            "partner": actor_a,
                            "gain": float(v[k, _R["g_b"]]),
                        },
                    ],
                }
            )
    return out
