"""Import -> YAML/JSON -> load gives the same scenario, for every sample and random documents."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kingmaker
from kingmaker.errors import ScenarioError
from kingmaker.scenario.compile import scenario_hash
from tests.conftest import ANCHORS
from tests.scenario.test_importers import SAMPLES


@pytest.mark.parametrize("name", [s[0] for s in SAMPLES] + ["bdm1994-emissions", "us-iraq-2020"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_lossless(tmp_path, name, fmt):
    source = ANCHORS / name if "/" in name else name
    original = kingmaker.load_scenario(source)
    path = kingmaker.save_scenario(original, tmp_path / f"out.{fmt}")
    again = kingmaker.load_scenario(path)
    assert again == original
    assert scenario_hash(again) == scenario_hash(original)
    # and a second trip writes the same text
    assert kingmaker.scenario_text(again, fmt) == path.read_text(encoding="utf-8")


def test_save_never_overwrites_without_permission(tmp_path):
    sc = kingmaker.load_scenario("bdm1994-emissions")
    path = tmp_path / "s.yaml"
    path.write_text("precious\n")
    with pytest.raises(ScenarioError, match="exists; pass overwrite=True"):
        kingmaker.save_scenario(sc, path)
    assert path.read_text() == "precious\n"
    kingmaker.save_scenario(sc, path, overwrite=True)
    assert kingmaker.load_scenario(path) == sc
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


ids = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def quantity(draw, lo: float, hi: float):
    value = draw(st.floats(min_value=lo, max_value=hi, allow_nan=False))
    if not draw(st.booleans()):
        return value
    q: dict = {"value": value}
    if draw(st.booleans()):
        a = draw(st.floats(min_value=lo, max_value=value, allow_nan=False))
        b = draw(st.floats(min_value=value, max_value=hi, allow_nan=False))
        q["range"] = {
            "low": a,
            "high": b,
            "distribution": draw(st.sampled_from(["uniform", "triangular", "pert"])),
        }
        if draw(st.booleans()):
            q["range"]["mode"] = value
    if draw(st.booleans()):
        q["evidence"] = [
            {
                "source": "src",
                "quote": draw(
                    st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and t)
                ),
                "note": "n",
            }
        ]
    if draw(st.booleans()):
        q["judgement"] = "analyst's call"
    return q


@st.composite
def documents(draw):
    issue_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    actor_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    issues = []
    scales = {}
    for i in issue_ids:
        lo = draw(finite)
        hi = draw(st.floats(min_value=lo + 1, max_value=lo + 1e6, allow_nan=False))
        scales[i] = (lo, hi)
        issues.append({"id": i, "question": f"{i}?", "scale": {"min": lo, "max": hi}})
    actors = []
    for k, a in enumerate(actor_ids):
        chosen = issue_ids if k == 0 else draw(st.lists(st.sampled_from(issue_ids), unique=True))
        actors.append(
            {
                "id": a,
                "name": a.upper(),
                "capability": draw(quantity(0, 1e3)),
                "issues": {
                    i: {"position": draw(quantity(*scales[i])), "salience": draw(quantity(0, 1))}
                    for i in chosen
                },
            }
        )
    return {
        "scenario": {"id": "random", "title": "Random", "sources": [{"id": "src", "title": "S"}]},
        "issues": issues,
        "actors": actors,
    }


@given(doc=documents(), fmt=st.sampled_from(["yaml", "json"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_documents_round_trip(doc, fmt):
    sc = kingmaker.build_scenario(doc)
    text = kingmaker.scenario_text(sc, fmt)
    assert kingmaker.parse_scenario_text(text, f"x.{fmt}") == sc
