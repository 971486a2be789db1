"""Calibrated intervals (DEU III conformal half-widths) on the forecast and simulation records:
the arithmetic on scales other than 0-100, clipping, the absent and the malformed file, and
round trips of records with and without them."""

from __future__ import annotations

import json

import pytest

import kingmaker
from kingmaker import results
from kingmaker.analysis import calibrated
from kingmaker.errors import CalibrationError
from kingmaker.results.calibration import LABEL
from tests.conftest import DATA

FIXTURE = DATA / "calibration" / "calibration.json"

# Three actors of equal capability and salience: the compromise is the plain mean,
# 3.0 on issue a (scale 0-10) and 4.0 on issue b (scale -5..5).
SCENARIO = """
kingmaker: 1
scenario: {id: scales, title: Two scales}
issues:
  - {id: a, question: A?, scale: {min: 0, max: 10}}
  - {id: b, question: B?, scale: {min: -5, max: 5}}
actors:
  - id: x
    name: X
    capability: 1
    issues: {a: {position: 2, salience: 1}, b: {position: 3, salience: 1}}
  - id: y
    name: Y
    capability: 1
    issues: {a: {position: 3, salience: 1}, b: {position: 4, salience: 1}}
  - id: z
    name: Z
    capability: 1
    issues: {a: {position: 4, salience: 1}, b: {position: 5, salience: 1}}
"""

# The fixture's compromise half-widths are 12.5, 30 and 55 points of 0-100: on a scale
# 10 wide that is 1.25, 3.0 and 5.5.
EXPECTED = {
    "a": {0.5: (1.75, 4.25), 0.8: (0.0, 6.0), 0.95: (0.0, 8.5)},  # 3 - 3.0 and 3 - 5.5 clip to 0
    "b": {0.5: (2.75, 5.0), 0.8: (1.0, 5.0), 0.95: (-1.5, 5.0)},  # 4 + 1.25 clips to 5
}


@pytest.fixture(autouse=True)
def calibration_file(monkeypatch):
    monkeypatch.setattr(calibrated, "PATH", FIXTURE)
    calibrated.clear_cache()
    yield
    calibrated.clear_cache()


@pytest.fixture
def scales(write):
    return kingmaker.load_scenario(write("scales.yaml", SCENARIO))


def _close(got, want):
    assert set(got) == set(want)
    for level, (lo, hi) in want.items():
        assert got[level] == pytest.approx((lo, hi), abs=1e-12), level


def test_interval_by_hand():
    assert calibrated.interval(3.0, 12.5, (0, 10)) == pytest.approx((1.75, 4.25))
    assert calibrated.interval(0.0, 30.0, (-5, 5)) == pytest.approx((-3.0, 3.0))
    assert calibrated.interval(4.0, 30.0, (-5, 5)) == pytest.approx((1.0, 5.0))  # clipped
    assert calibrated.interval(-4.0, 30.0, (-5, 5)) == pytest.approx((-5.0, -1.0))  # clipped
    assert calibrated.interval(50.0, 0.0, (0, 100)) == (50.0, 50.0)


def test_forecast_intervals_on_other_scales(scales):
    f = kingmaker.forecast(scales, ["compromise"])
    run = f.run("compromise")
    assert run.issue("a").forecast == pytest.approx(3.0)
    assert run.issue("b").forecast == pytest.approx(4.0)
    for issue, want in EXPECTED.items():
        _close(run.issue(issue).calibrated, want)
    assert f.calibration is not None and f.calibration.label == LABEL == "calibrated on DEU III"
    assert f.calibration.fingerprint == "0123abcd" and f.calibration.n_cases == 353
    doc = f.to_dict()
    assert doc["calibration"]["label"] == LABEL
    assert doc["calibration"]["levels"] == [0.5, 0.8, 0.95]
    assert doc["issues"][1]["models"]["compromise"]["calibrated"] == {
        "0.5": [2.75, 5.0],
        "0.8": [1.0, 5.0],
        "0.95": [-1.5, 5.0],
    }


def test_a_model_the_file_does_not_cover_gets_none(scales):
    f = kingmaker.forecast(scales, ["compromise", "condorcet"])
    assert all(not g.calibrated for g in f.run("condorcet").issues)
    assert "calibrated" not in f.to_dict()["issues"][0]["models"]["condorcet"]


def test_simulation_intervals_around_the_point_forecast(scales):
    s = kingmaker.simulate(scales, ["compromise", "condorcet"], draws=20, seed=1)
    for issue, want in EXPECTED.items():
        _close(s.calibrated_intervals("compromise", issue), want)
    assert s.calibrated_intervals("condorcet", "a") == {}
    doc = s.to_dict()
    assert doc["calibration"]["label"] == LABEL
    assert doc["issues"][0]["models"]["compromise"]["calibrated"]["0.8"] == [0.0, 6.0]
    assert "calibrated" not in doc["issues"][0]["models"]["condorcet"]


