"""Files: one way to write an output safely.

:func:`write_atomic` writes to a temporary file beside the target and renames it into place,
so an interrupted write never leaves half a file; an existing file is only replaced when the
caller says so.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import KingmakerError


class OutputError(KingmakerError):
    """An output that cannot or should not be written (exists, folder missing)."""


def check_output(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """``path`` as a Path, or an error if it exists (without ``overwrite``), is a folder, or
    its folder is missing."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder, expected a file name")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise OutputError(f"{path} exists", remedy=("overwrite", "replace it"))
    return path


_UMASK: int | None = None


def _mode_for(path: Path) -> int:
    """The permissions the file would have had if written in place: the old file's when it is
    replaced, else the user's default (mkstemp makes its files private to the owner)."""
    global _UMASK
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    if _UMASK is None:  # read once: os.umask can only be read by setting it
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def write_atomic(
    path: str | os.PathLike,
    data: str | bytes | Callable[[str], object],
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``data`` (text as UTF-8, bytes, or a callback that writes the file at the path it
    is given) to ``path`` atomically; see the module docstring."""
    path = check_output(path, overwrite=overwrite)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if callable(data):
            os.close(fd)
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
