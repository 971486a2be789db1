"""DEU III loader: dates, treaty periods, Council weights and real rows checked by hand
against deu3.csv (line numbers are the file's; line 1 is the header, line 2 the GDP row)."""

from __future__ import annotations

import datetime as dt

import pytest

from kingmaker.datasets import deu3
from kingmaker.datasets.eu_council import council_tables
from kingmaker.errors import KingmakerError, ScenarioError

D = dt.date


@pytest.mark.parametrize(
    ("text", "value", "how", "alternative"),
    [
        ("26-01-00", D(2000, 1, 26), "day-month-year", None),
        ("07-02-96", D(1996, 2, 7), "day-month-year", None),
        ("14-09-2016", D(2016, 9, 14), "day-month-year", None),
        # spreadsheet read DD-MM-YY as YY-MM-DD: 30-05-01 became 1930-05-01
        ("1930-05-01", D(2001, 5, 30), "spreadsheet year-first", None),
        ("2023-07-01", D(2001, 7, 23), "spreadsheet year-first", None),
        ("2029-09-04", D(2004, 9, 29), "spreadsheet year-first", None),
        # also a valid literal date inside the data's span: kept as the alternative
        ("2014-06-18", D(2018, 6, 14), "spreadsheet year-first", D(2014, 6, 18)),
        ("1998-05-12", D(1998, 5, 12), "iso", None),
        ("999", None, "missing", None),
        ("", None, "missing", None),
        ("31-02-01", None, "unreadable", None),
        ("soon", None, "unreadable", None),
    ],
    ids=lambda v: str(v),
)
def test_read_date(text, value, how, alternative):
    got = deu3.read_date(text)
    assert (got.value, got.how, got.alternative) == (value, how, alternative)


def test_council_tables_totals():
    t = council_tables()
    totals = {p.id: sum(p.weights.values()) for p in t.periods}
    assert totals["pre-nice"] == 87 and totals["accession-2004"] == 124
    assert totals["nice"] == 352  # EU-28
    assert totals["lisbon"] == pytest.approx(100, abs=0.02)  # published shares, rounded
    nice = t.periods[2]
    for day, n, votes in [
        (D(2005, 1, 1), 25, 321),
        (D(2007, 6, 1), 27, 345),
        (D(2014, 1, 1), 28, 352),
    ]:
        members = t.members(day)
        assert len(members) == n and sum(nice.weights[m] for m in members) == votes
    assert len(t.members(D(2000, 1, 1))) == 15 and "pl" not in t.members(D(2000, 1, 1))


def test_council_weight_scaled_to_average_member():
    t = council_tables()
    assert t.weight("de", D(2001, 5, 30)) == pytest.approx(10 * 15 / 87)
    assert t.weight("lu", D(2001, 5, 30)) == pytest.approx(2 * 15 / 87)
    assert t.weight("de", D(2007, 6, 9)) == pytest.approx(29 * 27 / 345)
    assert t.weight("mt", D(2005, 1, 1)) == pytest.approx(3 * 25 / 321)
    assert t.weight("de", D(2019, 4, 17)) == pytest.approx(15.93 * 28 / 100.01)
    with pytest.raises(KeyError):
        t.weight("pl", D(2000, 1, 1))  # not yet a member


@pytest.fixture(scope="module")
def data():
    return deu3.read_deu3()


def test_file_counts(data):
    assert len(data.issues) == 364
    assert len(data.proposals()) == 141
    assert sum(r.outcome is not None for r in data.issues) == 353
    assert sum(r.reference_point is not None for r in data.issues) == 261
    assert data.gdp["de"] == 4.1 and data.gdp["com"] == 4.1 and data.gdp["mt"] == 0.02
    assert data.median_days_to_adoption == 525


@pytest.mark.parametrize(
    ("issue", "period", "decided", "basis", "ambiguous"),
    [
        ("d00032i1", "pre-nice", D(2001, 5, 30), "final act", False),  # finact 1930-05-01
        ("d05183i1", "nice", D(2008, 6, 11), "final act", False),  # finact 11-06-08
        ("d160280i1", "lisbon", D(2019, 4, 17), "final act", False),  # finact 2017-04-19
        # Regulation 2018/848 (organic production, COM(2014) 180) was published on
        # 14 June 2018: the spreadsheet reading is right, the literal one (86 days) is not
        ("d140100i1", "lisbon", D(2018, 6, 14), "final act", False),
        # no final act: introduction + 525 days, the median over the 129 proposals with both
        ("d00060i1", "pre-nice", D(2000, 3, 23) + dt.timedelta(days=525), "estimated", False),
        # introduced during the 2004 transition, no final act: estimated in the Nice period
        ("d04209i1", "nice", D(2004, 9, 22) + dt.timedelta(days=525), "estimated", True),
    ],
)
def test_treaty_period(data, issue, period, decided, basis, ambiguous):
    p = data.issue(issue).period
    assert (p.period, p.decision_date, p.basis, p.ambiguous) == (period, decided, basis, ambiguous)


def test_every_recorded_member_state_was_a_member_at_the_decision(data):
    t = council_tables()
    for r in data.issues:
        members = set(t.members(r.period.decision_date)) | set(deu3.INSTITUTIONS)
        assert set(r.positions) <= members, r.issue


def _stance(scenario, actor, issue):
    return scenario.actor(actor).issues[issue]


@pytest.fixture(scope="module")
def by_issue():
    return {s.issues[0].id: s for s in deu3.load_deu3()}


