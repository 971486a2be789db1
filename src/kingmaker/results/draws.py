"""A simulation's draws on disk: one Parquet file, one row per draw.

Columns: ``draw``, the inputs (``position/iran/troops``) and, per model and issue,
``forecast/MODEL/ISSUE``, ``converged/MODEL/ISSUE`` and ``rounds/MODEL/ISSUE``. The file's
metadata (key ``kingmaker``) holds the simulation's document without its per-issue summaries:
scenario, hash, seed, draws, spread, models and version. Needs ``pyarrow``
(``pip install 'kingmaker[parquet]'``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import AnalysisError
from ..files import write_atomic
from .simulation import Simulation


def check_draws_path(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse, before any work is done, a draws file that cannot or should not be written."""
    path = Path(path)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise AnalysisError(
            "saving draws to Parquet needs pyarrow; install it with: "
            "pip install 'kingmaker[parquet]'"
        ) from None
    if path.suffix.lower() != ".parquet":
        raise AnalysisError(
            f"{path}: draws are saved as Parquet; give a file name ending in .parquet"
        )
    if not path.parent.is_dir():
        raise AnalysisError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise AnalysisError(f"{path} exists", remedy=("overwrite", "replace it"))
    return path


def save_draws(simulation: Simulation, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the simulation's draws to a Parquet file, atomically (see the module docstring)."""
    path = check_draws_path(path, overwrite=overwrite)
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(simulation.to_frame(), preserve_index=False)
    info = {k: v for k, v in simulation.to_dict().items() if k != "issues"}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"kingmaker": json.dumps(info).encode()}
    )
    return write_atomic(path, lambda tmp: pq.write_table(table, tmp), overwrite=overwrite)
