"""One round of exchange, compiled: the arithmetic of an exchange, and the queue that realises
exchanges highest gain first.

*An exchange* has two legs. In leg A, actor A shifts its voting position on its supply issue Q
toward B's position there; in leg B, actor B shifts on P toward A's. Everything is on the
0-100 scale. A leg's *shift* is what its move does to its issue's outcome: |move| w / W, with
w = capability x salience of the mover and W the sum of w over the issue's actors. A rate r
(shift on Q per unit of shift on P) fixes the deal; the equal-gain rate
r = (s_AP + s_BP) / (s_AQ + s_BQ) gives both actors the same gain, where
gain of A = shift_P s_AP - shift_Q s_AQ and gain of B = shift_Q s_BQ - shift_P s_BP. The steps
follow decide-exchange-model (Stokman & Van Oosten 1994; package version 2022.1.28) one by one,
including its quirks, which docs/reference/models.md lists.

*The queue.* Every draw of the batch keeps its own queue; they advance together, one
realisation (or one discarded invalid exchange) per step. After an exchange is realised, the
exchanges that share an actor's issue with it are recalculated, as in the package:

* an exchange whose actor *supplies* the same issue as a realised leg's actor (same actor)
  continues from that actor's new voting position;
* an exchange whose actor *demands* the same issue as one of the realised exchange's actors
  takes into account the move that was made in that actor's favour (the "updates": the mover's
  recorded position, kept per demanding actor, issue and mover);
* every exchange remembers the moves its legs were given this round; a leg whose new move
  turns back, or whose moves add up to more than 100, is no longer possible (the package's
  rule).

Exchanges that become invalid leave the queue. Equal gains (within 1e-12 relative) are broken
by the tie rule: ``first`` realises the one listed first; ``random`` does what the package does,
a coin flip between the first two listed, where the loser goes to the back of the queue (and,
when the first one wins, the second is queued once more, so it may be realised twice).

*Compiled.* A round is a sequence of small dependent steps (cop21: about 130 realisations,
each changing the exchanges that follow), so it runs in numba (cached on disk after the first
use). Draws advance in lockstep and take their random numbers, in a fixed order, from one
stream of uniforms that :class:`Uniforms` draws from the generator in blocks, so a batch's
results do not depend on how the work is split. The arithmetic and the queue share this one
module because numba's disk cache only notices changes to the module a function is in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from .candidates import EPS, F_, Candidates

#: Moves and gains at or below this are no exchange (the package's threshold).
TINY = 1e-10
#: Gains this close (relative) are equal.
TIE_RTOL = 1e-12

#: Columns of the per-exchange state.
STATE = (
    "x_a",
    "x_b",
    "m_a",
    "m_b",
    "hs_a",
    "hs_b",
    "hg_a",
    "hg_b",
    "y_a",
    "y_b",
    "d_a",
    "d_b",
    "key",
    "g_a",
    "g_b",
)
S_ = {name: k for k, name in enumerate(STATE)}
#: Columns of a realisation record.
RECORD = ("x_a", "y_a", "x_b", "y_b", "key", "g_a", "g_b")

_jit = nb.njit(cache=True, error_model="numpy")

# state columns, as compile-time constants
_SXA, _SXB, _SMA, _SMB, _SHSA, _SHSB, _SHGA, _SHGB, _SYA, _SYB = range(10)
_SDA, _SDB, _SKEY, _SGA, _SGB = range(10, 15)
_NS = len(STATE)
_REC = tuple(S_[k] for k in RECORD)
_LOG = 2 + len(RECORD)  # a realisation in the log: draw, exchange, RECORD values
# fixed columns
_FTA, _FTB, _FX0A, _FX0B, _FWA, _FWB = (F_[k] for k in ("t_a", "t_b", "x0_a", "x0_b", "w_a", "w_b"))
_FWTA, _FWTB, _FSA, _FSB = (F_[k] for k in ("W_a", "W_b", "S_a", "S_b"))
_FSAP, _FSAQ, _FSBP, _FSBQ = (F_[k] for k in ("s_ap", "s_aq", "s_bp", "s_bq"))
# a leg's numbers (a scratch array of _NL):
# x current position on the supply issue; t the target (the partner's round-start position
# there); x0 own round-start position; w, wt the mover's and the issue's weight; s the sum of
# w x0 over the issue; s_sup / s_dem own saliences; u the shift of the outcome's numerator by
# moves made in the partner's favour (the mover's own excluded); hsum / hsgn the sum and sign
# of the leg's earlier moves this round; m, y, d the move, voting position and shift; rest
# the outcome's numerator without the mover
_X, _T, _X0, _W, _WT, _S, _SSUP, _SDEM, _U, _HSUM, _HSGN, _M, _Y, _D, _REST = range(15)
_NL = 15

# status of a compiled round
_DONE, _SHORT = 0, 1
_EMPTY = -1  # no exchange taken: the queue is empty


# ---------------------------------------------------------------------------------------------
# the arithmetic of one exchange: each leg is a small array of the numbers named above


@_jit
def _outcome_at(g, z):
    """The issue's outcome if the leg's mover stood at z."""
    return (g[_REST] + g[_W] * z) / g[_WT]


@_jit
def _capped_size(g):
    """Size of the move that puts the leg's issue outcome on the target."""
    needed = (g[_T] * g[_WT] - g[_REST]) / g[_W]
    return np.abs(needed - g[_X])