def test_missing_file_means_no_intervals_and_no_error(scales, tmp_path, monkeypatch):
    monkeypatch.setattr(calibrated, "PATH", tmp_path / "absent.json")
    assert calibrated.load_calibration() is None
    f = kingmaker.forecast(scales, ["compromise"])
    assert f.calibration is None and all(not g.calibrated for g in f.run("compromise").issues)
    doc = f.to_dict()
    assert "calibration" not in doc
    assert all("calibrated" not in i["models"]["compromise"] for i in doc["issues"])
    s = kingmaker.simulate(scales, ["compromise"], draws=10, seed=1)
    assert s.calibration is None and s.calibrated == {}
    assert "calibration" not in s.to_dict()


def test_calibrated_false_skips_them(scales):
    f = kingmaker.forecast(scales, ["compromise"], calibrated=False)
    assert f.calibration is None and not f.run("compromise").issue("a").calibrated


def test_the_file_is_read_once():
    assert calibrated.load_calibration() is calibrated.load_calibration()


def _good() -> dict:
    return json.loads(FIXTURE.read_text())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(kind="something else"), "kind"),
        (lambda d: d.pop("fingerprint"), "fingerprint"),
        (lambda d: d.update(scale=[100, 0]), "scale"),
        (lambda d: d.update(levels=[0.5, 1.5]), "levels"),
        (lambda d: d.update(n_cases="many"), "n_cases"),
        (lambda d: d.update(models=[]), "models"),
        (lambda d: d["models"]["median"].pop("halfwidth"), "models.median"),
        (lambda d: d["models"]["median"]["halfwidth"].update({"0.8": -1}), "models.median"),
        (lambda d: d["models"]["median"]["halfwidth"].update({"0.9": 3}), "not one of levels"),
        (lambda d: d["models"]["median"]["halfwidth"].update({"x": 3}), "not a number"),
        (lambda d: d["models"]["compromise"].update(cross_conformal=3), "cross_conformal"),
    ],
)
def test_malformed_file_is_a_clear_error(write, monkeypatch, change, words):
    doc = _good()
    change(doc)
    path = write("calibration.json", json.dumps(doc))
    monkeypatch.setattr(calibrated, "PATH", path)
    with pytest.raises(CalibrationError) as e:
        calibrated.load_calibration()
    assert str(path) in str(e.value) and "malformed" in str(e.value) and words in str(e.value)


def _set(*keys, value):
    """A change that sets doc[k1][k2]... = value."""

    def change(doc):
        node = doc
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return change


def _drop(*keys):
    def change(doc):
        node = doc
        for k in keys[:-1]:
            node = node[k]
        del node[keys[-1]]

    return change


# (change, where in the file, what the message says was expected)
BAD_FILES = [
    pytest.param(_drop("kind"), "kind", "required", id="missing-kind"),
    pytest.param(_drop("models"), "models", "required", id="missing-models"),
    pytest.param(_drop("n_cases"), "n_cases", "required", id="missing-n_cases"),
    pytest.param(
        _set("kind", value="other"), "kind", "deu3-conformal-calibration", id="wrong-kind"
    ),
    pytest.param(
        _set("fingerprint", value=""), "fingerprint", "at least 1", id="empty-fingerprint"
    ),
    pytest.param(_set("fingerprint", value=12), "fingerprint", "string", id="fingerprint-not-text"),
    pytest.param(_set("n_cases", value=True), "n_cases", "integer", id="n_cases-boolean"),
    pytest.param(_set("n_cases", value=0), "n_cases", "greater than or equal to 1", id="no-cases"),
    pytest.param(_set("n_cases", value=3.5), "n_cases", "integer", id="n_cases-fraction"),
    pytest.param(_set("scale", value=[0]), "scale", "at least 2 items", id="scale-one-number"),
    pytest.param(_set("scale", value=[100, 0]), "scale", "low < high", id="scale-reversed"),
    pytest.param(_set("scale", value=[0, "x"]), "scale[1]", "number", id="scale-not-number"),
    pytest.param(_set("levels", value=[]), "levels", "at least 1", id="no-levels"),
    pytest.param(_set("levels", value=[0.5, 1.0]), "levels[1]", "less than 1", id="level-one"),
    pytest.param(_set("method", value=3), "method", "string", id="method-not-text"),
    pytest.param(_set("models", value=[]), "models", "JSON object", id="models-a-list"),
    pytest.param(_set("models", "median", value=3), "models.median", "object", id="entry-number"),
    pytest.param(
        _drop("models", "median", "halfwidth"),
        "models.median.halfwidth",
        "required",
        id="missing-halfwidth",
    ),
    pytest.param(
        _set("models", "median", "halfwidth", "0.8", value=-1),
        "models.median.halfwidth.0.8",
        "greater than or equal to 0",
        id="negative-width",
    ),
    pytest.param(
        _set("models", "median", "halfwidth", "0.8", value="wide"),
        "models.median.halfwidth.0.8",
        "number",
        id="width-not-number",
    ),
    pytest.param(
        _set("models", "median", "halfwidth", "0.8", value=float("nan")),
        "models.median.halfwidth.0.8",
        "finite",
        id="width-nan",
    ),
    pytest.param(
        _set("models", "median", "halfwidth", "0.9", value=3),
        "models.median.halfwidth",
        "not one of levels",
        id="unknown-level",
    ),
    pytest.param(
        _set("models", "median", "halfwidth", "x", value=3),
        "models.median.halfwidth.x",
        "not a number",
        id="level-not-number",
    ),
    pytest.param(
        _set("models", "compromise", "cross_conformal", "0.5", "coverage", value="high"),
        "models.compromise.cross_conformal.0.5.coverage",
        "number",
        id="cross-conformal-not-number",
    ),
]


