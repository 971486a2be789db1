"""Sampling: which numbers of a scenario are uncertain, and values for them.

Every number of a scenario (an actor's capability, position and salience on an issue) may
carry a range ``low..high`` with an optional ``mode`` (default: the number's own value) and a
distribution:

* ``uniform``: every value in low..high equally likely;
* ``triangular``: density rising linearly from low to the mode, falling linearly to high;
* ``pert`` (the default): a Beta(alpha, beta) stretched over low..high with the standard
  lambda = 4 parameterisation, alpha = 1 + 4 (mode - low) / (high - low) and
  beta = 1 + 4 (high - mode) / (high - low); its mean is (low + 4 mode + high) / 6.

Each uncertain number is a :class:`Factor`, identified by its *key* (parameter, actor id,
issue id; ``*`` for an actor's capability given once for all its issues, which is one number
and is drawn once per draw).

Random values come in fixed blocks of :data:`BLOCK_SIZE` draws, and the values of factor f in
block b come from their own stream, derived from (seed, "draw", f's key, b). A draw's values
therefore depend only on the seed, the factor's key and the draw's index: not on how blocks
are grouped into chunks, on the executor, on the number of draws requested (fewer draws give a
prefix of more), nor on the other factors (an actor added in a variant of the scenario draws
from its own streams and perturbs nobody else's numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import AnalysisError
from ..randomness import generator
from ..results import UncertainNumber
from ..scenario.compile import PARAMETERS, Batch, ScenarioArrays
from ..scenario.schema import Quantity, Scenario

#: Draws per block: the unit of random streams and of model randomness (part of the
#: reproducibility contract: changing it changes the draws of a seed).
BLOCK_SIZE = 1000

DISTRIBUTIONS = ("uniform", "triangular", "pert")
PERT_LAMBDA = 4.0


@dataclass(frozen=True)
class Factor(UncertainNumber):
    """One uncertain number and the array cells it sets: ``cells`` are the (actor index,
    issue index) pairs of the compiled arrays that take the factor's value (several for an
    actor's capability given once for all its issues)."""

    cells: tuple[tuple[int, int], ...] = ()

    @property
    def pert_shape(self) -> tuple[float, float]:
        width = self.high - self.low
        return (
            1 + PERT_LAMBDA * (self.mode - self.low) / width,
            1 + PERT_LAMBDA * (self.high - self.mode) / width,
        )


def check_spread(spread: float | None) -> float | None:
    if spread is None:
        return None
    if (
        isinstance(spread, bool)
        or not isinstance(spread, (int, float))
        or not math.isfinite(spread)
        or not 0 < spread <= 1
    ):
        raise AnalysisError(
            f"must be a number in (0, 1], e.g. 0.1; got {spread!r}", parameter="spread"
        )
    return float(spread)


def default_range(
    parameter: str, value: float, spread: float, scale: tuple[float, float]
) -> tuple[float, float]:
    """The range ``--spread`` gives a number that has none (PERT around its value).

    position: value +- spread x the issue's scale width, inside the scale; salience: value +-
    spread, inside 0..1; capability: value x (1 +- spread), never below 0.
    """
    if parameter == "capability":
        return max(0.0, value * (1 - spread)), value * (1 + spread)
    lo, hi = scale if parameter == "position" else (0.0, 1.0)
    width = spread * (hi - lo)
    return max(lo, value - width), min(hi, value + width)


def uncertain_factors(
    scenario: Scenario, arrays: ScenarioArrays, spread: float | None = None
) -> tuple[Factor, ...]:
    """Every uncertain number of a scenario, actor by actor, in document order.

    With ``spread``, numbers without a range get :func:`default_range` (PERT, mode = value).
    A number whose range is a single point, or that no issue uses, is not uncertain.
    """
    spread = check_spread(spread)
    index = {issue_id: i for i, issue_id in enumerate(arrays.issue_ids)}
    scales = {issue.id: (issue.scale.min, issue.scale.max) for issue in scenario.issues}
    factors: list[Factor] = []

    def add(
        parameter: str, actor: str, issue: str | None, q: Quantity, cells: list[tuple[int, int]]
    ) -> None:
        if not cells:
            return
        if q.range is not None:
            low, high, dist = q.range.low, q.range.high, q.range.distribution
            mode = q.range.mode if q.range.mode is not None else q.value
        elif spread is not None:
            scale = scales[issue] if issue is not None else (0.0, 0.0)
            low, high = default_range(parameter, q.value, spread, scale)
            mode, dist = q.value, "pert"
        else:
            return
        if low < high:
            factors.append(
                Factor(parameter, actor, issue, q.value, low, mode, high, dist, tuple(cells))
            )

    for a, actor in enumerate(scenario.actors):
        shared = [(a, index[i]) for i, stance in actor.issues.items() if stance.capability is None]
        if actor.capability is not None:
            add("capability", actor.id, None, actor.capability, shared)
        for issue_id, stance in actor.issues.items():
            cell = [(a, index[issue_id])]
            if stance.capability is not None:
                add("capability", actor.id, issue_id, stance.capability, cell)
            add("position", actor.id, issue_id, stance.position, cell)
            add("salience", actor.id, issue_id, stance.salience, cell)
    return tuple(factors)


