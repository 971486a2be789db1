"""Train/test splits and cross-validation folds that keep related cases together.

Issues of one proposal share actors, dates and often a package deal, so a model tuned on some
of them has seen the others: splits are made by *group* (e.g. proposal), never by case. Both
procedures are seeded through :mod:`kingmaker.randomness` and depend only on the sorted group
names and their sizes, so the same data and seed give the same split on any machine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ...errors import KingmakerError
from ...randomness import SeedLike, generator, normalize_seed


def _sizes(groups: Sequence[str]) -> tuple[list[str], Counter]:
    sizes = Counter(groups)
    return sorted(sizes), sizes


def grouped_test_split(
    groups: Sequence[str], test_fraction: float, seed: SeedLike
) -> frozenset[str]:
    """Groups held out for the test part: whole groups in a seeded random order, until at least
    ``test_fraction`` of the cases are held out."""
    if not 0 < test_fraction < 1:
        raise KingmakerError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    names, sizes = _sizes(groups)
    order = generator(normalize_seed(seed), "split", "test").permutation(len(names))
    target = test_fraction * len(groups)
    test: set[str] = set()
    held = 0
    for k in order:
        if held >= target:
            break
        test.add(names[k])
        held += sizes[names[k]]
    return frozenset(test)


def grouped_folds(groups: Sequence[str], k: int, seed: SeedLike) -> dict[str, int]:
    """Fold number (0..k-1) of each group: groups in a seeded random order, each put in the fold
    with the fewest cases so far (ties: the lowest fold number)."""
    names, sizes = _sizes(groups)
    if not 2 <= k <= len(names):
        raise KingmakerError(f"need 2 <= folds <= number of groups ({len(names)}), got {k}")
    order = generator(normalize_seed(seed), "split", "folds").permutation(len(names))
    load = [0] * k
    fold: dict[str, int] = {}
    for idx in order:
        f = min(range(k), key=lambda j: (load[j], j))
        fold[names[idx]] = f
        load[f] += sizes[names[idx]]
    return fold
