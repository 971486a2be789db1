"""One round of exchange: realise exchanges, highest gain first, until none is left.

Every draw of the batch keeps its own queue; they advance together, one realisation (or one
discarded invalid exchange) per step. After an exchange is realised, the exchanges that share
an actor's issue with it are recalculated, as in decide-exchange-model:

* an exchange whose actor *supplies* the same issue as a realised leg's actor (same actor)
  continues from that actor's new voting position;
* an exchange whose actor *demands* the same issue as one of the realised exchange's actors
  takes into account the move that was made in that actor's favour (the "updates": the mover's
  recorded position, kept per demanding actor, issue and mover);
* every exchange remembers the moves its legs were given this round; a leg whose new move
  turns back, or whose moves add up to more than 100, is no longer possible (decide's rule).

Exchanges that become invalid leave the queue. Equal gains (within 1e-12 relative) are broken
by the tie rule: ``"first"`` realises the one listed first; ``"random"`` does what the reference
does, a coin flip between the first two listed, where the loser goes to the back of the queue
(and, when the first one wins, the second is queued once more, so it may be realised twice).
The queue lists exchanges in the reference's order of creation; an exchange sent to the back
comes after all others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import rules
from .candidates import F_ as FIX
from .candidates import FIXED, Candidates

#: Columns of the per-exchange state.
STATE = ("x_a", "x_b", "m_a", "m_b", "hs_a", "hs_b", "hg_a", "hg_b", "y_a", "y_b",
         "d_a", "d_b", "key", "g_a", "g_b")
S_ = {name: k for k, name in enumerate(STATE)}
_RESULTS = [S_[k] for k in ("m_a", "m_b", "y_a", "y_b", "d_a", "d_b", "key", "g_a", "g_b")]
#: Columns of a realisation record.
RECORD = ("x_a", "y_a", "x_b", "y_b", "key", "g_a", "g_b")
TIE_RTOL = 1e-12


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


def _index(codes: list[np.ndarray], rows: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Rows listed by code (CSR): rows[start[c]:start[c + 1]] hold code c."""
    allc = np.concatenate(codes)
    allr = np.concatenate([rows] * len(codes))
    order = np.argsort(allc, kind="stable")
    start = np.searchsorted(allc[order], np.arange(size + 1))
    return allr[order], start


def _lookup(index: tuple[np.ndarray, np.ndarray], codes: np.ndarray) -> np.ndarray:
    """All rows listed under any of the codes (with repeats)."""
    rows, start = index
    lo, hi = start[codes], start[codes + 1]
    n = hi - lo
    total = int(n.sum())
    if total == 0:
        return np.zeros(0, dtype=np.intp)
    offsets = np.repeat(lo - np.cumsum(n) + n, n)
    return rows[offsets + np.arange(total)]


