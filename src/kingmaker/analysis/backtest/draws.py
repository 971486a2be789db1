"""Monte Carlo draws of a scenario's ranged numbers, for calibration backtests.

Each number with a range is drawn from its distribution (uniform, triangular, or PERT:
Beta(1 + 4 (mode - low) / (high - low), 1 + 4 (high - mode) / (high - low)) rescaled to
low..high); numbers without a range keep their value. The generator is the caller's, so a
scenario's draws depend only on its own named stream.
"""

from __future__ import annotations

import numpy as np

from ...scenario.compile import PARAMETERS, PERT, TRIANGULAR, UNIFORM, Batch, ScenarioArrays


def draw_batch(arrays: ScenarioArrays, size: int, rng: np.random.Generator) -> Batch:
    """``size`` draws of every ranged number of a scenario, as a Batch (size, n, m)."""
    values = {}
    for p in PARAMETERS:
        base = arrays.value[p]
        out = np.broadcast_to(base, (size, *base.shape)).copy()
        code = arrays.distribution[p]
        for kind in (UNIFORM, TRIANGULAR, PERT):
            idx = np.nonzero(code == kind)
            k = idx[0].size
            if k == 0:
                continue
            lo, hi, mode = arrays.low[p][idx], arrays.high[p][idx], arrays.mode[p][idx]
            if kind == UNIFORM:
                x = rng.uniform(lo, hi, size=(size, k))
            elif kind == TRIANGULAR:
                x = rng.triangular(lo, mode, hi, size=(size, k))
            else:
                span = hi - lo
                a = 1 + 4 * (mode - lo) / span
                b = 1 + 4 * (hi - mode) / span
                x = lo + span * rng.beta(a, b, size=(size, k))
            out[:, idx[0], idx[1]] = x
        values[p] = out
    return arrays.batch(size).replace(**values)
