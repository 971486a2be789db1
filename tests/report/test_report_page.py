"""`kingmaker report` end to end: the page, its artifact in the store, --run, --force, and
the page in Chromium with every request blocked (tests/browser.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kingmaker.cli import main
from kingmaker.report.html import HTML_ARTIFACT
from kingmaker.store import open_store

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile.yaml"
SAVED = re.compile(r"saved as run (\w+)")


def _kingmaker(*argv: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
        raise SystemExit(0)
    return exc.value.code or 0


@pytest.fixture(scope="module")
def flagship_report(tmp_path_factory):
    """The flagship report for Iran (default models; 1,000 draws), kept in its own store."""
    where = tmp_path_factory.mktemp("report")
    store = str(where / "runs.sqlite")
    path = where / "flagship.html"
    code = _kingmaker(
        "report", "-o", str(path), "--actor", "iran", "--target", "troops<30",
        "--draws", "1000", "--seed", "7", "--store", store,
    )  # fmt: skip
    assert code == 0
    return path, store


def test_page_holds_every_section(flagship_report):
    page = flagship_report[0].read_text(encoding="utf-8")
    for text in (
        "What will come out of it, and what Iran (Supreme Leader, IRGC-Quds Force) can change",
        "Most likely: no US combat role after a fixed date",
        "Observed outcome: 45.0",
        "What Iran (Supreme Leader, IRGC-Quds Force) can change: its best lever here",
        "Trajectories: each actor's position round by round",
        "Probability that the outcome lands nearest each labelled point",
        "Sensitivity: the numbers that move this issue most",
        "Influence: what Iran",
        "The smallest change that reaches a target",
        "Exchanges the exchange model realised",
        "Stakeholders",
        "judgement only",
        "Provenance",
        "1,000 draws of compromise, median, condorcet, seed 7",
    ):
        assert text in page, text
    for issue in ("troops", "pmf", "lifelines", "support"):
        for chart in (f"forecast-{issue}", f"distribution-{issue}", f"trajectory-{issue}-eum"):
            assert f'id="figure-data-{chart}"' in page
    ours = re.sub(r"<script>.*?</script>", "", page, flags=re.S)  # without plotly.js
    assert "<script src" not in ours and "<link" not in ours and "<img" not in ours
    assert page.count("<script") == page.count("</script>")


def test_report_is_kept_and_made_again_from_the_store(flagship_report, tmp_path, capsys):
    path, store = flagship_report
    with open_store(store) as st:
        forecast_run = st.summaries(command="forecast", limit=1)[0].id
        assert st.artifact(forecast_run, HTML_ARTIFACT) == path.read_bytes()
        assert {s.command for s in st.summaries()} >= {"forecast", "simulate", "advise"}
    again = tmp_path / "again.html"
    assert _kingmaker("report", "--run", forecast_run[:10], "-o", str(again), "--store", store) == 0
    assert again.read_bytes() == path.read_bytes()


def test_existing_file_is_kept_without_force(tmp_path, capsys):
    path = tmp_path / "r.html"
    path.write_text("mine")
    argv = ["report", str(HOSTILE), "-o", str(path), "--draws", "50", "-m", "compromise"]
    assert _kingmaker(*argv, "--no-save") == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert path.read_text() == "mine"
    assert _kingmaker(*argv, "--no-save", "--force") == 0
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_user_mistakes_exit_2(tmp_path, capsys):
    out = str(tmp_path / "x.html")
    assert _kingmaker("report", "-o", out, "--actor", "nobody", "--no-save") == 2
    assert "no actor 'nobody'" in capsys.readouterr().err
    assert _kingmaker("report", "-o", out, "-m", "nosuchmodel", "--no-save") == 2
    assert not Path(out).exists()


def _open_offline(watch, path: Path):
    blocked: list[str] = []

    def route(r):
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    watch.page.route("**/*", route)
    watch.page.goto(path.as_uri())
    watch.page.wait_for_function("document.querySelectorAll('.chart .main-svg').length > 0")
    return blocked


def _charts_drawn(page) -> list[int]:
    return page.eval_on_selector_all(
        ".chart", "els => els.map(e => e.querySelectorAll('g.trace, g.table').length)"
    )


def test_flagship_page_offline_in_chromium(flagship_report, browser_page, tmp_path):
    path = flagship_report[0]
    blocked = _open_offline(browser_page, path)
    assert blocked == []
    assert [r for r in browser_page.requests if r != path.as_uri()] == []
    drawn = _charts_drawn(browser_page.page)
    assert len(drawn) >= 4 * 6 and all(n > 0 for n in drawn), drawn
    browser_page.assert_clean()
    shot = tmp_path / "report.png"
    browser_page.page.screenshot(path=str(shot))
    shutil.copy(shot, "/tmp/report-screenshot.png")
    assert shot.stat().st_size > 10_000


def test_hostile_text_is_shown_as_text(tmp_path, browser_page, capsys):
    path = tmp_path / "hostile.html"
    argv = ["report", str(HOSTILE), "-o", str(path), "--actor", "a", "--draws", "200"]
    assert _kingmaker(*argv, "-m", "compromise", "-m", "exchange", "--no-save", "--seed", "1") == 0
    blocked = _open_offline(browser_page, path)
    page = browser_page.page
    page.wait_for_timeout(300)
    assert blocked == [] and browser_page.dialogs == []
    browser_page.assert_clean()
    text = page.inner_text("body")
    for literal in (
        "<script>alert('actor')</script>",
        "</script><img src=x onerror=alert('quote')>",
        "javascript:alert(1)",
        "<script>alert('title')</script> negotiation",
        "<svg onload=alert('j')>",
    ):
        assert literal in text, literal
    assert page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)") == [
        href for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        if href.startswith(path.as_uri() + "#")
    ]  # fmt: skip
    assert page.locator("img").count() == 0

    def chart_text(name: str) -> str:
        return page.eval_on_selector(f"#{name}", "e => e.textContent")

    assert "<b onmouseover=alert('q')>How much?</b>" in chart_text("forecast-deal")
    assert "</script><img src=x onerror=alert('anchor2')> all" in chart_text("forecast-deal")
    assert "<script>alert('actor')</script>: position" in chart_text("tornado-deal-compromise")
    assert all(n > 0 for n in _charts_drawn(page))


def test_markdown_with_png_charts(tmp_path, capsys):
    path = tmp_path / "hostile.md"
    argv = ["report", str(HOSTILE), "--format", "md", "-o", str(path), "--draws", "100"]
    assert _kingmaker(*argv, "-m", "compromise", "--actor", "a", "--no-save", "--seed", "1") == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# &lt;script&gt;alert('title')&lt;/script&gt; negotiation")
    assert "<script" not in text and "<img" not in text
    assert "![forecasts of deal](hostile_files/forecast-deal.png)" in text
    assert "## Influence: what &lt;script&gt;alert('actor')&lt;/script&gt; can change" in text
    pngs = sorted(p.name for p in (tmp_path / "hostile_files").iterdir())
    assert pngs == ["distribution-deal.png", "forecast-deal.png"]
    assert (tmp_path / "hostile_files" / "forecast-deal.png").read_bytes()[:4] == b"\x89PNG"
