"""The flagship's reference page quotes numbers and forecasts: they must match the scenario."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kingmaker

PAGE = Path(__file__).parents[2] / "docs" / "reference" / "flagship-us-iraq-2020.md"


def table_after(marker: str) -> list[list[str]]:
    """Rows (cells stripped) of the markdown table that follows an HTML comment marker."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = next(k for k, line in enumerate(lines) if marker in line) + 1
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return [r for r in rows[2:]]  # skip the header and the separator


@pytest.fixture(scope="module")
def sc():
    return kingmaker.load_scenario("us-iraq-2020")


def test_numbers_table_matches_the_scenario(sc):
    rows = table_after("numbers-table")
    assert [re.match(r"`(\w+)`", r[0]).group(1) for r in rows] == list(sc.actor_ids)
    for row in rows:
        actor = sc.actor(re.match(r"`(\w+)`", row[0]).group(1))
        assert float(row[1]) == actor.capability.value, actor.id
        for issue_id, cell in zip(sc.issue_ids, row[2:], strict=True):
            stance = actor.issues.get(issue_id)
            if stance is None:
                assert cell == "-", (actor.id, issue_id)
                continue
            m = re.fullmatch(r"([\d.]+) / ([\d.]+)(?: \(cap ([\d.]+)\))?", cell)
            assert m, (actor.id, issue_id, cell)
            assert float(m.group(1)) == stance.position.value, (actor.id, issue_id)
            assert float(m.group(2)) == stance.salience.value, (actor.id, issue_id)
            cap = None if stance.capability is None else stance.capability.value
            assert (None if m.group(3) is None else float(m.group(3))) == cap


def test_forecast_table_matches_the_models(sc):
    rows = table_after("forecast-table")
    header = PAGE.read_text(encoding="utf-8").split("forecast-table")[1].splitlines()[1]
    models = [c.strip() for c in header.strip().strip("|").split("|")][1:-1]
    result = kingmaker.forecast(sc, models)
    assert [r[0] for r in rows] == list(sc.issue_ids)
    for row in rows:
        issue = row[0]
        for model, cell in zip(models, row[1:-1], strict=True):
            assert float(cell) == pytest.approx(result.value(model, issue), abs=0.05), (
                model,
                issue,
            )
        assert float(row[-1]) == sc.issue(issue).outcome.value
