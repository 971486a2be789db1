"""The draft scenario from the two seed documents alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kingmaker.errors import ScenarioError
from kingmaker.scenario import parse_scenario_text
from kingmaker.sources.draft import draft_scenario

SOURCES = Path(__file__).parents[2] / "src/kingmaker/data/scenarios/us-iraq-2020/sources"
SEEDS = [SOURCES / "epc-brief.raw.txt", SOURCES / "carlin-2020.raw.txt"]


@pytest.fixture(scope="module")
def draft():
    return draft_scenario(SEEDS)


def test_main_actors_found(draft):
    doc = yaml.safe_load(draft)
    names = " | ".join(a["name"] + " " + " ".join(a["aliases"]) for a in doc["actors"])
    for who in ("Iran", "Baghdad", "Washington", "Popular Mobilization Committee", "Quds Force"):
        assert who in names, who
    assert "Kadhimi" in names


def test_timeline_and_stances_kept_as_comments(draft):
    assert "2020-06-03" in draft and "2020-06-11" in draft
    assert "what the sources say of its stance" in draft


def test_only_numbers_are_missing(draft):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario_text(draft, format="yaml")
    problems = exc.value.problems
    assert problems
    assert all("expected a number" in p.message for p in problems), problems[:3]
    assert "TO FILL" in draft
    assert "position: null" in draft and "capability: null" in draft


def test_regions_are_not_actors(draft):
    from kingmaker.sources.mentions import is_geography

    doc = yaml.safe_load(draft)
    names = [n for a in doc["actors"] for n in (a["name"], *a["aliases"])]
    assert "Middle East" not in names  # named 3 times in the seeds: a place, not a stakeholder
    assert not [n for n in names if is_geography(n)]
    assert is_geography("the Middle East") and is_geography("Persian Gulf")
    assert is_geography("Horn of Africa") and is_geography("the middle-east")
    assert not is_geography("Iran") and not is_geography("Gulf Cooperation Council")


def test_names_an_existing_actor_has_are_not_proposed():
    known = {"iraq_gov": ["Iraqi government", "Iraq", "Baghdad"], "iran": ["Iran", "Tehran"]}
    doc = yaml.safe_load(draft_scenario(SEEDS, known_actors=known))
    names = [n for a in doc["actors"] for n in (a["name"], *a["aliases"])]
    for taken in ("Iraq", "Baghdad", "Iran", "Tehran"):
        assert taken not in names, taken
    # the others are still proposed
    assert "Popular Mobilization Committee" in names and "Washington" in names


@pytest.mark.parametrize(
    ("name", "modifier"),
    [
        ("US-Iraq", True),
        ("Iraq-US", True),
        ("Iran-Iraq-Syria", True),
        ("Al-Sadr", False),
        ("Abu-Mahdi", False),
        ("Kata'ib Hizballah", False),
        ("Asa'ib Ahl al-Haq", False),
        ("Iraq", False),
    ],
)
def test_compound_modifiers(name, modifier):
    from kingmaker.sources.mentions import is_compound_modifier

    assert is_compound_modifier(name) is modifier


def test_compound_modifiers_are_not_proposed(draft):
    doc = yaml.safe_load(draft)
    names = [n for a in doc["actors"] for n in (a["name"], *a["aliases"])]
    assert "US-Iraq" not in names and "Iraq-US" not in names  # "US-Iraq talks" in the seeds