@_jit
def _toward(g, size):
    """A move of the given size in the direction of the leg's target."""
    return -size if g[_X] > g[_T] else size


@_jit
def _set_move(g, move, shift):
    g[_M] = move
    g[_Y] = g[_X] + move
    g[_D] = shift


@_jit
def _move_ok(g):
    """Whether the leg's move may be made (the package's rule): not empty (> 1e-10), at most
    100, the voting position inside [0, 100], the sum of the leg's moves this round at most 100,
    and all of them in the same direction."""
    m = g[_M]
    am = np.abs(m)
    return (
        (am > TINY)
        and (am <= 100 + EPS)
        and (np.abs(g[_Y] - 50.0) <= 50.0 + EPS)
        and (g[_HSUM] + m <= 100 + EPS)
        and (g[_HSGN] * m >= 0)
    )


@_jit
def _snap(v):
    return 0.0 if np.abs(v) <= EPS else v


@_jit
def _crosses(g, before, after):
    """Whether the outcome moving from `before` to `after` passes the leg's target. An outcome
    within 1e-9 of the target counts as on it, and leaving it is no crossing: the package's
    check in exact arithmetic (see docs/reference/models.md)."""
    t = g[_T]
    return _snap(t - before) * _snap(t - after) < 0


@_jit
def _propose(ga, gb, rate):
    """Moves at the given rate: B moves all the way to A's position unless A would then have to
    pass B's; then A moves all the way and B as far as the rate says."""
    full_a = np.abs(ga[_T] - ga[_X])
    full_b = np.abs(gb[_T] - gb[_X])
    d_b = full_b * gb[_W] / gb[_WT]
    d_a = rate * d_b
    if d_a * ga[_WT] / ga[_W] > full_a:
        d_a = full_a * ga[_W] / ga[_WT]
        d_b = d_a / rate
        _set_move(ga, _toward(ga, full_a), d_a)
        _set_move(gb, _toward(gb, d_b * gb[_WT] / gb[_W]), d_b)
    else:
        _set_move(ga, _toward(ga, d_a * ga[_WT] / ga[_W]), d_a)
        _set_move(gb, _toward(gb, full_b), d_b)


@_jit
def _gains(ga, gb):
    """Utility gains of A and B from the legs' shifts of the outcomes."""
    return (gb[_D] * ga[_SDEM] - ga[_D] * ga[_SSUP], ga[_D] * gb[_SDEM] - gb[_D] * gb[_SSUP])


@_jit
def _cap_at_target(gx, gy, conv):
    """Keep leg x's move from carrying its issue's outcome past the target (the package's
    check_nbs): x moves only as far as puts the outcome on the target and y's shift follows by
    the rate (``conv`` turns a shift of x's issue into one of y's). Returns whether capped."""
    if not _crosses(gx, _outcome_at(gx, gx[_X]), _outcome_at(gx, gx[_Y])):
        return False
    size = _capped_size(gx)
    d_x = size * gx[_W] / gx[_WT]
    d_y = conv * d_x
    _set_move(gx, _toward(gx, size), d_x)
    _set_move(gy, _toward(gy, np.abs(d_y * gy[_WT] / gy[_W])), d_y)
    return True


