"""The dashboard in a real browser: Debian's Chromium (Playwright) against a real
``kingmaker serve`` process on a free loopback port with its own store.

Every number a test reads off the page is checked against the Python API run in this
process on the same (edited) scenario; every test ends with no console error, no page error,
no dialog, no request beyond the server, and a screenshot in its tmp dir (copied to
$KINGMAKER_SCREENSHOTS as dash-NAME.png when that is set, to look at).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")
from playwright.sync_api import expect

import kingmaker

from .server import serve

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile.yaml"
FLAGSHIP = "us-iraq-2020"
FAST = ["compromise", "median", "condorcet", "eum"]
LONG = 120_000  # ms: a job on a busy two-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("serve")) as running:
        yield running


def screenshot(watch, tmp_path: Path, name: str, full_page: bool = False) -> Path:
    path = tmp_path / f"{name}.png"
    watch.page.screenshot(path=str(path), full_page=full_page)
    extra = os.environ.get("KINGMAKER_SCREENSHOTS")
    if extra:
        shutil.copy(path, Path(extra) / f"dash-{name}.png")
    return path


def finish(watch, server) -> None:
    """Nothing went wrong on the page, and it asked nothing of any other host."""
    watch.assert_clean()
    elsewhere = [u for u in watch.requests if not u.startswith((server.url, "data:", "blob:"))]
    assert elsewhere == []


def edited_flagship(actor: str, issue: str, salience: float):
    """The flagship with one salience typed in, built here from its document."""
    doc = kingmaker.load_scenario(FLAGSHIP).to_document()
    stance = next(a for a in doc["actors"] if a["id"] == actor)["issues"][issue]
    stance["salience"] = salience
    return kingmaker.build_scenario(doc)


def open_scenario(watch, server, ref: str):
    page = watch.page
    page.goto(f"{server.url}/scenarios/{ref}")
    expect(page.locator("#whatif-status")).to_have_class(re.compile(r"\bok\b"), timeout=LONG)
    return page


def shown_forecasts(page, issue: str) -> dict[str, tuple[str, str]]:
    """{model: (as given, edited)} as the issue's table shows them."""
    rows = page.locator(f'.issue-card[data-issue="{issue}"] tbody tr')
    out = {}
    for k in range(rows.count()):
        cells = rows.nth(k).locator("td").all_inner_texts()
        out[cells[0]] = (cells[1], cells[2])
    return out


def charted(page, issue: str) -> dict[str, dict[str, float]]:
    """{trace name: {model: x}} of the issue's chart, as Plotly holds it."""
    chart = page.locator(f'.issue-card[data-issue="{issue}"] .chart')
    traces = chart.evaluate("el => el.data.map(t => ({name: t.name, y: t.y, x: t.x}))")
    return {
        t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in traces if t["name"] != "actors"
    }


def assert_charts_fit(page, selector: str) -> None:
    """Every chart drawn no wider than its card (none spills over its neighbour)."""
    sizes = page.locator(selector).evaluate_all(
        "els => els.map(e => [e._fullLayout.width, e.parentElement.clientWidth])"
    )
    assert sizes and all(width <= card for width, card in sizes), sizes


def salience_box(page, actor: str, issue: str):
    return page.locator(
        f'input.num[data-actor="{actor}"][data-issue="{issue}"][data-parameter="salience"]'
    )


def run_job(server, body: dict) -> dict:
    with server.client() as client:
        job = client.post("/api/jobs", json=body).raise_for_status().json()
        deadline = time.monotonic() + LONG / 1000
        while time.monotonic() < deadline:
            job = client.get(f"/api/jobs/{job['id']}").json()
            if job["status"] in ("complete", "failed", "cancelled"):
                assert job["status"] == "complete", job
                return job
            time.sleep(0.1)
    pytest.fail(f"job {job['id']} did not finish")


# ---- the what-if loop


