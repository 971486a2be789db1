"""Reading an input file as text, refusing what is not a text file we can read safely.

Every scenario file (and every source text an evidence check reads) comes through here, so the
rules are the same everywhere: a regular file (not a directory, device or pipe: `/dev/zero`
would never end), no larger than a cap (``KINGMAKER_MAX_INPUT_MB``, default 256 MB, far above
any real scenario), UTF-8 (with or without a byte-order mark) or UTF-16/UTF-32 with one, no
NUL characters; line endings of every kind (Windows CRLF, old-Mac CR) read as newlines. Other
encodings are refused with the place of the first byte that is not UTF-8: guessing an
encoding silently turns names into other names.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from ..errors import Problem, ScenarioError

DEFAULT_MAX_MB = 256
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def max_input_bytes() -> int:
    """The size cap on input files, from ``KINGMAKER_MAX_INPUT_MB`` (default 256)."""
    raw = os.environ.get("KINGMAKER_MAX_INPUT_MB", "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0.001) * 1024 * 1024)


def _refuse(message: str, path: Path | str, line: int | None = None, column: int | None = None):
    raise ScenarioError(Problem(message, file=str(path), line=line, column=column))


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most :func:`max_input_bytes` of them."""
    try:
        info = path.stat()
    except FileNotFoundError:
        _refuse("no such file", path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            _refuse("the file name is too long for this system", str(path)[:80] + "...")
        _refuse(f"cannot read: {exc.strerror}", path)
    if stat.S_ISDIR(info.st_mode):
        _refuse("is a directory, expected a file", path)
    if not stat.S_ISREG(info.st_mode):
        _refuse("is not a regular file (a device, pipe or socket); give a file", path)
    limit = max_input_bytes()
    if info.st_size > limit:
        _refuse(
            f"is {info.st_size / 2**20:.0f} MB, above the input limit of {limit / 2**20:.0f} MB "
            "(set KINGMAKER_MAX_INPUT_MB to raise it)",
            path,
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        _refuse(f"cannot read: {exc.strerror}", path)
    if len(data) > limit:  # it grew while we looked
        _refuse(f"is larger than the input limit of {limit / 2**20:.0f} MB", path)
    return data


def decode_text(data: bytes, name: str) -> str:
    """Bytes as text (see the module docstring), newlines normalised to ``\\n``."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        if encoding is not None:
            _refuse(f"starts with a {encoding} byte-order mark but is not {encoding} text", name)
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        _refuse(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read as UTF-8); "
            "save it as UTF-8 (or UTF-16 with a byte-order mark)",
            name,
            line,
            column,
        )
    text = text.lstrip("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        _refuse("contains a NUL character: a binary file, or UTF-16 without its mark", name, line)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path) -> str:
    """A file's contents as text, or a ScenarioError that says what is wrong with it."""
    return decode_text(read_bytes(path), str(path))