@_jit
def _max_utilities(ga, gb):
    """The most each actor could gain (the package's ``calculate_maximum_utility``). An actor
    counts as Pareto-optimal when its voting position equals its own round-start position on
    its demand issue (the partner's target), as in the package."""
    pareto_a = np.abs(gb[_T] - ga[_Y]) <= EPS
    pareto_b = np.abs(ga[_T] - gb[_Y]) <= EPS
    delta_a = np.abs(_outcome_at(ga, ga[_X]) - _outcome_at(ga, ga[_Y] if pareto_a else ga[_T]))
    delta_b = np.abs(_outcome_at(gb, gb[_X]) - _outcome_at(gb, gb[_Y] if pareto_b else gb[_T]))
    s_asup, s_adem, s_bsup, s_bdem = ga[_SSUP], ga[_SDEM], gb[_SSUP], gb[_SDEM]
    loss_b, gain_a = delta_b * s_bsup, delta_b * s_adem
    loss_a, gain_b = delta_a * s_asup, delta_a * s_bdem
    overwrite = np.nan
    if pareto_a and gain_b - loss_b > 0:
        overwrite = gain_a - loss_b / s_bdem * s_asup
    if pareto_b and gain_a - loss_a > 0:
        overwrite = gain_b - loss_a / s_adem * s_bsup
    if gain_a > gain_b:  # B leads
        lead = gain_b - loss_a * s_bsup / s_adem
        other = gain_b * s_adem / s_bsup - loss_a
    else:
        lead = gain_a - loss_b * s_asup / s_bdem
        other = gain_a * s_bdem / s_asup - loss_b
    if not np.isnan(overwrite) and overwrite != 0:
        other = overwrite
    return (other, lead) if gain_a > gain_b else (lead, other)


@_jit
def _randomise_gain(ga, gb, gain, u, v, z, p):
    """Randomised equal gain (the package's ``p``): one actor gets more or less than the equal
    gain. u < 0.5 picks A as the actor X whose gain is drawn, else B; v < 0.5 makes X win (its
    gain moves a fraction p z toward its maximum), else lose (it gives up a fraction p z); X's
    partner Y gets what the moves then leave it. X moves all the way unless Y would have to pass
    X's position, as in :func:`_propose`. Returns the two actors' gains; moves are updated."""
    eu_max_a, eu_max_b = _max_utilities(ga, gb)
    a_is_x = u < 0.5
    gx, gy = (ga, gb) if a_is_x else (gb, ga)
    eu_max = eu_max_a if a_is_x else eu_max_b
    win = gain + p * z * (eu_max - gain) if v < 0.5 else gain - p * z * gain

    full_x = np.abs(gx[_X] - gx[_T])
    full_y = np.abs(gy[_X] - gy[_T])
    dx = full_x * gx[_W] / gx[_WT]
    dy = (win + dx * gx[_SSUP]) / gx[_SDEM]
    mx, my = full_x, dy * gy[_WT] / gy[_W]
    y_full = np.abs(my) > full_y
    if y_full:
        # Y would pass X's position: Y moves all the way, X as far as X's drawn gain allows
        dy = full_y * gy[_W] / gy[_WT]
        dx = np.abs((win - dy * gx[_SDEM]) / gx[_SSUP])
        my = full_y
        mx = dx * gx[_WT] / gx[_W]
    # otherwise keep the outcome of X's issue from passing the target, as the package does:
    # the shifts are cut back but X's move is not, and its direction is set twice
    signed_full = _toward(gx, full_x)
    if not y_full and _crosses(gx, _outcome_at(gx, gx[_X]), _outcome_at(gx, gx[_X] + signed_full)):
        dx = _capped_size(gx) * gx[_W] / gx[_WT]
        dy = (win + dx * gx[_SSUP]) / gx[_SDEM]
        my = dy * gy[_WT] / gy[_W]
        mx = signed_full
    other = np.abs(dy * gy[_SSUP] - dx * gy[_SDEM])
    mx, my = _toward(gx, mx), _toward(gy, my)
    _set_move(gx, mx, dx)
    _set_move(gy, my, dy)
    return (win, other) if a_is_x else (other, win)


@_jit
def _uniform(u, pos):
    """The next number of the stream; past its end, a placeholder (the round is then rerun)."""
    k = pos[0]
    pos[0] = k + 1
    return u[k] if k < u.shape[0] else 0.5


@_jit
def _calculate(ga, gb, rate, equal_gain, p, u, pos):
    """Compute an exchange from its legs' current state: (key, gain A, gain B, valid).

    ``key`` orders exchanges (the equal gain, or under a random rate the smaller of the two
    gains). With ``p`` > 0 an exchange valid before the cap draws u, v, z from the stream.
    """
    _propose(ga, gb, rate)
    g_a, g_b = _gains(ga, gb)
    key = np.abs(g_a) if equal_gain else np.minimum(g_a, g_b)
    if not (_move_ok(ga) and _move_ok(gb) and key >= TINY):
        return key, g_a, g_b, False
    capped_a = _cap_at_target(ga, gb, 1.0 / rate)
    capped_b = _cap_at_target(gb, ga, rate)
    if capped_a or capped_b:
        g_a, g_b = _gains(ga, gb)
        key = np.abs(g_a) if equal_gain else np.minimum(g_a, g_b)
    if p > 0:
        uu = _uniform(u, pos)
        vv = _uniform(u, pos)
        zz = _uniform(u, pos)
        g_a, g_b = _randomise_gain(ga, gb, key, uu, vv, zz, p)
    return key, g_a, g_b, _move_ok(ga) and _move_ok(gb)


