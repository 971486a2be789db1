"""Small real records of the flagship, made once per session for the report's tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import kingmaker as km


@dataclass(frozen=True)
class Records:
    scenario: Any
    forecast: Any
    simulation: Any
    sensitivity: Any
    advice: Any


@pytest.fixture(scope="session")
def flagship() -> Records:
    sc = km.load_scenario("us-iraq-2020")
    fast = ["compromise", "median"]
    return Records(
        sc,
        km.forecast(sc, ["compromise", "median", "exchange"]),
        km.simulate(sc, fast, draws=300, seed=1),
        km.sensitivity(sc, fast, methods=("tornado",), seed=1),
        km.advise(sc, "iran", models=fast, targets=["troops<30"], draws=20, seed=1),
    )
