"""Seeds, normalised once.

Every public function that draws random numbers takes ``seed: None | int | SeedSequence |
Generator`` and turns it into a :class:`numpy.random.SeedSequence` here, exactly once. Streams
for parts of a computation are derived by *name* (a model, a chunk index), so adding a model
or changing the number of workers never changes another part's numbers. No global state.
"""

from __future__ import annotations

import zlib

import numpy as np

from .errors import KingmakerError

SeedLike = None | int | tuple[int, ...] | list[int] | np.random.SeedSequence | np.random.Generator


def _seed_int(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and bool(value >= 0)


def normalize_seed(seed: SeedLike) -> np.random.SeedSequence:
    """A SeedSequence from any accepted seed; None draws fresh entropy (recorded in results).

    A tuple (or list) of non-negative integers is the entropy a record reports for a seed
    that was derived from a generator: passing it back reproduces the run.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63, size=2).tolist())
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (tuple, list)) and seed and all(_seed_int(v) for v in seed):
        return np.random.SeedSequence([int(v) for v in seed])
    if not _seed_int(seed):
        raise KingmakerError(f"must be a non-negative integer, got {seed!r}", parameter="seed")
    return np.random.SeedSequence(int(seed))  # type: ignore[arg-type]  # checked just above


def seed_entropy(seq: np.random.SeedSequence) -> int | tuple[int, ...]:
    """What reproduces a root SeedSequence (its entropy: an integer, or a tuple of integers
    for a seed derived from a generator), as result records report it."""
    entropy = seq.entropy
    if isinstance(entropy, (int, np.integer)):
        return int(entropy)
    return tuple(int(v) for v in entropy or ())


def seed_value(seq: np.random.SeedSequence) -> int | None:
    """The integer that reproduces a root SeedSequence, if its entropy is one integer."""
    entropy = seq.entropy
    return int(entropy) if isinstance(entropy, (int, np.integer)) else None


def substream(seq: np.random.SeedSequence, *names: str | int) -> np.random.SeedSequence:
    """A child sequence identified by names (stable whatever else is computed)."""
    key = tuple(n if isinstance(n, int) else zlib.crc32(str(n).encode()) for n in names)
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + key)


def generator(seq: np.random.SeedSequence, *names: str | int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(substream(seq, *names)))