# ---------------------------------------------------------------------------------------------
# the queue: per draw, per exchange, the sorted keys of its entries (its places in the queue)


@_jit
def _set_count(count, listed, state, d, e, c):
    count[d, e] = c
    listed[d, e] = state[d, e, _SKEY] if c > 0 else -np.inf


@_jit
def _unlist(keys, count, listed, d, e):
    """Take every entry of exchange e of draw d out of the queue."""
    for k in range(keys.shape[2]):
        keys[d, e, k] = np.inf
    count[d, e] = 0
    listed[d, e] = -np.inf


@_jit
def _remove_entry(keys, count, listed, state, d, e, key):
    """Drop the entry with the given key (the row stays sorted, unused places last)."""
    row = keys[d, e]
    j = 0
    while j < row.shape[0] - 1 and row[j] != key:
        j += 1
    while j < row.shape[0] - 1:
        row[j] = row[j + 1]
        j += 1
    row[j] = np.inf
    _set_count(count, listed, state, d, e, count[d, e] - 1)


@_jit
def _add_entry(keys, count, listed, state, next_key, d, e):
    """Queue exchange e of draw d at the back; returns the keys (grown when full)."""
    B, F, K = keys.shape
    if count[d, e] >= K:
        grown = np.empty((B, F, K + 1))
        for i in range(B):
            for j in range(F):
                for k in range(K):
                    grown[i, j, k] = keys[i, j, k]
                grown[i, j, K] = np.inf
        keys = grown
    keys[d, e, count[d, e]] = next_key[d]
    next_key[d] += 1
    _set_count(count, listed, state, d, e, count[d, e] + 1)
    return keys


@_jit
def _pop(keys, count, listed, state, next_key, d, random_ties, u, pos):
    """Take draw d's best entry: (exchange or _EMPTY, keys)."""
    F = listed.shape[1]
    top = -np.inf
    for e in range(F):
        v = listed[d, e]
        if np.isnan(v):  # as numpy's max: NaN wins (and then nothing is taken)
            top = v
            break
        top = max(top, v)
    floor = top - TIE_RTOL * np.abs(top) if np.isfinite(top) else np.inf
    # the two earliest entries among the exchanges tied for the top
    first = nxt = np.intp(_EMPTY)
    for e in range(F):
        if listed[d, e] >= floor:
            k0 = keys[d, e, 0]
            if first < 0 or k0 < keys[d, first, 0]:
                first, nxt = e, first
            elif nxt < 0 or k0 < keys[d, nxt, 0]:
                nxt = e
    if first < 0:
        return first, keys
    first_key = keys[d, first, 0]
    second, second_key = first, keys[d, first, 1] if keys.shape[2] > 1 else np.inf
    if nxt >= 0 and keys[d, nxt, 0] < second_key:
        second, second_key = nxt, keys[d, nxt, 0]
    taken = first
    _remove_entry(keys, count, listed, state, d, first, first_key)
    if random_ties and np.isfinite(second_key):
        if _uniform(u, pos) >= 0.5:
            # the first goes to the back of the queue and the second is taken ...
            keys = _add_entry(keys, count, listed, state, next_key, d, first)
            _remove_entry(keys, count, listed, state, d, second, second_key)
            taken = second
        else:
            # ... or the first is taken and the second queued once more
            keys = _add_entry(keys, count, listed, state, next_key, d, second)
    return taken, keys


# ---------------------------------------------------------------------------------------------
# the round


@_jit
def _load_leg(g, x, t, x0, w, wt, s, s_sup, s_dem, u, hsum, hsgn):
    g[_X], g[_T], g[_X0], g[_W], g[_WT], g[_S] = x, t, x0, w, wt, s
    g[_SSUP], g[_SDEM], g[_U], g[_HSUM], g[_HSGN] = s_sup, s_dem, u, hsum, hsgn
    g[_REST] = g[_S] - g[_W] * g[_X0] + g[_U]


