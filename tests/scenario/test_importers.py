"""Every importer on every anchor sample, with values checked against the files by hand."""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from kingmaker.errors import ScenarioError
from kingmaker.scenario.compile import compile_scenario
from kingmaker.scenario.io import detect_format, read_text
from tests.conftest import ANCHORS

SAMPLES = [
    # file, format, actors, issues
    ("bdm1994/ExampleActors.csv", "bdm-csv", 10, 1),
    ("bdm1994/Sultan.csv", "bdm-csv", 17, 1),
    ("ktab/SOE-Competitive.csv", "ktab-csv", 34, 1),
    ("ktab/SOE-Pol-Comp.csv", "ktab-csv", 13, 2),
    ("ktab/SOE-Policy.csv", "ktab-csv", 26, 1),
    ("ktab/bdm94-emissions.csv", "ktab-csv", 10, 1),
    ("ktab/dummyData-a040.csv", "ktab-csv", 40, 1),
    ("ktab/dummyData-a080.csv", "ktab-csv", 80, 1),
    ("ktab/dummyData-a160.csv", "ktab-csv", 160, 1),
    ("ktab/dummyData_3Dim.csv", "ktab-csv", 7, 3),
    ("ktab/dummyData_6Dim.csv", "ktab-csv", 27, 6),
    ("ktab/dummyData_3Dim.xml", "ktab-xml", 7, 3),
    ("decide/sample_data.txt", "decide-csv", 10, 6),
    ("decide/cop21.csv", "decide-csv", 15, 13),
    ("decide/copenhagen.csv", "decide-csv", 11, 7),
]


