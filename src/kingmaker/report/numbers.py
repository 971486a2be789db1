"""Numbers as text: decimals an issue's scale deserves, signed changes, missing values."""

from __future__ import annotations

import math


def decimals_for(lo: float, hi: float) -> int:
    """Decimals that show about four significant digits on a scale from ``lo`` to ``hi``
    (1 on a 0-100 scale, 3 on a 0-1 scale)."""
    span = hi - lo
    return max(0, 3 - math.floor(math.log10(span))) if span > 0 else 3


def fmt(x: float | None, decimals: int) -> str:
    """``x`` with ``decimals`` decimals; ``-`` for a missing or NaN value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{decimals}f}"


def signed(x: float | None, decimals: int = 1, sign: bool = True) -> str:
    """A change as text: ``+1.2``, ``-0.5``; ``0.0`` (never ``-0.0``) for what rounds to
    zero; ``-`` for a missing or infinite value."""
    if x is None or not math.isfinite(x):
        return "-"
    s = f"{x:+.{decimals}f}" if sign else f"{x:.{decimals}f}"
    return s.replace("-0.0", "0.0").replace("+0.0", "0.0") if abs(x) < 0.5 * 10**-decimals else s


def percent(x: float | None, decimals: int = 0) -> str:
    """A share as a percentage (``0.834`` -> ``83%``); ``-`` when missing."""
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:.{decimals}%}"