@_jit
def _recalculate(
    ga,
    gb,
    d,
    e,
    fixed,
    state,
    rate,
    a,
    b,
    p,
    q,
    upd_sum,
    upd_shift,
    count,
    listed,
    valid,
    equal_gain,
    pgain,
    u,
    pos,
):
    """Recompute exchange e of draw d from its state; returns whether it is valid."""
    f = fixed[d, e]
    st = state[d, e]
    ea, eb, ep, eq = a[d, e], b[d, e], p[d, e], q[d, e]
    _load_leg(
        ga,
        st[_SXA],
        f[_FTA],
        f[_FX0A],
        f[_FWA],
        f[_FWTA],
        f[_FSA],
        f[_FSAQ],
        f[_FSAP],
        upd_sum[d, eb, eq] - upd_shift[d, eb, eq, ea],
        st[_SHSA],
        st[_SHGA],
    )
    _load_leg(
        gb,
        st[_SXB],
        f[_FTB],
        f[_FX0B],
        f[_FWB],
        f[_FWTB],
        f[_FSB],
        f[_FSBP],
        f[_FSBQ],
        upd_sum[d, ea, ep] - upd_shift[d, ea, ep, eb],
        st[_SHSB],
        st[_SHGB],
    )
    key, g_a, g_b, ok = _calculate(ga, gb, rate[d, e], equal_gain, pgain, u, pos)
    st[_SMA], st[_SMB], st[_SYA], st[_SYB] = ga[_M], gb[_M], ga[_Y], gb[_Y]
    st[_SDA], st[_SDB] = ga[_D], gb[_D]
    st[_SKEY], st[_SGA], st[_SGB] = key, g_a, g_b
    valid[d, e] = ok
    listed[d, e] = key if count[d, e] > 0 else -np.inf
    return ok


@_jit
def _move_on(st, commit_a, commit_b, x_a, x_b):
    """Before a recalculation: where ``commit_a``/``commit_b`` hold, the leg's last move joins
    its history; ``x_a``/``x_b`` (NaN = unchanged) give legs new positions."""
    st[_SHSA] += st[_SMA] if commit_a else 0.0
    st[_SHSB] += st[_SMB] if commit_b else 0.0
    if commit_a:
        st[_SHGA] = np.sign(st[_SMA])
    if commit_b:
        st[_SHGB] = np.sign(st[_SMB])
    if not np.isnan(x_a):
        st[_SXA] = x_a
    if not np.isnan(x_b):
        st[_SXB] = x_b


@_jit
def _record_update(upd, upd_shift, upd_sum, d, demander, issue, mover, y, start, w):
    """Record a mover's new position in favour of a demander (the package's "updates"): when
    the mover moves again, the smaller of its recorded and new positions is kept if the
    recorded one is at or above its start, else the larger."""
    old = upd[d, demander, issue, mover]
    if np.isnan(old):
        new = y
    elif start <= old:
        new = np.minimum(old, y)
    else:
        new = np.maximum(old, y)
    shift = w * (new - start)
    upd_sum[d, demander, issue] += shift - upd_shift[d, demander, issue, mover]
    upd_shift[d, demander, issue, mover] = shift
    upd[d, demander, issue, mover] = new


@_jit
def _index(codes_a, codes_b, exists, size):
    """Per draw, the exchanges listed by code (CSR): rows[d, start[d, c]:start[d, c + 1]]."""
    B, F = exists.shape
    start = np.zeros((B, size + 1), dtype=np.int64)
    rows = np.zeros((B, 2 * F), dtype=np.int64)
    for d in range(B):
        for e in range(F):
            if exists[d, e]:
                start[d, codes_a[d, e] + 1] += 1
                start[d, codes_b[d, e] + 1] += 1
        for c in range(size):
            start[d, c + 1] += start[d, c]
        fill = start[d, :size].copy()
        for e in range(F):
            if exists[d, e]:
                for c in (codes_a[d, e], codes_b[d, e]):
                    rows[d, fill[c]] = e
                    fill[c] += 1
    return start, rows


@_jit
def _collect(start, rows, d, c, count, valid, seen, stamp, touched, t):
    """Add draw d's listed valid exchanges under code c to touched[d, t:] (once each)."""
    for r in range(start[d, c], start[d, c + 1]):
        o = rows[d, r]
        if seen[o] != stamp and count[d, o] > 0 and valid[d, o]:
            seen[o] = stamp
            touched[d, t] = o
            t += 1
    return t


