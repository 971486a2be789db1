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