# --------------------------------------------------------------------------- random draws


def draw_block(
    factors: tuple[Factor, ...], seed: np.random.SeedSequence, block: int, size: int
) -> np.ndarray:
    """(size, F) random values of every factor for the first ``size`` draws of a block."""
    out = np.empty((size, len(factors)))
    for f, factor in enumerate(factors):
        rng = generator(seed, "draw", *factor.key, block)
        lo, hi = factor.low, factor.high
        if factor.distribution == "uniform":
            out[:, f] = lo + (hi - lo) * rng.random(size)
        elif factor.distribution == "triangular":
            out[:, f] = rng.triangular(lo, factor.mode, hi, size)
        else:
            a, b = factor.pert_shape
            out[:, f] = lo + (hi - lo) * rng.beta(a, b, size)
    return out


def quantiles(factors: tuple[Factor, ...], u: np.ndarray) -> np.ndarray:
    """Map (R, F) probabilities in [0, 1] to values (each factor's inverse CDF).

    Used by variance-based sensitivity analysis, whose samples live on the unit hypercube.
    """
    u = np.asarray(u, dtype=np.float64)
    out = np.empty_like(u)
    for f, factor in enumerate(factors):
        lo, mode, hi = factor.low, factor.mode, factor.high
        p = u[:, f]
        if factor.distribution == "uniform":
            out[:, f] = lo + (hi - lo) * p
        elif factor.distribution == "triangular":
            c = (mode - lo) / (hi - lo)
            left = lo + np.sqrt(p * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1 - p) * (hi - lo) * (hi - mode))
            out[:, f] = np.where(p < c, left, right)
        else:  # the Beta inverse is costly: evaluate it once per distinct probability
            a, b = factor.pert_shape
            distinct, back = np.unique(p, return_inverse=True)
            out[:, f] = lo + (hi - lo) * _beta_quantile(a, b, distinct)[back]
    return out


def _beta_quantile(a: float, b: float, p: np.ndarray) -> np.ndarray:
    """The Beta(a, b) inverse CDF. scipy's gives NaN for probabilities below about 1e-150
    (its iteration underflows); there the quantile is (p a B(a, b))^(1/a) to many digits
    (the first term of the series of the incomplete Beta function), near 1 symmetrically."""
    from scipy.special import beta, betaincinv

    x = betaincinv(a, b, p)
    bad = np.isnan(x)
    if bad.any():
        low = np.power(p * a * beta(a, b), 1.0 / a)
        high = 1.0 - np.power((1.0 - p) * b * beta(a, b), 1.0 / b)
        x = np.where(bad, np.where(p < 0.5, low, high), x)
    return x


# --------------------------------------------------------------------------- values -> batch


class Layout:
    """Where each factor's values go in a (B, n, m) model batch."""

    def __init__(self, arrays: ScenarioArrays, factors: tuple[Factor, ...]):
        self.arrays = arrays
        self.factors = factors
        n_issues = len(arrays.issue_ids)
        self._targets: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for p in PARAMETERS:
            flat, cols = [], []
            for f, factor in enumerate(factors):
                if factor.parameter == p:
                    for a, i in factor.cells:
                        flat.append(a * n_issues + i)
                        cols.append(f)
            if flat:
                self._targets[p] = (np.array(flat, dtype=np.intp), np.array(cols, dtype=np.intp))

    def base_values(self) -> np.ndarray:
        """(F,) every factor at its point value."""
        return np.array([f.value for f in self.factors], dtype=np.float64)

    def batch(self, values: np.ndarray) -> Batch:
        """Model input for (B, F) factor values; numbers that are not factors keep their value."""
        values = np.asarray(values, dtype=np.float64)
        size = values.shape[0]
        base = self.arrays.batch(size)
        arrays = {}
        for p, (flat, cols) in self._targets.items():
            full = np.array(getattr(base, p))  # a writable (B, n, m) copy
            full.reshape(size, -1)[:, flat] = values[:, cols]
            arrays[p] = full
        return base.replace(**arrays) if arrays else base