@_jit
def _touch(
    d,
    e,
    state,
    fixed,
    a,
    b,
    p,
    q,
    upd,
    upd_shift,
    upd_sum,
    keys,
    count,
    listed,
    valid,
    stale,
    sup_a,
    sup_b,
    dem_a,
    dem_b,
    by_supply,
    by_demand,
    seen,
    stamp,
    touched,
    side_a,
    side_b,
    to_a,
    to_b,
):
    """Realise exchange e of draw d: record the moves in its demanders' favour, clear invalid
    exchanges from the queue, and list in touched[d] (in queue order) the exchanges that share
    an actor's issue with it, with the new positions of their legs. Returns how many."""
    y_a, y_b = state[d, e, _SYA], state[d, e, _SYB]
    ea, eb, ep, eq = a[d, e], b[d, e], p[d, e], q[d, e]
    # B demands q, where A moved; A demands p, where B moved
    _record_update(
        upd, upd_shift, upd_sum, d, eb, eq, ea, y_a, fixed[d, e, _FX0A], fixed[d, e, _FWA]
    )
    _record_update(
        upd, upd_shift, upd_sum, d, ea, ep, eb, y_b, fixed[d, e, _FX0B], fixed[d, e, _FWB]
    )
    if stale[d]:  # invalid exchanges still listed leave the queue
        for o in range(keys.shape[1]):
            if count[d, o] > 0 and not valid[d, o]:
                _unlist(keys, count, listed, d, o)
        stale[d] = False
    ra, rb = sup_a[d, e], sup_b[d, e]
    t = np.intp(0)
    for c in (ra, rb):
        t = _collect(by_supply[0], by_supply[1], d, c, count, valid, seen, stamp, touched, t)
    for c in (dem_a[d, e], dem_b[d, e]):
        t = _collect(by_demand[0], by_demand[1], d, c, count, valid, seen, stamp, touched, t)
    for i in range(1, t):  # insertion sort: the lists are short
        o = touched[d, i]
        j = i
        while j > 0 and keys[d, touched[d, j - 1], 0] > keys[d, o, 0]:
            touched[d, j] = touched[d, j - 1]
            j -= 1
        touched[d, j] = o
    for i in range(t):
        o = touched[d, i]
        side_a[d, i] = sup_a[d, o] == ra or sup_a[d, o] == rb
        side_b[d, i] = sup_b[d, o] == ra or sup_b[d, o] == rb
        to_a[d, i] = (y_a if sup_a[d, o] == ra else y_b) if side_a[d, i] else np.nan
        to_b[d, i] = (y_a if sup_b[d, o] == ra else y_b) if side_b[d, i] else np.nan
    return t


@_jit
def _grow(a, size):
    """A float array with room for ``size`` entries (the old ones kept)."""
    if size <= a.shape[0]:
        return a
    out = np.empty(max(size, 2 * a.shape[0]))
    for i in range(a.shape[0]):
        out[i] = a[i]
    return out