@pytest.mark.parametrize(("change", "where", "expected"), BAD_FILES)
def test_bad_calibration_files(write, monkeypatch, change, where, expected):
    doc = _good()
    change(doc)
    path = write("calibration.json", json.dumps(doc))
    monkeypatch.setattr(calibrated, "PATH", path)
    with pytest.raises(CalibrationError) as e:
        calibrated.load_calibration()
    message = str(e.value)
    assert message.startswith(f"the calibration file {path} is malformed: ")
    assert where in message and expected in message, message


def test_unreadable_json_names_the_file(write, scales, monkeypatch):
    path = write("calibration.json", '{"kind": "deu3-conformal-calibration",')
    monkeypatch.setattr(calibrated, "PATH", path)
    with pytest.raises(CalibrationError, match="cannot be read") as e:
        kingmaker.forecast(scales, ["compromise"])
    assert str(path) in str(e.value)


def _strip(doc):
    """A document as Kingmaker wrote it before calibrated intervals existed."""
    doc = json.loads(json.dumps(doc))
    doc.pop("calibration", None)
    for issue in doc["issues"]:
        for m in issue["models"].values():
            m.pop("calibrated", None)
    return doc


def test_round_trips_with_and_without_intervals(scales):
    f = kingmaker.forecast(scales, ["compromise", "condorcet"])
    s = kingmaker.simulate(scales, ["compromise", "condorcet"], draws=20, seed=1)
    for record in (f, s):
        doc = json.loads(json.dumps(record.to_dict(), allow_nan=False))
        back = results.from_dict(doc, record.arrays())
        assert back.to_dict() == doc
        assert back.calibration == record.calibration
        old = _strip(doc)
        assert "calibration" not in old
        back = results.from_dict(old, record.arrays())
        assert back.calibration is None
        assert back.to_dict() == old
    back_f = results.from_dict(f.to_dict())
    _close(back_f.run("compromise").issue("b").calibrated, EXPECTED["b"])
    back_s = results.from_dict(s.to_dict(), s.arrays())
    _close(back_s.calibrated_intervals("compromise", "a"), EXPECTED["a"])


def test_a_model_run_with_other_settings_than_calibrated_gets_none(scales, tmp_path, monkeypatch):
    """The file records each model's settings; a run with the same ones gets intervals, a
    run with others (here eum's rounds) none, in the forecast and the simulation alike."""
    default = kingmaker.forecast(scales, ["eum"], calibrated=False).run("eum").params
    doc = json.loads(FIXTURE.read_text())
    doc["models"]["eum:scholz2011"]["params"] = dict(default)
    doc["models"]["compromise"]["params"] = {}
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(doc))
    monkeypatch.setattr(calibrated, "PATH", path)
    calibrated.clear_cache()
    same = kingmaker.forecast(scales, ["eum", "compromise"])
    assert same.run("eum").issue("a").calibrated and same.run("compromise").issue("a").calibrated
    other = kingmaker.forecast(scales, ["eum", "compromise"], settings={"eum": {"rounds": 3}})
    assert other.run("eum").params["rounds"] == 3
    assert other.run("eum").issue("a").calibrated == {}
    assert other.run("compromise").issue("a").calibrated  # untouched
    sim = kingmaker.simulate(
        scales, ["eum"], draws=4, spread=0.1, seed=1, settings={"eum": {"rounds": 3}}
    )
    assert not sim.calibrated.get("eum")
    sim = kingmaker.simulate(scales, ["eum"], draws=4, spread=0.1, seed=1)
    assert sim.calibrated["eum"]["a"]