class Round:
    """The queue and state of one round for a batch of draws."""

    def __init__(self, cand: Candidates, x: np.ndarray, w: np.ndarray, rate: np.ndarray,
                 equal_gain: bool, p: float, draw) -> None:
        self.c = cand
        B, F = self.B, self.F = cand.exists.shape
        n, m = self.n, self.m = x.shape[1], x.shape[2]
        self.x0 = x
        self.rate = rate
        self.equal_gain, self.p, self.draw = equal_gain, p, draw
        self.state = np.zeros((B, F, len(STATE)))
        self.state[..., S_["x_a"]] = cand.column("x0_a")
        self.state[..., S_["x_b"]] = cand.column("x0_b")
        self.valid = np.zeros((B, F), dtype=bool)
        self.count = cand.exists.astype(np.int64)
        self.keys = np.where(cand.exists, cand.order, np.inf)[..., None]
        self.listed_gain = np.full((B, F), -np.inf)
        self.next_key = np.full(B, float(cand.order.max(initial=0.0)) + 1.0)
        # moves recorded in favour of (demanding actor, issue), per mover: the position (NaN =
        # none), its weighted shift of the issue's outcome numerator, and their sum
        self.upd = np.full((B, n, m, n), np.nan)
        self.upd_shift = np.zeros((B, n, m, n))
        self.upd_sum = np.zeros((B, n, m))
        # actor-issue codes of the legs, unique per draw; rows of exchanges by code
        base = (np.arange(B) * n * m)[:, None]
        self.sup_a = base + cand.a * m + cand.q
        self.sup_b = base + cand.b * m + cand.p
        self.dem_a = base + cand.a * m + cand.p
        self.dem_b = base + cand.b * m + cand.q
        bi, ei = np.nonzero(cand.exists)
        rows = bi * F + ei
        size = B * n * m
        self.by_supply = _index([self.sup_a[bi, ei], self.sup_b[bi, ei]], rows, size)
        self.by_demand = _index([self.dem_a[bi, ei], self.dem_b[bi, ei]], rows, size)
        self.stale = True  # whether invalid exchanges may still be listed
        self.log: list[tuple[np.ndarray, np.ndarray]] = []
        self.records: list[tuple[np.ndarray, ...]] = []

    # -- arithmetic on a set of rows --------------------------------------------------------
    def _offset(self, bi, demander, issue, mover) -> np.ndarray:
        """Shift of the issue's outcome numerator by moves made in the demander's favour,
        the mover's own excluded (it stands where the exchange puts it)."""
        return self.upd_sum[bi, demander, issue] - self.upd_shift[bi, demander, issue, mover]

    def _recalculate(self, bi: np.ndarray, ei: np.ndarray, commit_a=None, commit_b=None,
                     x_a=None, x_b=None) -> np.ndarray:
        """Recompute the exchanges at rows (bi, ei); returns whether each is valid.

        Before that, where ``commit_a``/``commit_b`` hold, the leg's last move joins its
        history, and ``x_a``/``x_b`` (NaN = unchanged) give legs new positions.
        """
        c = self.c
        f = c.fixed[bi, ei].T
        st = self.state[bi, ei].T.copy()
        if commit_a is not None:
            for flag, m, hs, hg in ((commit_a, "m_a", "hs_a", "hg_a"),
                                    (commit_b, "m_b", "hs_b", "hg_b")):
                st[S_[hs]] += np.where(flag, st[S_[m]], 0.0)
                st[S_[hg]] = np.where(flag, np.sign(st[S_[m]]), st[S_[hg]])
        if x_a is not None:
            st[S_["x_a"]] = np.where(np.isnan(x_a), st[S_["x_a"]], x_a)
            st[S_["x_b"]] = np.where(np.isnan(x_b), st[S_["x_b"]], x_b)
        col = dict(zip(FIXED, f, strict=True))
        a_, b_, p_, q_ = c.a[bi, ei], c.b[bi, ei], c.p[bi, ei], c.q[bi, ei]
        leg_a = rules.Leg(x=st[S_["x_a"]], t=col["t_a"], x0=col["x0_a"], w=col["w_a"],
                          W=col["W_a"], S=col["S_a"], s_sup=col["s_aq"], s_dem=col["s_ap"],
                          U=self._offset(bi, b_, q_, a_),
                          hsum=st[S_["hs_a"]], hsgn=st[S_["hg_a"]])
        leg_b = rules.Leg(x=st[S_["x_b"]], t=col["t_b"], x0=col["x0_b"], w=col["w_b"],
                          W=col["W_b"], S=col["S_b"], s_sup=col["s_bp"], s_dem=col["s_bq"],
                          U=self._offset(bi, a_, p_, b_),
                          hsum=st[S_["hs_b"]], hsgn=st[S_["hg_b"]])
        key, g_a, g_b, valid = rules.calculate(
            leg_a, leg_b, self.rate[bi, ei], self.equal_gain, self.p, self.draw)
        st[_RESULTS] = (leg_a.m, leg_b.m, leg_a.y, leg_b.y, leg_a.d, leg_b.d, key, g_a, g_b)
        self.state[bi, ei] = st.T
        self.valid[bi, ei] = valid
        self.listed_gain[bi, ei] = np.where(self.count[bi, ei] > 0, key, -np.inf)
        return valid

    # -- the queue ----------------------------------------------------------------------------
    def _set_count(self, bi, ei, count) -> None:
        self.count[bi, ei] = count
        self.listed_gain[bi, ei] = np.where(count > 0, self.state[bi, ei, S_["key"]], -np.inf)

    def _remove_entry(self, bi, ei, key) -> None:
        rows = self.keys[bi, ei]
        rows[np.arange(len(bi)), np.argmax(rows == key[:, None], axis=1)] = np.inf
        rows.sort(axis=1)
        self.keys[bi, ei] = rows
        self._set_count(bi, ei, self.count[bi, ei] - 1)

    def _add_entry(self, bi, ei) -> None:
        if not len(bi):
            return
        if self.count[bi, ei].max() >= self.keys.shape[2]:
            self.keys = np.concatenate([self.keys, np.full((self.B, self.F, 1), np.inf)], axis=2)
        self.keys[bi, ei, self.count[bi, ei]] = self.next_key[bi]
        self.next_key[bi] += 1
        self._set_count(bi, ei, self.count[bi, ei] + 1)

    def _keep_entries(self, bi, ei, keep: np.ndarray) -> None:
        """Keep only the first `keep` entries of each row."""
        rows = self.keys[bi, ei]
        rows[np.arange(rows.shape[1])[None, :] >= keep[:, None]] = np.inf
        self.keys[bi, ei] = rows
        self._set_count(bi, ei, np.minimum(self.count[bi, ei], keep))

    def _pop(self, rng, random_ties: bool) -> tuple[np.ndarray, np.ndarray]:
        """Take the best entry of each draw's queue; returns (draws, exchanges) taken."""
        top = self.listed_gain.max(axis=1, initial=-np.inf)
        floor = np.where(np.isfinite(top), top - TIE_RTOL * np.abs(top), np.inf)
        tb, te = np.nonzero(self.listed_gain >= floor[:, None])
        k0 = self.keys[tb, te, 0]
        if len(tb) > 1 and (tb[1:] == tb[:-1]).any():
            # several exchanges tie for the top in some draw: order them by queue position
            order = np.lexsort((k0, tb))
            tb, te, k0 = tb[order], te[order], k0[order]
            start = np.flatnonzero(np.concatenate([[True], tb[1:] != tb[:-1]]))
            nxt = np.minimum(start + 1, len(tb) - 1)
            has_next = np.diff(np.concatenate([start, [len(tb)]])) > 1
        else:
            start = nxt = np.arange(len(tb))
            has_next = np.zeros(len(tb), dtype=bool)
        draws, first, first_key = tb[start], te[start], k0[start]
        # the second entry: the first one's next entry, or the next exchange in the tie
        second_key = self.keys[draws, first, 1] if self.keys.shape[2] > 1 else \
            np.full(len(draws), np.inf)
        other = has_next & (k0[nxt] < second_key)
        second_key = np.where(other, k0[nxt], second_key)
        second = np.where(other, te[nxt], first)
        taken = first.copy()
        self._remove_entry(draws, first, first_key)
        tie = np.isfinite(second_key)
        if random_ties and tie.any():
            t = np.flatnonzero(tie)
            coin = np.asarray(rng.random(len(t)))
            swap, dup = t[coin >= 0.5], t[coin < 0.5]
            # the first goes to the back of the queue and the second is taken ...
            self._add_entry(draws[swap], first[swap])
            self._remove_entry(draws[swap], second[swap], second_key[swap])
            taken[swap] = second[swap]
            # ... or the first is taken and the second queued once more
            self._add_entry(draws[dup], second[dup])
        return draws, taken

    # -- realising ----------------------------------------------------------------------------
    def _record_updates(self, bi, demander, issue, mover, y, start, w) -> None:
        """Record movers' new positions in favour of demanders (decide's "updates")."""
        old = self.upd[bi, demander, issue, mover]
        new = np.where(np.isnan(old), y,
                       np.where(start <= old, np.minimum(old, y), np.maximum(old, y)))
        shift = w * (new - start)
        self.upd_sum[bi, demander, issue] += shift - self.upd_shift[bi, demander, issue, mover]
        self.upd_shift[bi, demander, issue, mover] = shift
        self.upd[bi, demander, issue, mover] = new

    def _touched(self, bi: np.ndarray, ei: np.ndarray):
        """Listed valid exchanges sharing an actor's issue with the realised ones.

        Returns their rows (in queue order per draw), the realisation each belongs to, and
        whether leg A / leg B supplies the issue of a realised leg (same actor).
        """
        sup = np.concatenate([self.sup_a[bi, ei], self.sup_b[bi, ei]])
        dem = np.concatenate([self.dem_a[bi, ei], self.dem_b[bi, ei]])
        rows = np.unique(np.concatenate([_lookup(self.by_supply, sup),
                                         _lookup(self.by_demand, dem)]))
        tb, te = np.divmod(rows, self.F)
        keep = (self.count[tb, te] > 0) & self.valid[tb, te]
        tb, te = tb[keep], te[keep]
        which = np.full(self.B, -1)
        which[bi] = np.arange(len(bi))
        li = which[tb]
        sa, sb = self.sup_a[bi, ei][li], self.sup_b[bi, ei][li]
        side_a = (self.sup_a[tb, te] == sa) | (self.sup_a[tb, te] == sb)
        side_b = (self.sup_b[tb, te] == sa) | (self.sup_b[tb, te] == sb)
        order = np.lexsort((self.keys[tb, te, 0], tb))
        return tb[order], te[order], li[order], side_a[order], side_b[order]

    def _realise(self, bi: np.ndarray, ei: np.ndarray) -> None:
        c = self.c
        st = self.state[bi, ei]
        a_, b_, p_, q_ = c.a[bi, ei], c.b[bi, ei], c.p[bi, ei], c.q[bi, ei]
        self.log.append((bi, ei))
        self.records.append((bi, a_, b_, p_, q_, st[:, [S_[k] for k in RECORD]]))
        y_a, y_b = st[:, S_["y_a"]], st[:, S_["y_b"]]
        f = c.fixed[bi, ei]
        # B demands q, where A moved; A demands p, where B moved (distinct entries)
        self._record_updates(np.concatenate([bi, bi]), np.concatenate([b_, a_]),
                             np.concatenate([q_, p_]), np.concatenate([a_, b_]),
                             np.concatenate([y_a, y_b]),
                             np.concatenate([f[:, FIX["x0_a"]], f[:, FIX["x0_b"]]]),
                             np.concatenate([f[:, FIX["w_a"]], f[:, FIX["w_b"]]]))

        # the pass over the queue: invalid exchanges leave, touched ones are recalculated
        if self.stale:
            gone = (self.count[bi] > 0) & ~self.valid[bi]
            gb, ge = np.nonzero(gone)
            self.keys[bi[gb], ge] = np.inf
            self._set_count(bi[gb], ge, 0)
            self.stale = bool((self.count > 0)[~self.valid].any())
        tb, te, li, side_a, side_b = self._touched(bi, ei)
        if not len(tb):
            return
        ra = self.sup_a[bi, ei][li]
        x_a = np.where(side_a, np.where(self.sup_a[tb, te] == ra, y_a[li], y_b[li]), np.nan)
        x_b = np.where(side_b, np.where(self.sup_b[tb, te] == ra, y_a[li], y_b[li]), np.nan)
        # an exchange listed k times is recalculated k times (its history grows each time)
        level = 0
        rows = np.arange(len(tb))
        while len(rows):
            rb, re = tb[rows], te[rows]
            ok = self._recalculate(rb, re, side_a[rows], side_b[rows], x_a[rows], x_b[rows])
            level += 1
            if not ok.all():
                gone_b, gone_e = rb[~ok], re[~ok]
                if level == 1:
                    self.keys[gone_b, gone_e] = np.inf
                    self.count[gone_b, gone_e] = 0
                    self.listed_gain[gone_b, gone_e] = -np.inf
                else:  # the earlier entries stay listed, though the exchange is now invalid
                    self._keep_entries(gone_b, gone_e, np.full(len(gone_b), level - 1))
                    self.stale = True
            rows = rows[ok & (self.count[rb, re] > level)]

    def start(self) -> None:
        """Compute every exchange from the round's start positions, in listing order."""
        bi, ei = np.nonzero(self.c.exists)
        order = np.lexsort((self.c.order[bi, ei], bi))
        self._recalculate(bi[order], ei[order])

    def run(self, rng, random_ties: bool) -> None:
        """Compute every exchange, then realise them one by one."""
        self.start()
        while True:
            bi, ei = self._pop(rng, random_ties)
            if not len(bi):
                break
            ok = self.valid[bi, ei]
            if ok.any():
                self._realise(bi[ok], ei[ok])

    def result(self) -> RoundResult:
        """Voting positions: every realised leg's current voting position, later ones last."""
        vote = self.x0.copy()
        c = self.c
        for bi, ei in self.log:
            st = self.state[bi, ei]
            vote[bi, c.a[bi, ei], c.q[bi, ei]] = st[:, S_["y_a"]]
            vote[bi, c.b[bi, ei], c.p[bi, ei]] = st[:, S_["y_b"]]
        count = np.zeros(self.B, dtype=np.int64)
        if not self.records:
            empty = np.zeros(0, dtype=np.intp)
            return RoundResult(vote, count, empty, empty, empty, empty, empty,
                               np.zeros((0, len(RECORD))))
        parts = list(zip(*self.records, strict=True))
        draw = np.concatenate(parts[0])
        np.add.at(count, draw, 1)
        return RoundResult(vote, count, draw, *(np.concatenate(x) for x in parts[1:5]),
                           np.concatenate(parts[5]))
