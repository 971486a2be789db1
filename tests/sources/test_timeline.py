"""Date extraction, table-driven: absolute forms and relative ones against a document date."""

from __future__ import annotations

import pytest

from kingmaker.sources.timeline import find_dates

CASES = [
    # (text, document date, expected ISO dates)
    ("The first session opened on 11 June 2020.", None, ["2020-06-11"]),
    ("Talks began on June 11, 2020 in Baghdad.", None, ["2020-06-11"]),
    ("Talks began on June 11th, 2020.", None, ["2020-06-11"]),
    ("Talks began on Thursday, 11th of June 2020.", None, ["2020-06-11"]),
    ("He visited on 2020-06-03.", None, ["2020-06-03"]),
    ("Signed on 17/11/2008.", None, ["2008-11-17"]),
    ("The call in April 2020 for a dialogue.", None, ["2020-04"]),
    ("The agreement signed with Iraq in 2008.", None, ["2008"]),
    ("Talks began on June 11 as part of a dialogue.", "2020-06-24", ["2020-06-11"]),
    ("Protests in late 2019 and in January.", "2020-06-24", ["2019", "2020-01"]),
    ("He was sworn in last month as prime minister.", "2020-06-24", ["2020-05"]),
    ("Attacks last year on American troops.", "2020-06-24", ["2019"]),
    ("On Wednesday the speaker met him.", "2020-06-24", ["2020-06-24"]),
    ("On Monday the speaker met him.", "2020-06-24", ["2020-06-22"]),
    ("Yesterday the speaker met him.", "2020-06-24", ["2020-06-23"]),
    ("Last week the speaker met him.", "2020-06-24", ["2020-06-15"]),
    ("In December they met.", "2020-06-24", ["2019-12"]),
    ("He was sworn in last month.", None, []),  # no document date: not guessed
    ("On Monday he met them.", "2020-06", []),  # a month is not precise enough for a weekday
    ("You may well say 3 things.", None, []),
]


@pytest.mark.parametrize(("text", "ref", "expected"), CASES)
def test_dates(text, ref, expected):
    assert [d.iso for d in find_dates(text, ref)] == expected


@pytest.mark.parametrize(
    ("text", "ref", "iso", "year", "relative"),
    [
        # no year written: the document's year, said to be inferred, and not relative
        ("Talks began on June 11 in Baghdad.", "2020-06-24", "2020-06-11", "inferred", False),
        ("The first session opened on 11 June.", "2020-06", "2020-06-11", "inferred", False),
        ("In December they met.", "2020-06-24", "2019-12", "inferred", False),
        # no year and no document date: kept, year unknown (ISO 8601 without a year)
        ("The first session opened on 11 June.", None, "--06-11", "unknown", False),
        ("Talks began on June 11th in Baghdad.", None, "--06-11", "unknown", False),
        ("Protests grew in January.", None, "--01", "unknown", False),
        # written years, and the relative forms
        ("The first session opened on 11 June 2020.", None, "2020-06-11", "written", False),
        ("Yesterday the speaker met him.", "2020-06-24", "2020-06-23", "inferred", True),
        ("He was sworn in last month.", "2020-06-24", "2020-05", "inferred", True),
    ],
)  # fmt: skip
def test_year_written_inferred_or_unknown(text, ref, iso, year, relative):
    (d,) = find_dates(text, ref)
    assert (d.iso, d.year, d.relative) == (iso, year, relative)


def test_undated_document_takes_the_year_of_its_other_dates():
    from kingmaker.sources.timeline import build_timeline

    text = (
        "Qaani visited Baghdad on 3 June 2020. The talks opened on 11 June. "
        "The 2008 agreement was signed on 17 November 2008. It took effect on 1 January."
    )
    events = build_timeline({"a": text, "b": "They met on 11 June."}, {"a": None, "b": None})
    got = {(e.source, e.words): (e.date, e.year, e.relative) for e in events}
    assert got[("a", "11 June")] == ("2020-06-11", "inferred", False)  # the date before it
    assert got[("a", "1 January")] == ("2008-01-01", "inferred", False)
    assert got[("a", "3 June 2020")] == ("2020-06-03", "written", False)
    assert got[("b", "11 June")] == ("--06-11", "unknown", False)
    (unknown,) = [e for e in events if e.source == "b"]
    assert unknown.to_dict()["year"] == "unknown" and unknown.to_dict()["relative"] is False
    assert not unknown.after_as_of
    # the document's own date wins over the other dates it writes
    dated = build_timeline({"a": text}, {"a": "2022-07-01"})
    assert [e.date for e in dated if e.words == "11 June"] == ["2022-06-11"]