@_jit
def _round(
    exists,
    a,
    b,
    p,
    q,
    codes,
    listing,
    fixed,
    rate,
    x0,
    equal_gain,
    pgain,
    random_ties,
    only_start,
    u,
    upos,
    first_key,
    next_key0,
):
    """Run one round for every draw; see the module docstring.

    ``codes`` are the actor-issue codes (actor * m + issue) of the supply and demand issues of
    legs A and B; ``listing`` (B, F) gives each draw's exchanges in listing order (existing
    ones first); ``first_key`` their places in the queue. Returns (status, stream position,
    state, valid,
    voting positions, and the log of realisations in order, flat).
    Status _SHORT means the stream ran out: rerun the round with more numbers.
    """
    B, F = exists.shape
    n, m = x0.shape[1], x0.shape[2]
    pos = np.empty(1, dtype=np.int64)
    pos[0] = upos
    state = np.zeros((B, F, _NS))
    valid = np.zeros((B, F), dtype=np.bool_)
    count = np.zeros((B, F), dtype=np.int64)
    keys = np.empty((B, F, 1))
    listed = np.empty((B, F))
    next_key = np.empty(B)
    for d in range(B):
        next_key[d] = next_key0
        for e in range(F):
            state[d, e, _SXA] = fixed[d, e, _FX0A]
            state[d, e, _SXB] = fixed[d, e, _FX0B]
            count[d, e] = 1 if exists[d, e] else 0
            keys[d, e, 0] = first_key[d, e] if exists[d, e] else np.inf
            listed[d, e] = -np.inf
    upd = np.empty((B, n, m, n))
    upd.fill(np.nan)
    upd_shift = np.zeros((B, n, m, n))
    upd_sum = np.zeros((B, n, m))
    sup_a, sup_b, dem_a, dem_b = codes
    by_supply = _index(sup_a, sup_b, exists, n * m)
    by_demand = _index(dem_a, dem_b, exists, n * m)
    ga, gb = np.empty(_NL), np.empty(_NL)
    log = np.empty(64 * _LOG)  # per realisation: draw, exchange, RECORD values
    n_log = 0
    vote = x0.copy()
    taken = np.zeros(B, dtype=np.int64)
    touched = np.zeros((B, F), dtype=np.int64)
    n_touched = np.zeros(B, dtype=np.int64)
    side_a = np.zeros((B, F), dtype=np.bool_)
    side_b = np.zeros((B, F), dtype=np.bool_)
    to_a = np.zeros((B, F))
    to_b = np.zeros((B, F))
    seen = np.zeros(F, dtype=np.int64)
    stamp = 0
    # whether a draw may have invalid exchanges listed (all may, at the start)
    stale = np.ones(B, dtype=np.bool_)

    # Draws that take random numbers advance together (the stream's order depends on it);
    # without random numbers each draw runs on its own, which keeps its data in cache.
    group = B if random_ties or pgain > 0 else 1
    for d0 in range(0, B, group):
        d1 = min(B, d0 + group)
        # every exchange from the round's start positions, in listing order
        for d in range(d0, d1):
            for i in range(F):
                e = listing[d, i]
                if not exists[d, e]:
                    break
                _recalculate(
                    ga,
                    gb,
                    d,
                    e,
                    fixed,
                    state,
                    rate,
                    a,
                    b,
                    p,
                    q,
                    upd_sum,
                    upd_shift,
                    count,
                    listed,
                    valid,
                    equal_gain,
                    pgain,
                    u,
                    pos,
                )
        if pos[0] > u.shape[0]:
            return _SHORT, pos[0], state, valid, vote, log[:0]
        if only_start:
            continue
        while True:
            any_taken = False
            for d in range(d0, d1):
                if taken[d] == _EMPTY:
                    continue  # an empty queue stays empty
                e, keys = _pop(keys, count, listed, state, next_key, d, random_ties, u, pos)
                taken[d] = e
                any_taken |= e >= 0
            if pos[0] > u.shape[0]:
                return _SHORT, pos[0], state, valid, vote, log[:0]
            if not any_taken:
                break
            for d in range(d0, d1):
                n_touched[d] = 0
                e = taken[d]
                if e < 0 or not valid[d, e]:
                    continue
                log = _grow(log, (n_log + 1) * _LOG)
                log[n_log * _LOG], log[n_log * _LOG + 1] = d, e
                for k in range(len(_REC)):
                    log[n_log * _LOG + 2 + k] = state[d, e, _REC[k]]
                n_log += 1
                stamp += 1
                n_touched[d] = _touch(
                    d,
                    e,
                    state,
                    fixed,
                    a,
                    b,
                    p,
                    q,
                    upd,
                    upd_shift,
                    upd_sum,
                    keys,
                    count,
                    listed,
                    valid,
                    stale,
                    sup_a,
                    sup_b,
                    dem_a,
                    dem_b,
                    by_supply,
                    by_demand,
                    seen,
                    stamp,
                    touched,
                    side_a,
                    side_b,
                    to_a,
                    to_b,
                )
            # recalculate: an exchange listed k times is recalculated k times (its history
            # grows each time); all draws' first recalculations, then all second ones, ...
            level = 0
            while True:
                left = False
                for d in range(d0, d1):
                    k = 0
                    for i in range(n_touched[d]):
                        o = touched[d, i]
                        _move_on(state[d, o], side_a[d, i], side_b[d, i], to_a[d, i], to_b[d, i])
                        ok = _recalculate(
                            ga,
                            gb,
                            d,
                            o,
                            fixed,
                            state,
                            rate,
                            a,
                            b,
                            p,
                            q,
                            upd_sum,
                            upd_shift,
                            count,
                            listed,
                            valid,
                            equal_gain,
                            pgain,
                            u,
                            pos,
                        )
                        if not ok and level == 0:
                            _unlist(keys, count, listed, d, o)
                        elif not ok:  # the earlier entries stay listed, though it is invalid
                            for k in range(level, keys.shape[2]):
                                keys[d, o, k] = np.inf
                            _set_count(count, listed, state, d, o, min(count[d, o], level))
                            stale[d] = True
                        elif count[d, o] > level + 1:
                            touched[d, k], side_a[d, k] = o, side_a[d, i]
                            side_b[d, k], to_a[d, k], to_b[d, k] = (
                                side_b[d, i],
                                to_a[d, i],
                                to_b[d, i],
                            )
                            k += 1
                    n_touched[d] = k
                    left |= k > 0
                level += 1
                if not left:
                    break
            if pos[0] > u.shape[0]:
                return _SHORT, pos[0], state, valid, vote, log[:0]

    # voting positions: every realised leg's current voting position, later ones last
    for i in range(n_log):
        d, e = int(log[i * _LOG]), int(log[i * _LOG + 1])
        vote[d, a[d, e], q[d, e]] = state[d, e, _SYA]
        vote[d, b[d, e], p[d, e]] = state[d, e, _SYB]
    return _DONE, pos[0], state, valid, vote, log[: n_log * _LOG]