def test_what_if_moves_the_forecast_number_and_the_chart(
    server, browser_page, tmp_path, record_property
):
    page = open_scenario(browser_page, server, FLAGSHIP)
    before = kingmaker.forecast(kingmaker.load_scenario(FLAGSHIP), FAST, seed=0)
    after = kingmaker.forecast(edited_flagship("iran", "troops", 0.3), FAST, seed=0)
    for model in FAST:  # as given, before any edit
        want = f"{before.value(model, 'troops'):.1f}"
        assert shown_forecasts(page, "troops")[model] == (want, want)
    chart_before = charted(page, "troops")["edited"]
    assert chart_before == pytest.approx({m: before.value(m, "troops") for m in FAST})

    started = time.perf_counter()
    salience_box(page, "iran", "troops").fill("0.3")
    want = f"{after.value('compromise', 'troops'):.1f}"
    cell = page.locator('.issue-card[data-issue="troops"] td.value[data-model="compromise"]')
    expect(cell).to_have_text(want)
    record_property("what_if_seconds", time.perf_counter() - started)  # measured, not asserted
    expect(page.locator("#whatif-status")).to_contain_text("1 edit applied")

    # every issue, every fast model: the page's numbers are the API's on the edited scenario
    for issue in before.issues:
        shown = shown_forecasts(page, issue)
        for model in FAST:
            assert shown[model] == (
                f"{before.value(model, issue):.1f}",
                f"{after.value(model, issue):.1f}",
            ), (issue, model)
        chart = charted(page, issue)
        assert chart["as given"] == pytest.approx({m: before.value(m, issue) for m in FAST})
        assert chart["edited"] == pytest.approx({m: after.value(m, issue) for m in FAST})
    assert after.value("compromise", "troops") != pytest.approx(
        before.value("compromise", "troops")
    )
    assert charted(page, "troops")["edited"]["compromise"] != chart_before["compromise"]
    moved = page.locator('.issue-card[data-issue="troops"] tr.moved td[data-model="compromise"]')
    expect(moved.first).to_be_visible()
    expect(salience_box(page, "iran", "troops")).to_have_class(re.compile(r"\bedited\b"))
    # Iran's marker on the troops chart now weighs 30 x 0.3
    actors = page.locator('.issue-card[data-issue="troops"] .chart').evaluate(
        "el => el.data.find(t => t.name === 'actors').text"
    )
    assert any(t.startswith("Iran") and "(weight 9.00)" in t for t in actors)
    assert_charts_fit(page, "#forecasts .chart")
    screenshot(browser_page, tmp_path, "what-if")

    page.locator("#reset").click()
    expect(page.locator("#whatif-status")).to_contain_text("As given")
    expect(cell).to_have_text(f"{before.value('compromise', 'troops'):.1f}")
    finish(browser_page, server)


def test_presets_and_absent_actors_are_edits_too(server, browser_page, tmp_path):
    page = open_scenario(browser_page, server, FLAGSHIP)
    flagship = kingmaker.load_scenario(FLAGSHIP)
    preset = next(iv for iv in flagship.interventions if iv.id == "pmc-in-delegation")
    from kingmaker.scenario.interventions import apply_intervention

    expected = kingmaker.forecast(
        apply_intervention(flagship, preset, propagate=True), FAST, seed=0
    )
    page.locator('input.preset[value="pmc-in-delegation"]').check()
    expect(page.locator("#whatif-status")).to_contain_text("1 edit applied")
    for issue in expected.issues:
        shown = shown_forecasts(page, issue)
        assert {m: shown[m][1] for m in FAST} == {
            m: f"{expected.value(m, issue):.1f}" for m in FAST
        }, issue
    screenshot(browser_page, tmp_path, "preset")
    finish(browser_page, server)


# ---- a Monte Carlo job with its progress bar


def test_simulate_shows_progress_to_the_end_and_keeps_the_run(server, browser_page, tmp_path):
    page = open_scenario(browser_page, server, FLAGSHIP)
    expect(page.locator("#job-actor")).to_be_hidden()  # advise only
    page.locator("#job-command").select_option("simulate")
    page.locator("#job-draws").fill("4000")
    page.locator("#job-seed").fill("7")
    page.locator("#job-models").select_option("fast")
    page.locator("#job-start").click()

    widths = []
    link = page.locator("#job-run-link")
    deadline = time.monotonic() + LONG / 1000
    while not link.is_visible() and time.monotonic() < deadline:
        widths.append(page.locator("#job-bar").evaluate("el => parseFloat(el.style.width)"))
        time.sleep(0.05)
    expect(link).to_be_visible()
    expect(page.locator("#job-status")).to_contain_text("simulate complete")
    expect(page.locator(".progress")).to_have_attribute("data-fraction", "1")
    assert page.locator("#job-bar").evaluate("el => el.style.width") == "100%"
    assert widths == sorted(widths)  # the bar only ever grows
    page.locator("#run").scroll_into_view_if_needed()
    screenshot(browser_page, tmp_path, "simulate-done")

    run_id = link.get_attribute("href").rsplit("/", 1)[1]
    with server.client() as client:
        run = client.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "complete" and run["command"] == "simulate"
    assert run["settings"]["draws"] == 4000 and run["settings"]["seed"] == 7
    sim = kingmaker.simulate(kingmaker.load_scenario(FLAGSHIP), FAST, draws=4000, seed=7)
    labels = {m.key: m.label for m in sim.models}
    for key in sim.model_keys:
        for n, issue in enumerate(sim.issues):
            assert run["headline"][labels[key]][issue] == pytest.approx(float(sim.point[key][n]))

    link.click()
    expect(page).to_have_url(re.compile(f"/runs/{run_id}$"))
    expect(page.locator("#run-charts .chart .main-svg").first).to_be_visible()
    assert page.locator("#run-charts .issue-card").count() == len(sim.issues)
    assert_charts_fit(page, "#run-charts .chart")
    screenshot(browser_page, tmp_path, "simulate-run")
    finish(browser_page, server)