def test_real_row_d00032i1(by_issue):
    # line 3: pcom 100 scom 50, pde 0 sde 80, plu 40 slu 20, rp 0, out 100; bu has no position
    s = by_issue["d00032i1"]
    assert s.id == "deu3-d00032i1" and len(s.issues) == 1
    assert (
        _stance(s, "com", "d00032i1").position.value,
        _stance(s, "com", "d00032i1").salience.value,
    ) == (100, 0.5)
    assert (
        _stance(s, "de", "d00032i1").position.value,
        _stance(s, "de", "d00032i1").salience.value,
    ) == (0, 0.8)
    assert (
        _stance(s, "lu", "d00032i1").position.value,
        _stance(s, "lu", "d00032i1").salience.value,
    ) == (40, 0.2)
    assert "bg" not in s.actor_ids and len(s.actors) == 17
    issue = s.issues[0]
    assert issue.status_quo.value == 0 and issue.outcome.value == 100
    assert issue.outcome.date == "2001-05-30"
    assert all(a.capability.value == 1 for a in s.actors)


def test_real_row_d00062i2_without_reference_point(by_issue):
    # line 10: pcom 60, pse 10 sse 50, puk 0 suk 80; rp blank; out 60
    s = by_issue["d00062i2"]
    assert sorted(s.actor_ids) == sorted(["com", "ep", "fr", "de", "es", "se", "uk"])
    assert _stance(s, "se", "d00062i2").position.value == 10
    assert _stance(s, "se", "d00062i2").salience.value == 0.5
    assert _stance(s, "uk", "d00062i2").salience.value == 0.8
    assert s.issues[0].status_quo is None and s.issues[0].outcome.value == 60


def test_missing_salience_rule(by_issue):
    # line 295, d05246i2: pie 15 and pmt 15 with blank saliences; pat 50 sat 90
    s = by_issue["d05246i2"]
    ie = _stance(s, "ie", "d05246i2")
    assert ie.position.value == 15 and ie.salience.value == 0 and "missing" in ie.note
    assert _stance(s, "at", "d05246i2").salience.value == 0.9
    other = {x.issues[0].id: x for x in deu3.load_deu3(missing_salience=0.5)}["d05246i2"]
    assert _stance(other, "mt", "d05246i2").salience.value == 0.5
    assert _stance(other, "at", "d05246i2").salience.value == 0.9


def test_council_capabilities_on_real_rows():
    council = {s.id: s for s in deu3.load_deu3(capability="council", unit="proposal")}
    qmv = council["deu3-d00032"]  # pre-Nice, QMV
    assert qmv.actor("de").capability.value == pytest.approx(10 * 15 / 87)
    assert qmv.actor("lu").capability.value == pytest.approx(2 * 15 / 87)
    assert qmv.actor("com").capability.value == 1 and qmv.actor("ep").capability.value == 1
    assert qmv.actor("de").capability.evidence[0].source == "council-pre-nice"
    assert "council-pre-nice" in [src.id for src in qmv.scenario.sources]
    unan = council["deu3-d97264"]  # line 31: counvte Unan
    assert {a.capability.value for a in unan.actors} == {1.0}
    nice = council["deu3-d05183"]  # final act 11 June 2008: EU-27, Nice votes
    assert nice.actor("pl").capability.value == pytest.approx(27 * 27 / 345)
    lisbon = council["deu3-d160280"]
    assert lisbon.actor("de").capability.value == pytest.approx(15.93 * 28 / 100.01)
    # issue 1 QMV, issue 2 unanimity: per-issue capability. No final act: decision estimated
    # at 12 July 2005 + 525 days = 19 December 2006, when the EU had 25 members (321 votes)
    mixed = council["deu3-d05127"]
    de = mixed.actor("de")
    assert de.capability is None
    assert de.issues["d05127i1"].capability.value == pytest.approx(29 * 25 / 321)
    assert de.issues["d05127i2"].capability.value == 1


def test_gdp_capabilities():
    s = {x.issues[0].id: x for x in deu3.load_deu3(capability="gdp")}["d00032i1"]
    assert s.actor("de").capability.value == 4.1 and s.actor("com").capability.value == 4.1
    assert s.actor("lu").capability.value == 0.08


def test_uncertainty_ranges():
    s = {
        x.issues[0].id: x
        for x in deu3.load_deu3(uncertainty=deu3.Uncertainty(position=10, salience=0.1))
    }["d00032i1"]
    com = _stance(s, "com", "d00032i1")  # position 100, salience 0.5
    assert (com.position.range.low, com.position.range.high, com.position.range.mode) == (
        90,
        100,
        100,
    )
    assert (com.salience.range.low, com.salience.range.high) == pytest.approx((0.4, 0.6))
    assert com.position.range.distribution == "pert"


def test_proposal_unit_groups_issues():
    scenarios = deu3.load_deu3(unit="proposal")
    assert len(scenarios) == 141
    first = scenarios[0]
    assert first.id == "deu3-d00032" and first.issue_ids == tuple(
        f"d00032i{k}" for k in range(1, 5)
    )


def test_bad_options():
    with pytest.raises(KingmakerError, match="capability option"):
        deu3.load_deu3(capability="votes")
    with pytest.raises(KingmakerError, match="unit"):
        deu3.load_deu3(unit="council")
    with pytest.raises(KingmakerError, match="0-1"):
        deu3.load_deu3(missing_salience=50)


def test_bad_file_points_at_the_line(tmp_path):
    lines = deu3.data_path().read_text(encoding="utf-8").splitlines()
    cells = lines[3].split("\t")
    cells[13] = '"lots"'  # pcom of line 4
    lines[3] = "\t".join(cells)
    bad = tmp_path / "deu3.csv"
    bad.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        deu3.read_deu3(bad)
    assert exc.value.problems[0].line == 4 and "pcom" in str(exc.value)
    header_only = tmp_path / "short.csv"
    header_only.write_text("a\tb\n1\t2\n3\t4\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing DEU III columns"):
        deu3.read_deu3(header_only)
