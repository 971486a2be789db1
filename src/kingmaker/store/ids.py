"""Run ids: short, sortable by creation time, unique across processes and machines.

A ULID (48 bits of milliseconds since 1970, 80 random bits, Crockford base 32): ids sort as
their runs were created, and a short prefix (``runs show 01JF3``) usually names one run.
Written here rather than taken from a package because it is ten lines and importing
``python-ulid`` costs every command 40 ms of start-up.
"""

from __future__ import annotations

import secrets
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U
LENGTH = 26


def new_id(now_ms: int | None = None) -> str:
    """A new ULID, as 26 upper-case characters."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | secrets.randbits(80)
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def normalize_prefix(text: str) -> str:
    """What a user typed for an id, in the id's alphabet (case-insensitive; Crockford's
    look-alikes I, L -> 1 and O -> 0)."""
    return text.strip().upper().translate(str.maketrans("ILO", "110"))


def is_prefix(text: str) -> bool:
    return 0 < len(text) <= LENGTH and all(c in ALPHABET for c in text)