@pytest.mark.parametrize("name,fmt,n_actors,n_issues", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_every_sample_imports(name, fmt, n_actors, n_issues):
    path = ANCHORS / name
    assert detect_format(read_text(path), path) == fmt
    sc = kingmaker.load_scenario(path)
    assert (len(sc.actors), len(sc.issues)) == (n_actors, n_issues)
    # the explicit format gives the same scenario as detection
    assert kingmaker.load_scenario(path, format=fmt) == sc


def test_bdm_csv_values():
    sc = kingmaker.load_scenario(ANCHORS / "bdm1994/ExampleActors.csv")
    uk = sc.actor("uk")
    assert uk.name == "UK"
    assert uk.capability.value == 0.16
    assert uk.issues["issue"].position.value == 10
    assert uk.issues["issue"].salience.value == 0.9
    issue = sc.issues[0]
    assert (issue.scale.min, issue.scale.max) == (4, 10)  # the span of the positions


def test_bdm_csv_percent_saliences(write):
    path = write("pct.csv", "Actor,Capability,Position,Salience\nA,1,10,80\nB,2,20,40\n")
    sc = kingmaker.load_scenario(path)
    assert [a.issues["issue"].salience.value for a in sc.actors] == [0.8, 0.4]
    assert "percentages" in sc.scenario.description


def test_ktab_csv_values():
    sc = kingmaker.load_scenario(ANCHORS / "ktab/SOE-Pol-Comp.csv")
    assert sc.issue_ids == ("policy", "competitive")
    xj = sc.actor("xj")
    assert xj.description == "Xi Jinping"
    assert xj.capability.value == 100.0
    assert xj.issues["policy"].position.value == 30
    assert xj.issues["policy"].salience.value == pytest.approx(0.24)
    assert xj.issues["competitive"].salience.value == pytest.approx(0.48)
    assert sc.scenario.title == "China Policy/Competitive; scen 2"


def test_ktab_6dim_title_line_with_extra_fields():
    sc = kingmaker.load_scenario(ANCHORS / "ktab/dummyData_6Dim.csv")
    assert sc.issue_ids == ("dim0", "dim1", "dim2", "dim3", "dim4", "dim5")
    aa = sc.actor("aa00")
    assert aa.capability.value == 99.98
    assert [aa.issues[d].position.value for d in sc.issue_ids] == [50, 62.5, 62.5, 100, 75, 80]


def test_ktab_xml_equals_its_csv():
    """dummyData_3Dim.xml holds the same data as dummyData_3Dim.csv (KTAB's own samples)."""
    a = compile_scenario(kingmaker.load_scenario(ANCHORS / "ktab/dummyData_3Dim.xml"))
    b = compile_scenario(kingmaker.load_scenario(ANCHORS / "ktab/dummyData_3Dim.csv"))
    assert a.actor_ids == b.actor_ids and a.issue_ids == b.issue_ids
    for p in ("capability", "position", "salience"):
        np.testing.assert_array_equal(a.value[p], b.value[p])


def test_ktab_xml_empty_coordinate_is_a_clear_error():
    with pytest.raises(ScenarioError) as exc:
        kingmaker.load_scenario(ANCHORS / "ktab/smpExample.xml")
    (problem,) = exc.value.problems
    assert problem.line == 32
    assert "Alice" in problem.message and "FirstDim" in problem.message
    assert "empty" in problem.message


def test_decide_sample_data_scales_and_power():
    sc = kingmaker.load_scenario(ANCHORS / "decide/sample_data.txt")
    hoogte = sc.issue("tol-hoogte")
    assert (hoogte.scale.min, hoogte.scale.max) == (0.5, 7)
    willems = sc.actor("willems")
    assert willems.description == "Test"
    assert willems.capability.value == 1.0  # same power on every issue -> actor capability
    assert willems.issues["tol-hoogte"].position.value == 3.0
    assert willems.issues["tol-hoogte"].salience.value == 0.7


def test_decide_copenhagen_missing_stances_are_absent():
    sc = kingmaker.load_scenario(ANCHORS / "decide/copenhagen.csv")
    arrays = compile_scenario(sc)
    # Russia gives no position on Commitments and Extra in the file
    r = sc.actor_ids.index("russia")
    absent = [i for i, iss in enumerate(sc.issue_ids) if not arrays.present[r, i]]
    assert [sc.issue_ids[i] for i in absent] == ["commitments", "extra"]
    assert np.isnan(arrays.value["position"][r, absent]).all()


def test_decide_with_errors_points_at_the_bad_rows():
    with pytest.raises(ScenarioError) as exc:
        kingmaker.load_scenario(ANCHORS / "decide/copenhagen_with_errors.csv")
    lines = {p.line: p.message for p in exc.value.problems}
    assert set(lines) == {86, 87}
    assert "Russia" in lines[86] and "160" in lines[86] and "0..100" in lines[86]
    assert "China India" in lines[87] and "power" in lines[87] and "-0.247" in lines[87]


BAD_FILES = [
    # (name, text, format, line, words expected in the message)
    (
        "bdm_header.csv",
        "Actor,Power,Position,Salience\nA,1,2,0.5\n",
        "bdm-csv",
        1,
        ["Actor,Capability,Position,Salience"],
    ),
    (
        "bdm_fields.csv",
        "Actor,Capability,Position,Salience\nA,1,2\n",
        None,
        2,
        ["expected 4 fields"],
    ),
    (
        "bdm_number.csv",
        "Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x1,3,0.5\n",
        None,
        3,
        ["Capability", "expected a number", "x1"],
    ),
    (
        "bdm_negative.csv",
        "Actor,Capability,Position,Salience\nA,-1,2,0.5\n",
        None,
        2,
        ["Capability", ">= 0"],
    ),
    (
        "bdm_dup.csv",
        "Actor,Capability,Position,Salience\nA,1,2,0.5\nA,1,3,0.5\n",
        None,
        3,
        ["listed twice", "line 2"],
    ),
    ("bdm_nan.csv", "Actor,Capability,Position,Salience\nA,1,nan,0.5\n", None, 2, ["finite"]),
    ("bdm_empty.csv", "Actor,Capability,Position,Salience\n", None, 1, ["no actor rows"]),
    (
        "ktab_count.csv",
        "T,d,3,1,\nActor,Desc,Power,P,S\nA,a,1,10,50\nB,b,1,20,50\n",
        None,
        1,
        ["announces 3 actors", "2 actor rows"],
    ),
    (
        "ktab_range.csv",
        "T,d,1,1,\nActor,Desc,Power,P,S\nA,a,1,120,50\n",
        None,
        3,
        ["P", "<= 100", "120"],
    ),
    (
        "ktab_header.csv",
        "T,d,1,2,\nActor,Desc,Power,P,S\nA,a,1,10,50\n",
        None,
        2,
        ["2 dimension(s) need 7"],
    ),
    (
        "decide_actor.csv",
        "#A\tA\tA\n#P\tI\tI\n#D\tB\tI\t50\t0.5\t1\n",
        None,
        3,
        ["actor 'B'", "#A"],
    ),
    ("decide_sal.csv", "#A\tA\tA\n#P\tI\tI\n#D\tA\tI\t50\t1.5\t1\n", None, 3, ["salience", "<= 1"]),
    (
        "decide_dup.csv",
        "#A\tA\tA\n#P\tI\tI\n#D\tA\tI\t50\t0.5\t1\n#D\tA\tI\t40\t0.5\t1\n",
        None,
        4,
        ["given twice", "line 3"],
    ),
    (
        "decide_tag.csv",
        "#A\tA\tA\n#P\tI\tI\n#X\tfoo\n#D\tA\tI\t50\t0.5\t1\n",
        None,
        3,
        ["unknown row type", "#X"],
    ),
    (
        "decide_scale.csv",
        "#A\tA\tA\n#P\tI\tI\n#M\tI\t0\n#M\tI\t10\n#D\tA\tI\t50\t0.5\t1\n",
        None,
        5,
        ["outside the issue's scale 0..10"],
    ),
    (
        "bad.xml",
        "<Scenario><name>x</name><Dimensions><dName>d</dName></Dimensions>"
        "<Actors><Actor><name>A</name><capability>1</capability><Position><dCoord>5</dCoord>"
        "</Position></Actor></Actors>",
        None,
        1,
        ["not well-formed"],
    ),
    (
        "noactors.xml",
        "<Scenario>\n<name>x</name>\n<Dimensions><dName>d</dName></Dimensions>\n"
        "<Actors>\n</Actors>\n</Scenario>",
        None,
        4,
        ["no <Actor>"],
    ),
    (
        "xml_count.xml",
        "<Scenario>\n<name>x</name>\n<Dimensions><dName>d</dName><dName>e</dName>"
        "</Dimensions>\n<Actors>\n<Actor><name>A</name><capability>1</capability>\n<Position>"
        "<dCoord>5</dCoord></Position>\n<Salience><dSal>5</dSal><dSal>5</dSal></Salience>"
        "</Actor>\n</Actors>\n</Scenario>",
        None,
        6,
        ["A", "expected 2 <dCoord>"],
    ),
]


@pytest.mark.parametrize("name,text,fmt,line,words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_located_messages(write, name, text, fmt, line, words):
    path = write(name, text)
    with pytest.raises(ScenarioError) as exc:
        kingmaker.load_scenario(path, format=fmt)
    problem = exc.value.problems[0]
    assert problem.file == str(path)
    assert problem.line == line, exc.value.render()
    for word in words:
        assert word in problem.message, problem.message


def test_unrecognised_content_asks_for_a_format(write):
    path = write("notes.txt", "just some notes\nnothing tabular here\n")
    with pytest.raises(ScenarioError, match=r"cannot tell the format.*format: one of"):
        kingmaker.load_scenario(path)


def test_binary_and_missing_files(write, tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\xff\xfe\x00\x81" * 10)
    with pytest.raises(ScenarioError):
        kingmaker.load_scenario(binary)
    with pytest.raises(kingmaker.KingmakerError, match="no file or embedded scenario"):
        kingmaker.load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        kingmaker.load_scenario(tmp_path)
