"""Alias matching (table-driven) and mentions on the flagship's sources."""

from __future__ import annotations

import pytest

from kingmaker.sources.mentions import MentionIndex, find_mentions

NAMES = {
    "kh": ["Kataib Hezbollah", "Hezbollah Brigades", "KH"],
    "pmc": ["Popular Mobilization Forces", "PMF", "PMU", "Hashd", "al-Hashd al-Shaabi"],
    "iran": ["Iran", "Tehran", "Quds Force"],
    "us": ["United States", "US", "Washington"],
    "iraq_gov": ["Mustafa al-Kadhimi", "Kadhimi", "Baghdad"],
}

CASES = [
    # (sentence, expected actors in order)
    ("Kataib Hezbollah fired rockets.", ["kh"]),
    ("Kata'ib Hizballah fired rockets.", ["kh"]),
    ("Kata’ib Hizballah fired rockets.", ["kh"]),
    ("Kataib Hizbollah fired rockets.", ["kh"]),
    ("KATAIB HEZBOLLAH fired rockets.", ["kh"]),
    ("Kata'ib-Hizballah fired rockets.", ["kh"]),
    ("the Hezbollah Brigades fired rockets.", ["kh"]),
    ("Kh is not an acronym in lower case, kh neither.", []),
    ("The PMF and the PMU are one body.", ["pmc", "pmc"]),
    ("The PMUs have a role.", ["pmc"]),
    ("The Hashd took part.", ["pmc"]),
    ("al-Hashd al-Shaabi took part.", ["pmc"]),
    ("Popular Mobilisation Forces took part.", ["pmc"]),  # a spelling variant (RapidFuzz)
    ("Iran's proxies and Tehran’s envoys.", ["iran", "iran"]),
    ("The U.S. and the United States and Washington.", ["us", "us", "us"]),
    ("Let us talk.", []),  # "us" is no acronym in lower case
    ("Mustafa al-Kadhimi met them; al Kadhimi's office said so.", ["iraq_gov", "iraq_gov"]),
    ("Kadhemi spoke in Baghdad.", ["iraq_gov", "iraq_gov"]),  # transliteration
    ("The Quds force commander visited.", ["iran"]),  # case
    ("Ironically, nothing.", []),
]


@pytest.fixture(scope="module")
def index():
    return MentionIndex(NAMES)


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_alias_matching(index, sentence, expected):
    assert [a for a, _ in index.match(sentence)] == expected


def test_flagship_mentions():
    from kingmaker.scenario import load_scenario
    from kingmaker.sources.store import scenario_texts

    sc = load_scenario("us-iraq-2020")
    report = find_mentions(sc, scenario_texts(sc))
    for actor in ("us", "iraq_gov", "iran", "pmc", "kh", "aah", "badr"):
        assert report.total(actor) >= 1, actor
    assert report.total("iran") > report.total("badr")
    assert set(report.never_mentioned) <= {"fatah", "sadr", "krg"}
    names = [c.name for c in report.candidates]
    assert "Iraq" in names and "Iraqi" not in names