# ---------------------------------------------------------------------------------------------
# Python side


class Uniforms:
    """A generator's uniform numbers, drawn in blocks and handed out in order.

    Compiled rounds cannot call the generator, so they read from a block; when it runs out
    the round is rerun with a longer one. Every consumer takes the numbers in the same order as
    if it had drawn them one by one, so results do not depend on the block size.
    """

    def __init__(self, rng) -> None:
        self.rng = rng
        self.block = np.empty(0)
        self.pos = 0

    def more(self, at_least: int = 1) -> None:
        """Append fresh numbers (at least ``at_least``, and as many as are left unread)."""
        fresh = np.asarray(self.rng.random(max(at_least, len(self.block), 1024)), dtype=float)
        self.block = np.concatenate([self.block[self.pos :], fresh])
        self.pos = 0

    def take(self, k: int) -> np.ndarray:
        if len(self.block) - self.pos < k:
            self.more(k)
        out = self.block[self.pos : self.pos + k]
        self.pos += k
        return out


_NO_STREAM = np.empty(0)


@dataclass(frozen=True, eq=False)
class RoundResult:
    """Voting positions (B, n, m) after the round, realisations per draw (B,), and the
    realisations in order: draw, actors/issues (a supplies q, b supplies p) and RECORD values."""

    vote: np.ndarray
    count: np.ndarray
    draw: np.ndarray
    a: np.ndarray
    b: np.ndarray
    p: np.ndarray
    q: np.ndarray
    values: np.ndarray


def _compiled_round(
    cand: Candidates,
    x: np.ndarray,
    rate: np.ndarray,
    equal_gain: bool,
    p: float,
    random_ties: bool,
    stream: Uniforms | None,
    only_start: bool,
):
    c = cand
    next_key = float(c.order.max(initial=0.0)) + 1.0
    listing = np.argsort(np.where(c.exists, c.order, np.inf), axis=1, kind="stable")
    m = x.shape[2]
    codes = tuple(
        np.ascontiguousarray(v)
        for v in (c.a * m + c.q, c.b * m + c.p, c.a * m + c.p, c.b * m + c.q)
    )
    c_exists, c_a, c_b, c_p, c_q = (np.ascontiguousarray(v) for v in (c.exists, c.a, c.b, c.p, c.q))
    c_listing, c_fixed, c_rate, c_x = (np.ascontiguousarray(v) for v in (listing, c.fixed, rate, x))
    args = (c_exists, c_a, c_b, c_p, c_q, codes, c_listing, c_fixed, c_rate, c_x)
    while True:
        u, upos = (stream.block, stream.pos) if stream is not None else (_NO_STREAM, 0)
        out = _round(
            *args,
            equal_gain,
            float(p),
            random_ties,
            only_start,
            u,
            upos,
            np.ascontiguousarray(c.order),
            next_key,
        )
        if out[0] == _DONE:
            if stream is not None:
                stream.pos = int(out[1])
            state, valid, vote, log = out[2:]
            log = log.reshape(-1, _LOG)
            return (
                state,
                valid,
                vote,
                log[:, 0].astype(np.intp),
                log[:, 1].astype(np.intp),
                log[:, 2:],
            )
        assert stream is not None  # without a stream the kernel never asks for more uniforms
        stream.more(int(out[1]) - len(u))


def start_round(
    cand: Candidates,
    x: np.ndarray,
    rate: np.ndarray,
    equal_gain: bool,
    p: float,
    stream: Uniforms | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every exchange computed from the round's start positions: (state, valid)."""
    state, valid, *_ = _compiled_round(cand, x, rate, equal_gain, p, False, stream, True)
    return state, valid


def run_round(
    cand: Candidates,
    x: np.ndarray,
    rate: np.ndarray,
    equal_gain: bool,
    p: float,
    random_ties: bool,
    stream: Uniforms | None,
) -> RoundResult:
    """One round for every draw of the batch (x: the round's start positions, (B, n, m))."""
    _, _, vote, draw, e, values = _compiled_round(
        cand, x, rate, equal_gain, p, random_ties, stream, False
    )
    count = np.bincount(draw, minlength=x.shape[0]).astype(np.int64)
    c = cand
    return RoundResult(
        vote, count, draw, c.a[draw, e], c.b[draw, e], c.p[draw, e], c.q[draw, e], values
    )
