"""The arithmetic of one exchange, vectorised over rows (one row = one exchange in one draw).

An exchange has two *legs*. In leg A, actor A shifts its voting position on its supply issue Q
toward B's position there; in leg B, actor B shifts on P toward A's. Everything is on the
0-100 scale. A leg's *shift* is what its move does to its issue's outcome: |move| w / W, with
w = capability x salience of the mover and W the sum of w over the issue's actors.

A rate r (shift on Q per unit of shift on P) fixes the deal. The equal-gain rate
r = (s_AP + s_BP) / (s_AQ + s_BQ) gives both actors the same gain, where
gain of A = shift_P s_AP - shift_Q s_AQ and gain of B = shift_Q s_BQ - shift_P s_BP.

The steps follow decide-exchange-model (Stokman & Van Oosten 1994; package version 2022.1.28)
one by one, including its quirks, which docs/reference/models.md lists: the history of moves
behind :func:`move_ok` and the details of the randomised gain of ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

#: Tolerance for comparisons that are exact in the reference's 28-digit decimals.
EPS = 1e-9
#: Moves and gains at or below this are no exchange (the reference's threshold).
TINY = 1e-10


@dataclass(eq=False)
class Leg:
    """One side of a set of exchanges: arrays of equal length, one entry per row.

    Fixed during a round: ``t`` (the partner's round-start position on the supply issue: the
    target), ``x0`` (own round-start position there), ``w``, ``W``, ``S`` (sum of w x0 over the
    issue), ``s_sup``/``s_dem`` (own salience on the supply/demand issue). State: ``x`` (current
    position on the supply issue), ``U`` (how far the moves already made in favour of the partner
    on this issue shift its numerator; the mover's own excluded), ``hsum``/``hsgn`` (sum and sign
    of the leg's earlier moves this round; sign 0 when none), and the results ``m`` (move),
    ``y`` = x + m (voting position) and ``d`` (the move's shift of the outcome).
    """

    x: np.ndarray
    t: np.ndarray
    x0: np.ndarray
    w: np.ndarray
    W: np.ndarray
    S: np.ndarray
    s_sup: np.ndarray
    s_dem: np.ndarray
    U: np.ndarray
    hsum: np.ndarray
    hsgn: np.ndarray
    m: np.ndarray | None = None
    y: np.ndarray | None = None
    d: np.ndarray | None = None

    def __post_init__(self) -> None:
        # numerator of the outcome without the mover
        self.rest = self.S - self.w * self.x0 + self.U

    def outcome_at(self, z: np.ndarray) -> np.ndarray:
        """The issue's outcome if the mover stood at z."""
        return (self.rest + self.w * z) / self.W

    def needed(self) -> np.ndarray:
        """Where the mover must stand for the issue's outcome to land on the target."""
        return (self.t * self.W - self.rest) / self.w

    def toward(self, size: np.ndarray) -> np.ndarray:
        """A move of the given size in the direction of the target."""
        return np.where(self.x > self.t, -size, size)

    def update(self, mask: np.ndarray, move: np.ndarray, shift: np.ndarray) -> None:
        """Replace move, voting position and shift where mask holds."""
        self.m = np.where(mask, move, self.m)
        self.y = self.x + self.m
        self.d = np.where(mask, shift, self.d)


def pick(mask: np.ndarray, a: Leg, b: Leg) -> Leg:
    """A leg that is a where mask holds and b elsewhere."""
    return Leg(**{f.name: None if getattr(a, f.name) is None
                  else np.where(mask, getattr(a, f.name), getattr(b, f.name))
                  for f in fields(Leg)})


def move_ok(leg: Leg) -> np.ndarray:
    """Whether a leg's move may be made (decide's rule, per row).

    Not empty (> 1e-10), at most 100, the voting position inside [0, 100], the sum of the
    leg's moves this round at most 100, and all of them in the same direction.
    """
    am = np.abs(leg.m)
    return ((am > TINY) & (am <= 100 + EPS) & (np.abs(leg.y - 50.0) <= 50.0 + EPS)
            & (leg.hsum + leg.m <= 100 + EPS) & (leg.hsgn * leg.m >= 0))


def propose(a: Leg, b: Leg, rate: np.ndarray) -> None:
    """Moves at the given rate: B moves all the way to A's position unless A would then have to
    pass B's; then A moves all the way and B as far as the rate says."""
    full_a, full_b = np.abs(a.t - a.x), np.abs(b.t - b.x)
    d_b = full_b * b.w / b.W
    d_a = rate * d_b
    over = d_a * a.W / a.w > full_a
    d_a = np.where(over, full_a * a.w / a.W, d_a)
    d_b = np.where(over, d_a / rate, d_b)
    a.d, b.d = d_a, d_b
    a.m = a.toward(np.where(over, full_a, d_a * a.W / a.w))
    b.m = b.toward(np.where(over, d_b * b.W / b.w, full_b))
    a.y, b.y = a.x + a.m, b.x + b.m


def gains(a: Leg, b: Leg) -> tuple[np.ndarray, np.ndarray]:
    """Utility gains of A and B from the legs' shifts of the outcomes."""
    return b.d * a.s_dem - a.d * a.s_sup, a.d * b.s_dem - b.d * b.s_sup


def _snap(v: np.ndarray) -> np.ndarray:
    return np.where(np.abs(v) <= EPS, 0.0, v)


def _crosses(x: Leg, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Whether the outcome moving from `before` to `after` passes x's target.

    An outcome within 1e-9 of the target counts as on it, and leaving it is no crossing: the
    reference's check in exact arithmetic (see docs/reference/models.md).
    """
    return _snap(x.t - before) * _snap(x.t - after) < 0


def _capped_size(x: Leg) -> np.ndarray:
    """Size of the move of x that puts its issue's outcome on the target."""
    return np.abs(x.needed() - x.x)


def cap_at_target(x: Leg, y: Leg, conv: np.ndarray, rows: np.ndarray) -> bool:
    """Keep x's move from carrying its issue's outcome past the target (decide's check_nbs).

    Where it would, x moves only as far as puts the outcome on the target and y's shift
    follows by the rate (``conv`` turns a shift of x's issue into one of y's). Returns whether
    any row was capped.
    """
    crossed = rows & _crosses(x, x.outcome_at(x.x), x.outcome_at(x.y))
    if not crossed.any():
        return False
    size = _capped_size(x)
    d_x = size * x.w / x.W
    d_y = conv * d_x
    x.update(crossed, x.toward(size), d_x)
    y.update(crossed, y.toward(np.abs(d_y * y.W / y.w)), d_y)
    return True


def max_utilities(a: Leg, b: Leg) -> tuple[np.ndarray, np.ndarray]:
    """The most each actor could gain (decide's ``calculate_maximum_utility``), per row.

    An actor counts as Pareto-optimal when its voting position equals its own round-start
    position on its demand issue (the partner's target), as in the reference.
    """
    pareto_a = np.abs(b.t - a.y) <= EPS
    pareto_b = np.abs(a.t - b.y) <= EPS
    delta_a = np.abs(a.outcome_at(a.x) - a.outcome_at(np.where(pareto_a, a.y, a.t)))
    delta_b = np.abs(b.outcome_at(b.x) - b.outcome_at(np.where(pareto_b, b.y, b.t)))
    loss_b, gain_a = delta_b * b.s_sup, delta_b * a.s_dem
    loss_a, gain_b = delta_a * a.s_sup, delta_a * b.s_dem
    overwrite = np.where(pareto_a & (gain_b - loss_b > 0),
                         gain_a - loss_b / b.s_dem * a.s_sup, np.nan)
    overwrite = np.where(pareto_b & (gain_a - loss_a > 0),
                         gain_b - loss_a / a.s_dem * b.s_sup, overwrite)
    use_overwrite = ~np.isnan(overwrite) & (overwrite != 0)
    b_leads = gain_a > gain_b
    lead = np.where(b_leads, gain_b - loss_a * b.s_sup / a.s_dem,
                    gain_a - loss_b * a.s_sup / b.s_dem)
    other = np.where(b_leads, gain_b * a.s_dem / b.s_sup - loss_a,
                     gain_a * b.s_dem / a.s_sup - loss_b)
    other = np.where(use_overwrite, overwrite, other)
    return np.where(b_leads, other, lead), np.where(b_leads, lead, other)


def randomise_gain(a: Leg, b: Leg, gain: np.ndarray, draws: np.ndarray, p: float,
                   rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Randomised equal gain (decide's ``p``): one actor gets more or less than the equal gain.

    ``draws`` (rows, 3) are u, v, z: u < 0.5 picks A as the actor X whose gain is drawn, else
    B; v < 0.5 makes X win (its gain moves a fraction p z toward its maximum), else lose (it
    gives up a fraction p z); X's partner Y gets what the moves then leave it. X moves all the
    way unless Y would have to pass X's position, as in :func:`propose`. Returns the two
    actors' gains; moves are updated in place where ``rows`` holds.
    """
    u, v, z = draws[:, 0], draws[:, 1], draws[:, 2]
    eu_max_a, eu_max_b = max_utilities(a, b)
    a_is_x = u < 0.5
    x, y = pick(a_is_x, a, b), pick(a_is_x, b, a)
    eu_max = np.where(a_is_x, eu_max_a, eu_max_b)
    gx = np.where(v < 0.5, gain + p * z * (eu_max - gain), gain - p * z * gain)

    full_x, full_y = np.abs(x.x - x.t), np.abs(y.x - y.t)
    dx = full_x * x.w / x.W
    dy = (gx + dx * x.s_sup) / x.s_dem
    mx, my = full_x, dy * y.W / y.w
    y_full = np.abs(my) > full_y
    # Y would pass X's position: Y moves all the way, X as far as X's drawn gain allows
    dy = np.where(y_full, full_y * y.w / y.W, dy)
    dx = np.where(y_full, np.abs((gx - dy * x.s_dem) / x.s_sup), dx)
    my = np.where(y_full, full_y, my)
    mx = np.where(y_full, dx * x.W / x.w, mx)
    # otherwise keep the outcome of X's issue from passing the target, as the reference does:
    # the shifts are cut back but X's move is not, and its direction is set twice
    signed_full = x.toward(full_x)
    crossed = ~y_full & _crosses(x, x.outcome_at(x.x), x.outcome_at(x.x + signed_full))
    dx = np.where(crossed, _capped_size(x) * x.w / x.W, dx)
    dy = np.where(crossed, (gx + dx * x.s_sup) / x.s_dem, dy)
    my = np.where(crossed, dy * y.W / y.w, my)
    mx = np.where(crossed, signed_full, mx)
    gy = np.abs(dy * y.s_sup - dx * y.s_dem)

    mx, my = x.toward(mx), y.toward(my)
    a.update(rows, np.where(a_is_x, mx, my), np.where(a_is_x, dx, dy))
    b.update(rows, np.where(a_is_x, my, mx), np.where(a_is_x, dy, dx))
    return np.where(a_is_x, gx, gy), np.where(a_is_x, gy, gx)


def calculate(a: Leg, b: Leg, rate: np.ndarray, equal_gain: bool, p: float = 0.0,
              draw=None) -> tuple[np.ndarray, ...]:
    """Compute the exchanges of the rows from their legs' current state.

    Returns (key, gain_a, gain_b, valid): ``key`` orders exchanges (the equal gain, or under a
    random rate the smaller of the two gains). ``draw(k)`` returns (k, 3) uniform numbers for
    the randomised gain; it is called once, for the rows valid before the cap, in row order.
    """
    propose(a, b, rate)
    g_a, g_b = gains(a, b)
    key = np.abs(g_a) if equal_gain else np.minimum(g_a, g_b)
    proposed = move_ok(a) & move_ok(b) & (key >= TINY)
    capped = cap_at_target(a, b, 1.0 / rate, proposed)
    capped |= cap_at_target(b, a, rate, proposed)
    if capped:
        g_a, g_b = gains(a, b)
        key = np.where(proposed, np.abs(g_a), key) if equal_gain else np.minimum(g_a, g_b)
    if p > 0 and proposed.any():
        draws = np.zeros((a.x.shape[0], 3))
        draws[proposed] = draw(int(proposed.sum()))
        r_a, r_b = randomise_gain(a, b, key, draws, p, proposed)
        g_a, g_b = np.where(proposed, r_a, g_a), np.where(proposed, r_b, g_b)
        capped = True
    valid = proposed & move_ok(a) & move_ok(b) if capped else proposed
    return key, g_a, g_b, valid
