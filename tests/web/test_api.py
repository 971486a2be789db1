"""The dashboard's JSON API and pages, through FastAPI's test client: every endpoint, the
what-if numbers against an independent weighted mean, versions that leave the original
alone, jobs kept in the store, and every bad request answered with a 4xx JSON error."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import kingmaker  # noqa: E402
from kingmaker.web import create_app  # noqa: E402

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile.yaml"
FLAGSHIP = "us-iraq-2020"


@pytest.fixture
def client(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    with TestClient(app) as c:
        yield c


def weighted_mean(scenario, issue, away=(), salience=None):
    """The compromise model by hand: capability x salience weighted mean of positions."""
    num = den = 0.0
    for actor in scenario.actors:
        stance = actor.issues.get(issue)
        if stance is None or actor.id in away:
            continue
        capability = (stance.capability or actor.capability).value
        s = stance.salience.value
        if salience and salience[0] == actor.id:
            s = salience[1]
        num += capability * s * stance.position.value
        den += capability * s
    return num / den


def wait(client, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("complete", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_id} did not finish")


# ---- scenarios


def test_scenarios_lists_the_embedded_ones(client):
    listed = client.get("/api/scenarios").json()
    ids = {e["id"]: e for e in listed}
    assert {FLAGSHIP, "bdm1994-emissions"} <= set(ids)
    assert ids[FLAGSHIP]["kind"] == "embedded"


def test_scenario_view_holds_the_table_scales_evidence_and_presets(client):
    view = client.get(f"/api/scenarios/{FLAGSHIP}").json()
    sc = kingmaker.load_scenario(FLAGSHIP)
    assert [a["id"] for a in view["actors"]] == [a.id for a in sc.actors]
    assert [i["id"] for i in view["issues"]] == ["troops", "pmf", "lifelines", "support"]
    us = view["actors"][0]
    assert us["issues"]["troops"]["salience"] == {
        **us["issues"]["troops"]["salience"],
        "value": 0.6,
        "low": 0.4,
        "high": 0.8,
    }
    assert us["capability"]["judgement_only"] is True  # the numeraire cites no quote
    assert us["issues"]["troops"]["position"]["evidence"][0]["source"] == "epc-brief"
    troops = view["issues"][0]
    assert (troops["status_quo"], troops["observed"]) == (80.0, 45.0)
    assert [a["value"] for a in troops["anchors"]] == [0, 20, 45, 65, 80, 100]
    assert {p["id"] for p in view["presets"]} == {iv.id for iv in sc.interventions}


def test_what_if_without_edits_is_the_forecast(client):
    sc = kingmaker.load_scenario(FLAGSHIP)
    answer = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json={}).json()
    expected = kingmaker.forecast(sc, ["compromise", "median", "condorcet", "eum"], seed=0)
    for issue in answer["issues"]:
        assert issue["forecasts"] == issue["baseline"]
        for model in answer["models"]:
            assert issue["forecasts"][model] == pytest.approx(expected.value(model, issue["id"]))
        assert issue["forecasts"]["compromise"] == pytest.approx(weighted_mean(sc, issue["id"]))


def test_what_if_moves_exactly_what_the_edit_moves(client):
    sc = kingmaker.load_scenario(FLAGSHIP)
    edit = {"actor": "iran", "issue": "troops", "parameter": "salience", "value": 0.2}
    answer = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json={"set": [edit]}).json()
    by_id = {i["id"]: i for i in answer["issues"]}
    troops = by_id["troops"]
    assert troops["forecasts"]["compromise"] == pytest.approx(
        weighted_mean(sc, "troops", salience=("iran", 0.2))
    )
    assert troops["baseline"]["compromise"] == pytest.approx(weighted_mean(sc, "troops"))
    # Iran cares less, so the compromise moves away from its position (0) toward the US
    assert troops["forecasts"]["compromise"] > troops["baseline"]["compromise"]
    # the other issues' static forecasts do not move (no proxy follows a typed number)
    for other in ("pmf", "lifelines", "support"):
        assert by_id[other]["forecasts"]["compromise"] == by_id[other]["baseline"]["compromise"]
    iran = next(p for p in troops["positions"] if p["actor"] == "iran")
    assert iran["salience"] == 0.2


def test_keeping_an_actor_away(client):
    sc = kingmaker.load_scenario(FLAGSHIP)
    answer = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json={"away": ["us"]}).json()
    for issue in answer["issues"]:
        assert issue["forecasts"]["compromise"] == pytest.approx(
            weighted_mean(sc, issue["id"], away=("us",))
        )
        assert "us" not in {p["actor"] for p in issue["positions"]}


def test_a_preset_applies_as_advise_applies_it(client):
    from kingmaker.scenario.interventions import apply_intervention

    sc = kingmaker.load_scenario(FLAGSHIP)
    preset = sc.interventions[0]
    answer = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json={"presets": [preset.id]})
    expected = kingmaker.forecast(apply_intervention(sc, preset), ["compromise"], seed=0)
    for issue in answer.json()["issues"]:
        assert issue["forecasts"]["compromise"] == pytest.approx(
            expected.value("compromise", issue["id"])
        )


@pytest.mark.parametrize(
    "body, status, text",
    [
        (
            {"set": [{"actor": "nobody", "issue": "troops", "parameter": "salience", "value": 1}]},
            422,
            "nobody",
        ),
        (
            {"set": [{"actor": "iran", "issue": "troops", "parameter": "salience", "value": 7}]},
            422,
            "between 0 and 1",
        ),
        (
            {"set": [{"actor": "iran", "issue": "troops", "parameter": "position", "value": 101}]},
            422,
            "scale 0..100",
        ),
        (
            {"set": [{"actor": "iran", "issue": "troops", "parameter": "mood", "value": 1}]},
            422,
            "malformed request",
        ),
        ({"presets": ["no-such-preset"]}, 422, "no-such-preset"),
        ({"away": ["nobody"]}, 422, "nobody"),
        ({"surprise": 1}, 422, "malformed request"),
    ],
    ids=[
        "unknown-actor",
        "salience-above-1",
        "position-off-scale",
        "unknown-parameter",
        "unknown-preset",
        "unknown-away",
        "extra-field",
    ],
)
def test_bad_edits_are_4xx_json(client, body, status, text):
    response = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json=body)
    assert response.status_code == status, response.text
    doc = response.json()
    assert "error" in doc and text in response.text
    assert "Traceback" not in response.text


def test_malformed_json_is_a_4xx_json_error(client):
    response = client.post(
        f"/api/scenarios/{FLAGSHIP}/what-if",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["error"] == "malformed request"


@pytest.mark.parametrize(
    "path",
    [
        "/api/scenarios/../../etc/passwd",
        "/api/scenarios/..%2F..%2Fetc%2Fpasswd",
        "/api/scenarios/%2e%2e",
        "/api/scenarios/etc%2Fpasswd",
        "/api/scenarios/nope",
        "/scenarios/..%2F..%2Fetc%2Fpasswd",
        "/api/runs/..%2Fx",
    ],
)
def test_no_path_reaches_the_file_system(client, path):
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "root:" not in response.text


# ---- uploads


def test_upload_validate_and_open(client):
    files = {"file": ("ranged.yaml", (HERE.parent / "data/uncertainty/ranged.yaml").read_bytes())}
    made = client.post("/api/scenarios", files=files)
    assert made.status_code == 201, made.text
    ref = made.json()["id"]
    listed = {e["id"]: e for e in client.get("/api/scenarios").json()}
    assert listed[ref]["kind"] == "upload" and listed[ref]["scenario_id"] == "ranged"
    view = client.get(f"/api/scenarios/{ref}").json()
    assert [a["id"] for a in view["actors"]][:3] == ["us", "iraq", "iran"]
    assert client.get(f"/scenarios/{ref}").status_code == 200


def test_an_invalid_upload_lists_its_problems_with_their_lines(client):
    text = "\n".join(
        [
            "kingmaker: 1",
            "scenario: {id: x, title: t}",
            "issues:",
            "  - {id: i, question: q}",
            "actors:",
            "  - id: a",
            "    name: A",
            "    capability: -3",
            "    issues:",
            "      i: {position: 500, salience: 1}",
        ]
    )
    response = client.post("/api/scenarios", files={"file": ("bad.yaml", text.encode())})
    assert response.status_code == 422
    doc = response.json()
    assert doc["error"] == "bad.yaml is not a valid scenario"
    (capability,) = [p for p in doc["problems"] if "capability" in p["location"]]
    assert (capability["line"], capability["file"]) == (8, "bad.yaml")
    assert "got -3" in capability["message"]
    assert capability["text"].startswith("bad.yaml:8:5: actors[0].capability")


def test_oversized_and_binary_uploads_are_refused(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'runs.sqlite'}", max_upload=1024)
    with TestClient(app) as c:
        big = c.post("/api/scenarios", files={"file": ("big.yaml", b"#" * 5000)})
        assert big.status_code == 413 and "upload limit" in big.json()["error"]
        binary = c.post("/api/scenarios", files={"file": ("x.yaml", bytes([0x81, 0x8D, 0x8F]))})
        assert binary.status_code == 422
        assert len(c.get("/api/scenarios").json()) == len(kingmaker.embedded_names())


def test_hostile_names_render_as_text(client):
    made = client.post("/api/scenarios", files={"file": ("h.yaml", HOSTILE.read_bytes())})
    ref = made.json()["id"]
    for path in (f"/scenarios/{ref}", "/scenarios", "/runs"):
        html = client.get(path).text
        assert "<script>alert(" not in html and "<img src=x" not in html, path
    page = client.get(f"/scenarios/{ref}").text
    assert "&lt;script&gt;alert(&#39;actor&#39;)&lt;/script&gt;" in page
    assert "&lt;b onmouseover" in page
    # the page data block is JSON that cannot close its script element
    block = page.split('id="page-data">')[1].split("</script>")[0]
    assert "<" not in block
    answer = client.post(f"/api/scenarios/{ref}/what-if", json={}).json()
    assert answer["issues"][0]["forecasts"]["compromise"] == pytest.approx(1020 / 16.5)


def test_security_headers_on_pages_api_and_errors(client):
    for path in ("/scenarios", "/api/scenarios", "/api/scenarios/nope", "/static/app.js"):
        response = client.get(path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_assets_are_served_by_the_app(client):
    page = client.get(f"/scenarios/{FLAGSHIP}").text
    assert "/static/plotly.min.js" in page and "https://" not in page.split("<main>")[0]
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/api/docs").status_code == 200
    assert "/api/scenarios/{sid}/what-if" in client.get("/api/openapi.json").json()["paths"]


# ---- versions and jobs


def test_a_saved_version_keeps_the_original_and_is_listed_with_its_parent(client):
    edit = {"actor": "iran", "issue": "troops", "parameter": "salience", "value": 0.2}
    made = client.post(
        f"/api/scenarios/{FLAGSHIP}/versions",
        json={"edits": {"set": [edit]}, "note": "Iran cares less"},
    )
    assert made.status_code == 201, made.text
    version = made.json()
    assert version["parent"] == FLAGSHIP
    original = client.get(f"/api/scenarios/{FLAGSHIP}").json()
    edited = client.get(f"/api/scenarios/{version['id']}").json()
    iran = lambda v: next(a for a in v["actors"] if a["id"] == "iran")  # noqa: E731
    assert iran(edited)["issues"]["troops"]["salience"]["value"] == 0.2
    assert iran(original)["issues"]["troops"]["salience"]["value"] != 0.2
    assert kingmaker.load_scenario(FLAGSHIP).actor("iran").issues["troops"].salience.value != 0.2
    listed = {e["id"]: e for e in client.get("/api/scenarios").json()}
    assert listed[version["id"]]["parent"] == FLAGSHIP
    assert listed[version["id"]]["note"] == "Iran cares less"
    job = wait(client, version["job"])
    assert job["status"] == "complete"
    run = client.get(f"/api/runs/{job['run_id']}").json()
    assert run["command"] == "forecast"
    assert "Iran cares less" in client.get("/runs").text


def test_a_simulate_job_is_kept_and_equals_the_api(client):
    body = {
        "command": "simulate",
        "scenario": FLAGSHIP,
        "models": ["compromise"],
        "draws": 400,
        "seed": 5,
    }
    started = client.post("/api/jobs", json=body)
    assert started.status_code == 202, started.text
    job = wait(client, started.json()["id"])
    assert job["status"] == "complete" and job["fraction"] == 1.0
    run = client.get(f"/api/runs/{job['run_id']}").json()
    assert run["status"] == "complete" and run["result"]["kind"] == "simulation"
    expected = kingmaker.simulate(
        kingmaker.load_scenario(FLAGSHIP), ["compromise"], draws=400, seed=5
    )
    stored = client.app.state.store.get(job["run_id"])
    assert np.array_equal(
        stored.arrays()["forecast/compromise"], expected.arrays()["forecast/compromise"]
    )


def test_a_job_on_edits_runs_the_edited_scenario(client):
    edit = {"actor": "iran", "issue": "troops", "parameter": "salience", "value": 0.2}
    body = {
        "command": "forecast",
        "scenario": FLAGSHIP,
        "models": ["compromise"],
        "edits": {"set": [edit]},
    }
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    run = client.get(f"/api/runs/{job['run_id']}").json()
    sc = kingmaker.load_scenario(FLAGSHIP)
    value = run["headline"]["compromise"]["troops"]
    assert value == pytest.approx(weighted_mean(sc, "troops", salience=("iran", 0.2)))


def test_cancelling_a_job_keeps_its_run_as_failed(client):
    body = {"command": "simulate", "scenario": FLAGSHIP, "models": ["eum"], "draws": 1_000_000}
    job = client.post("/api/jobs", json=body).json()
    deadline = time.monotonic() + 60
    while client.get(f"/api/jobs/{job['id']}").json()["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    client.post(f"/api/jobs/{job['id']}/cancel")
    done = wait(client, job["id"])
    assert done["status"] == "cancelled"
    run = client.get(f"/api/runs/{done['run_id']}").json()
    assert run["status"] == "failed" and run["error"] == "cancelled" and run["result"] is None


@pytest.mark.parametrize(
    "body, text",
    [
        ({"command": "advise", "scenario": FLAGSHIP}, "actor is needed"),
        ({"command": "advise", "scenario": FLAGSHIP, "actor": "nobody"}, "nobody"),
        ({"command": "simulate", "scenario": FLAGSHIP, "models": ["nonsense"]}, "nonsense"),
        ({"command": "simulate", "scenario": FLAGSHIP, "draws": 0}, "malformed request"),
        ({"command": "rm -rf", "scenario": FLAGSHIP}, "malformed request"),
        ({"command": "forecast", "scenario": "nope"}, "no scenario"),
    ],
    ids=[
        "advise-no-actor",
        "advise-unknown-actor",
        "unknown-model",
        "zero-draws",
        "unknown-command",
        "unknown-scenario",
    ],
)
def test_bad_jobs_are_refused_before_they_start(client, body, text):
    response = client.post("/api/jobs", json=body)
    assert 400 <= response.status_code < 500, response.text
    assert text in response.text
    assert client.app.state.store.count() == 0


def test_unknown_jobs_and_runs_are_404(client):
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.post("/api/jobs/nope/cancel").status_code == 404
    assert client.get("/api/runs/01ZZZZZZZZ").status_code == 404
    assert client.get("/runs/01ZZZZZZZZ").status_code == 404
    assert client.get("/compare?a=01ZZ&b=01ZY").status_code == 404


# ---- runs


def test_runs_list_show_export_and_diff(client):
    first = wait(
        client,
        client.post(
            "/api/jobs",
            json={"command": "forecast", "scenario": FLAGSHIP, "models": ["compromise", "median"]},
        ).json()["id"],
    )
    edit = {"actor": "us", "issue": "troops", "parameter": "salience", "value": 0.45}
    second = wait(
        client,
        client.post(
            "/api/jobs",
            json={
                "command": "forecast",
                "scenario": FLAGSHIP,
                "models": ["compromise", "median"],
                "edits": {"set": [edit]},
            },
        ).json()["id"],
    )
    listed = client.get("/api/runs").json()
    assert [r["id"] for r in listed["runs"]] == [second["run_id"], first["run_id"]]
    assert listed["total"] == 2
    assert client.get("/api/runs?command=simulate").json()["runs"] == []
    shown = client.get(f"/api/runs/{first['run_id']}").json()
    assert shown["result"]["kind"] == "forecast"
    export = client.get(f"/api/runs/{first['run_id']}/export")
    assert "attachment" in export.headers["content-disposition"]
    assert export.json()["scenario_document"]["scenario"]["id"] == FLAGSHIP
    d = client.get(f"/api/runs/{first['run_id']}/diff/{second['run_id']}").json()
    assert d["scenario"] == [
        {"path": ["actors", "us", "issues", "troops", "salience", "value"], "old": 0.6, "new": 0.45}
    ]
    page = client.get(f"/compare?a={first['run_id']}&b={second['run_id']}").text
    assert "actors.us.issues.troops.salience.value" in page
    assert client.get(f"/runs/{first['run_id']}").status_code == 200


# ---- files on the server, and the token


def test_reading_a_path_needs_allow_path_and_stays_inside_it(tmp_path):
    folder = tmp_path / "allowed"
    folder.mkdir()
    (folder / "mine.yaml").write_bytes((HERE.parent / "data/uncertainty/ranged.yaml").read_bytes())
    (tmp_path / "secret.yaml").write_text("kingmaker: 1\n")
    with TestClient(create_app(f"sqlite:///{tmp_path / 'a.sqlite'}")) as c:
        assert c.post("/api/scenarios/from-path", json={"path": "mine.yaml"}).status_code == 404
    app = create_app(f"sqlite:///{tmp_path / 'b.sqlite'}", allow_path=folder)
    with TestClient(app) as c:
        assert c.post("/api/scenarios/from-path", json={"path": "mine.yaml"}).status_code == 201
        for path in ("../secret.yaml", str(tmp_path / "secret.yaml"), "/etc/passwd"):
            response = c.post("/api/scenarios/from-path", json={"path": path})
            assert response.status_code == 404, path


def test_a_token_guards_every_request(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'runs.sqlite'}", token="s3cret")
    with TestClient(app) as c:
        assert c.get("/api/scenarios").status_code == 401
        assert c.get("/scenarios").status_code == 401
        assert c.get("/api/scenarios", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        once = c.get("/scenarios?token=s3cret", follow_redirects=False)
        assert once.status_code == 303 and once.headers["location"] == "/scenarios"
        assert c.get("/scenarios").status_code == 200  # the cookie it set


def test_serve_binds_loopback_and_asks_for_a_token_beyond_it(monkeypatch, capsys, tmp_path):
    import uvicorn

    from kingmaker.cli import main

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    store = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--store", store])
        raise SystemExit(0)
    assert (exc.value.code or 0) == 0
    app, kw = calls[-1]
    assert kw["host"] == "127.0.0.1" and kw["port"] == 8765 and app.state.token is None
    with pytest.raises(SystemExit):
        main(["serve", "--store", store, "--host", "0.0.0.0", "--port", "9000"])
        raise SystemExit(0)
    app, kw = calls[-1]
    err = capsys.readouterr().err
    assert kw["host"] == "0.0.0.0" and app.state.token and "warning" in err
    assert f"?token={app.state.token}" in err
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--store", store, "--allow-path", str(tmp_path / "none")])
    assert exc.value.code == 2 and "--allow-path" in capsys.readouterr().err


# ---- a run's charts and report (the report's chart builders, not the page's own)


def test_a_runs_charts_are_the_reports_and_its_report_downloads(client):
    import json

    from kingmaker.report.record_charts import record_charts

    done = wait(
        client,
        client.post(
            "/api/jobs",
            json={"command": "forecast", "scenario": FLAGSHIP, "models": ["compromise", "eum"]},
        ).json()["id"],
    )
    run_id = done["run_id"]
    got = client.get(f"/api/runs/{run_id}/charts").json()["charts"]
    record = kingmaker.forecast(kingmaker.load_scenario(FLAGSHIP), ["compromise", "eum"])
    expected = record_charts(record, kingmaker.load_scenario(FLAGSHIP))
    assert [c["key"] for c in got] == [c.key for c in expected]
    assert [c["key"] for c in got][:2] == ["forecast-troops", "trajectory-troops-eum"]
    # the forecast chart's points are the run's forecasts
    chart = next(c for c in got if c["key"] == "forecast-pmf")["figure"]
    points = {t["name"]: t["x"][0] for t in chart["data"] if t.get("name") in ("compromise", "eum")}
    assert points["compromise"] == pytest.approx(record.runs[0].issue("pmf").forecast)
    assert points["eum"] == pytest.approx(record.runs[1].issue("pmf").forecast)
    json.dumps(got)  # plain JSON, no NaN sneaking through
    report = client.get(f"/api/runs/{run_id}/report")
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    assert report.text.startswith("<!DOCTYPE html>") and "forecast-pmf" in report.text
    assert f"{record.runs[0].issue('troops').forecast:.1f}" in report.text
    assert 'id="report-link"' in client.get(f"/runs/{run_id}").text


def test_a_simulate_run_has_distributions_and_no_report_of_its_own(client):
    done = wait(
        client,
        client.post(
            "/api/jobs",
            json={
                "command": "simulate",
                "scenario": FLAGSHIP,
                "models": ["compromise"],
                "draws": 50,
                "seed": 1,
            },
        ).json()["id"],
    )
    got = client.get(f"/api/runs/{done['run_id']}/charts").json()["charts"]
    assert [c["key"] for c in got] == [
        f"distribution-{i}" for i in ("troops", "pmf", "lifelines", "support")
    ]
    bars = got[0]["figure"]["data"][0]
    assert sum(bars["y"]) == pytest.approx(1.0)  # shares of the 50 draws
    missing = client.get(f"/api/runs/{done['run_id']}/report")
    assert missing.status_code == 404 and "made from a forecast" in missing.json()["error"]
    assert 'id="report-link"' not in client.get(f"/runs/{done['run_id']}").text