# ---- versions and runs


def test_a_saved_version_is_listed_under_runs_with_its_forecast(server, browser_page, tmp_path):
    page = open_scenario(browser_page, server, FLAGSHIP)
    salience_box(page, "iran", "troops").fill("0.3")
    expect(page.locator("#whatif-status")).to_contain_text("1 edit applied")
    page.locator("#version-note").fill("Iran cares less about the troops")
    page.locator("#save-version").click()
    link = page.locator("#version-link")
    expect(link).to_be_visible()
    version = link.get_attribute("href").rsplit("/", 1)[1]

    edited = edited_flagship("iran", "troops", 0.3)
    with server.client() as client:  # the forecast the version was saved with, once done
        kept = {e["id"]: e for e in client.get("/api/scenarios").json()}[version]
        assert kept["parent"] == FLAGSHIP and kept["kind"] == "edit"
        digest = kept["scenario_hash"]
        deadline = time.monotonic() + LONG / 1000
        while time.monotonic() < deadline:
            runs = client.get("/api/runs").json()["runs"]
            made = [r for r in runs if r["scenario_hash"] == digest and r["status"] == "complete"]
            if made:
                break
            time.sleep(0.1)
    assert made, "the version's forecast was not kept"

    page.locator("nav >> text=Runs").click()
    expect(page).to_have_url(re.compile("/runs$"))
    row = page.locator("#versions-table tbody tr", has_text="Iran cares less about the troops")
    expect(row).to_contain_text(version[:12])
    expect(row.locator(f'a[href="/scenarios/{FLAGSHIP}"]')).to_be_visible()  # its parent
    run_row = page.locator(
        "#runs-table tbody tr", has=page.locator(f'a[href="/runs/{made[0]["id"]}"]')
    )
    expect(run_row).to_contain_text(f"version {version[:12]}")
    assert made[0]["headline"]["compromise"]["troops"] == pytest.approx(
        kingmaker.forecast(edited, FAST, seed=0).value("compromise", "troops")
    )
    screenshot(browser_page, tmp_path, "runs")

    # the version opens with its number in place and its own forecasts as given
    row.locator(f'a[href="/scenarios/{version}"]').click()
    expect(page.locator("#whatif-status")).to_have_class(re.compile(r"\bok\b"), timeout=LONG)
    expect(salience_box(page, "iran", "troops")).to_have_value("0.3")
    after = kingmaker.forecast(edited, FAST, seed=0)
    assert (
        shown_forecasts(page, "troops")["compromise"][0]
        == f"{after.value('compromise', 'troops'):.1f}"
    )
    # and the original is untouched
    page.goto(f"{server.url}/scenarios/{FLAGSHIP}")
    expect(salience_box(page, "iran", "troops")).to_have_value("0.9")
    finish(browser_page, server)


def test_compare_two_runs(server, browser_page, tmp_path):
    edits = {"set": [{"actor": "iran", "issue": "troops", "parameter": "salience", "value": 0.3}]}
    common = {"command": "forecast", "scenario": FLAGSHIP, "models": FAST, "seed": 0}
    a = run_job(server, common)["run_id"]
    b = run_job(server, {**common, "edits": edits})["run_id"]
    before = kingmaker.forecast(kingmaker.load_scenario(FLAGSHIP), FAST, seed=0)
    after = kingmaker.forecast(edited_flagship("iran", "troops", 0.3), FAST, seed=0)

    page = browser_page.page
    page.goto(f"{server.url}/runs")
    compare = page.locator("#compare")
    expect(compare).to_be_disabled()
    page.locator(f'input.pick[value="{a}"]').check()
    page.locator(f'input.pick[value="{b}"]').check()
    expect(compare).to_be_enabled()
    compare.click()
    expect(page).to_have_url(re.compile(rf"/compare\?a={a}&b={b}$"))

    # the typed number, and its range widened to hold it
    changes = [
        r.locator("td").all_inner_texts() for r in page.locator("#scenario-changes tbody tr").all()
    ]
    assert all("troops.salience" in where for where, _, _ in changes), changes
    assert {(old, new) for _, old, new in changes} == {("0.9", "0.3"), ("0.8", "0.3")}
    rows = page.locator("#forecast-changes tbody tr")
    shown = {}
    for k in range(rows.count()):
        model, issue, old, new, change = rows.nth(k).locator("td").all_inner_texts()
        shown[model, issue] = (old, new, change)
    labels = {run.key: run.label for run in before.runs}  # eum is eum:scholz2011 there
    for model in FAST:
        for issue in before.issues:
            old, new = before.value(model, issue), after.value(model, issue)
            assert shown[labels[model], issue] == (f"{old:.2f}", f"{new:.2f}", f"{new - old:+.2f}")
    charts = page.locator("#compare-charts .issue-card")
    expect(charts).to_have_count(len(before.issues))
    assert_charts_fit(page, "#compare-charts .chart")
    first = page.locator("#compare-charts .chart").first.evaluate(
        "el => el.data.map(t => ({name: t.name, y: t.y, x: t.x}))"
    )
    drawn = {t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in first}
    assert drawn["as given"]["compromise"] == pytest.approx(before.value("compromise", "troops"))
    assert drawn["edited"]["compromise"] == pytest.approx(after.value("compromise", "troops"))
    page.locator("#forecast-changes").scroll_into_view_if_needed()
    screenshot(browser_page, tmp_path, "compare")
    finish(browser_page, server)


