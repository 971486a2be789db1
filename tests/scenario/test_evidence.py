"""`kingmaker evidence check`: quotes against source texts, unsourced numbers, uncited sources."""

from __future__ import annotations

import json
import textwrap

import pytest

import kingmaker
from kingmaker.cli import main
from kingmaker.scenario.evidence import (
    check_evidence,
    closest_passage,
    first_missing_part,
    normalise,
)

SOURCE_TEXT = (
    "Iran\u2019s leadership \u201cwelcomed\u201d the call\u2014at first.\n\n"
    "The factions\u2019 economic offices collect between 100 and 135\u00a0million "
    "dollars per month, according to the brief.\n"
    "A co\u00adoperative line\u2026 did not last."
)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Iran\u2019s \u2018own\u2019", "Iran's 'own'"),
        ("\u201cquoted\u201d \u201equoted\u201f", '"quoted" "quoted"'),
        ("a\u2013b a\u2014b a\u2212b a\u2010b", "a-b a-b a-b a-b"),
        ("call \u2014 at call--at al-Kadhimi", "call-at call-at al-Kadhimi"),
        ("one\u00a0two\n\nthree\t four  ", "one two three four"),
        ("co\u00adoperate zero\u200bwidth", "cooperate zerowidth"),
        ("wait\u2026 what", "wait... what"),
        ("Case Stays", "Case Stays"),
    ],
    ids=[
        "apostrophes",
        "double-quotes",
        "dashes",
        "spaced-dashes",
        "whitespace",
        "invisible",
        "ellipsis",
        "case",
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


TEXT = normalise(SOURCE_TEXT)


@pytest.mark.parametrize(
    "quote,missing",
    [
        ('Iran\'s leadership "welcomed" the call-at first.', None),  # typography differs
        ("economic offices collect between 100 and 135 million dollars", None),  # nbsp in source
        ("collect between 100 and\n   135 million", None),  # line break in the quote
        ("Iran's leadership ... economic offices", None),  # ellipsis, in order
        ("Iran's leadership [...] 135 million dollars", None),  # bracketed ellipsis
        ("economic offices ... Iran's leadership", "Iran's leadership"),  # parts out of order
        ("between 100 and 150 million dollars", "between 100 and 150 million dollars"),
        ("iran's leadership", "iran's leadership"),  # case matters
        ("A cooperative line... did not last.", None),  # soft hyphen and ellipsis
    ],
    ids=[
        "typography",
        "nbsp",
        "line-break",
        "ellipsis",
        "bracketed",
        "order",
        "changed",
        "case",
        "soft-hyphen",
    ],
)
def test_quote_matching(quote, missing):
    assert first_missing_part(quote, TEXT) == missing


def test_closest_passage_points_at_the_real_words():
    passage, similarity = closest_passage("between 100 and 150 million dollars", TEXT)
    assert "between 100 and 135 million dollars" in passage
    assert 85 <= similarity < 100
    _, unrelated = closest_passage("a sentence about something else entirely", TEXT)
    assert unrelated < similarity


DOCTORED = textwrap.dedent("""\
    kingmaker: 1
    scenario:
      id: doctored
      title: A scenario with evidence problems
      as_of: 2020-06-10
      sources:
        - {id: brief, title: A brief, date: 2020-06, file: brief.txt}
        - {id: memo, title: A memo without a text file, date: 2020-05}
        - {id: lost, title: A source whose file is missing, file: lost.txt}
        - {id: unused, title: A source nobody cites}
    issues:
      - id: troops
        question: How many troops stay?
        status_quo: 80
    actors:
      - id: us
        name: United States
        capability:
          value: 10
          judgement: the numeraire
        issues:
          troops:
            position:
              value: 70
              evidence:
                - source: brief
                  quote: "Iran's leadership \\"welcomed\\" the call - at first"
            salience:
              value: 0.6
              evidence:
                - source: brief
                  quote: between 100 and 150 million dollars per month
      - id: iran
        name: Iran
        capability:
          value: 5
          evidence:
            - source: memo
              quote: words nobody can check here
        issues:
          troops:
            position:
              value: 0
              evidence:
                - {source: brief, quote: "iran's leadership"}
            salience:
              value: 0.9
              evidence:
                - {source: lost, quote: anything}
    relations:
      - {from: iran, to: us, kind: rival, strength: 0.9}
    """)


@pytest.fixture
def doctored(tmp_path):
    (tmp_path / "brief.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = tmp_path / "doctored.yaml"
    path.write_text(DOCTORED, encoding="utf-8")
    return path


def test_doctored_scenario_findings(doctored):
    report = check_evidence(kingmaker.load_scenario(doctored))
    by_where = {q.location: q for q in report.quotes}
    assert {w: q.status for w, q in by_where.items()} == {
        "actors[0].issues.troops.position.evidence[0]": "found",
        "actors[0].issues.troops.salience.evidence[0]": "missing",
        "actors[1].capability.evidence[0]": "unverifiable",
        "actors[1].issues.troops.position.evidence[0]": "missing",
        "actors[1].issues.troops.salience.evidence[0]": "unverifiable",
    }
    changed = by_where["actors[0].issues.troops.salience.evidence[0]"]
    assert "between 100 and 135 million dollars per month" in changed.closest
    assert by_where["actors[1].issues.troops.position.evidence[0]"].closest.startswith(
        "Iran's leadership"
    )
    assert by_where["actors[1].capability.evidence[0]"].reason == "the source has no text file"
    assert "lost.txt" in by_where["actors[1].issues.troops.salience.evidence[0]"].reason
    assert [(u.source, u.message) for u in report.unreadable_sources] == [("lost", "no such file")]
    assert report.unsourced == ("issues[0].status_quo", "relations[0] (iran -rival-> us)")
    assert report.uncited_sources == ("unused",)
    assert (report.n_numbers, report.n_evidence) == (7, 5)
    assert not report.passed and report.exit_code() == 1


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    captured = capsys.readouterr()
    return exc.value.code or 0, captured.out, captured.err


def test_cli_json_and_exit_code(capsys, doctored):
    code, out, _ = run(capsys, "evidence", "check", str(doctored), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["passed"] is False
    assert doc["summary"] == {
        "numbers": 7,
        "unsourced": 2,
        "evidence": 5,
        "quotes": 5,
        "found": 1,
        "missing": 2,
        "unverifiable": 2,
        "uncited_sources": 1,
    }
    assert doc["uncited_sources"] == ["unused"]
    missing = [q for q in doc["quotes"] if q["status"] == "missing"]
    assert {q["missing_part"] for q in missing} == {
        "between 100 and 150 million dollars per month",
        "iran's leadership",
    }
    assert all(0 < q["similarity"] < 100 for q in missing)


def test_cli_table(capsys, doctored):
    code, out, _ = run(capsys, "evidence", "check", str(doctored))
    assert code == 1
    for text in (
        "Quotes not found",
        "Closest passage",
        "135",
        "Unverifiable quotes",
        "no text file",
        "lost.txt",
        "issues[0].status_quo",
        "never cited",
        "unused",
        "failed",
    ):
        assert text in out, text


@pytest.mark.parametrize("strict,code", [(False, 0), (True, 1)], ids=["lenient", "strict"])
def test_strict_fails_on_unsourced_numbers(capsys, tmp_path, strict, code):
    """Without missing quotes only --strict turns an unsourced number into a failure."""
    text = DOCTORED
    for wrong, right in (
        ("100 and 150 million", "100 and 135 million"),
        ('quote: "iran\'s leadership"', 'quote: "Iran\'s leadership"'),
        ("{source: lost, quote: anything}", "{source: memo}"),
    ):
        assert wrong in text
        text = text.replace(wrong, right)
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(", file: lost.txt", ""), encoding="utf-8")
    (tmp_path / "brief.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    argv = ["evidence", "check", str(path)] + (["--strict"] if strict else [])
    assert run(capsys, *argv)[0] == code


def test_invalid_scenario_exits_2(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(DOCTORED.replace("value: 0.6", "value: 6"), encoding="utf-8")
    code, _, err = run(capsys, "evidence", "check", str(path))
    assert code == 2 and "0-1 scale" in err and "Traceback" not in err


def test_scenario_without_a_file_needs_base_dir(tmp_path):
    (tmp_path / "brief.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    sc = kingmaker.parse_scenario_text(DOCTORED, "doctored.yaml")
    assert sc.origin is None
    floating = check_evidence(sc)
    assert {u.source for u in floating.unreadable_sources} == {"brief", "lost"}
    anchored = check_evidence(sc, base_dir=tmp_path)
    assert [q.status for q in anchored.quotes].count("found") == 1


def test_imported_file_has_every_number_unsourced(capsys, anchors):
    """An imported CSV carries no evidence: each number is listed, the table abridges them."""
    path = str(anchors / "decide/cop21.csv")
    code, out, _ = run(capsys, "evidence", "check", path, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["passed"] and doc["summary"]["quotes"] == 0
    assert doc["summary"]["unsourced"] == doc["summary"]["numbers"] > 20
    code, out, _ = run(capsys, "evidence", "check", path)
    assert code == 0
    assert f"and {doc['summary']['unsourced'] - 20} more (all with --format json)" in out
    code, _, _ = run(capsys, "evidence", "check", path, "--strict")
    assert code == 1
