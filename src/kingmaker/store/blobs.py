"""Arrays of a record (Monte Carlo draws) as one compressed blob: NumPy's ``.npz`` format,
which keeps dtypes and shapes exactly and reads back without pickles."""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np

MEDIA_TYPE = "application/x-npz"
NAME = "arrays"


def pack(arrays: Mapping[str, np.ndarray]) -> tuple[bytes, int]:
    """(compressed bytes, size before compression)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    return buffer.getvalue(), sum(np.asarray(v).nbytes for v in arrays.values())


def unpack(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}