# ---- hostile input


def test_hostile_upload_renders_as_text_and_opens_no_dialog(server, browser_page, tmp_path):
    page = browser_page.page
    page.goto(f"{server.url}/scenarios")
    page.locator("#upload-file").set_input_files(str(HOSTILE))
    page.locator("#upload button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/scenarios/[0-9A-Za-z]{20,}$"))
    expect(page.locator("#whatif-status")).to_have_class(re.compile(r"\bok\b"), timeout=LONG)

    hostile = kingmaker.load_scenario(HOSTILE)
    expect(page.locator("h1")).to_have_text(hostile.scenario.title)
    expect(page.locator("p.lead")).to_have_text(hostile.scenario.description)
    expect(page.locator('.issue-card[data-issue="deal"] .question')).to_have_text(
        hostile.issues[0].question
    )
    names = page.locator("table.stakeholders tbody th[scope=row]").all_inner_texts()
    assert names == [a.name for a in hostile.actors]
    # no element the markup would have made, and only the page's own scripts
    assert page.locator("main img, main b, main script").count() == 0
    sources = page.locator("script").evaluate_all("els => els.map(e => e.src || e.type)")
    assert sorted(sources) == sorted(
        [f"{server.url}/static/plotly.min.js", f"{server.url}/static/app.js", "application/json"]
    )
    # the chart's hover text shows the names as written, too
    points = page.locator('.issue-card[data-issue="deal"] .scatterlayer .trace').first
    points.locator(".points path").nth(1).hover(force=True)
    expect(page.locator(".hoverlayer .hovertext").first).to_contain_text(hostile.actors[1].name)
    ticks = page.locator('.issue-card[data-issue="deal"] .xtick text').all_text_contents()
    assert ticks and ticks[0] == "0"  # a scale without labelled points still has its ticks
    expect(page.locator("p.meta")).to_contain_text("3 actors, 1 issue ")
    expected = kingmaker.forecast(hostile, FAST, seed=0)
    assert (
        shown_forecasts(page, "deal")["compromise"][0]
        == f"{expected.value('compromise', 'deal'):.1f}"
    )
    screenshot(browser_page, tmp_path, "hostile")

    page.goto(f"{server.url}/scenarios")  # the list shows the title as text as well
    expect(page.locator("table.grid a", has_text="negotiation").first).to_have_text(
        hostile.scenario.title
    )
    assert browser_page.dialogs == []
    finish(browser_page, server)


def test_an_invalid_upload_shows_its_problems_with_their_lines(server, browser_page, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = HOSTILE.read_text().replace("position: 80", "position: 180")
    bad.write_text(text)
    page = browser_page.page
    page.goto(f"{server.url}/scenarios")
    page.locator("#upload-file").set_input_files(str(bad))
    page.locator("#upload button[type=submit]").click()
    result = page.locator("#upload-result")
    expect(result).to_contain_text("is not a valid scenario")
    line = 1 + text.splitlines().index("      deal: {position: 180, salience: 0.9}")
    expect(result.locator("li").first).to_contain_text(f"bad.yaml:{line}")
    expect(result.locator("li").first).to_contain_text("180")
    screenshot(browser_page, tmp_path, "bad-upload")
    # a refused upload is a 422 the page reports, and nothing else
    refused = "the server responded with a status of 422"
    browser_page.console_errors = [e for e in browser_page.console_errors if refused not in e]
    finish(browser_page, server)
