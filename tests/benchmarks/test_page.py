"""The benchmark page's structure (never speed): sections kept, replaced and ordered."""

from __future__ import annotations

import sys
import types

import pytest

from benchmarks import run


@pytest.fixture
def fake_section(monkeypatch):
    """A section module that returns a fixed body, registered as benchmarks.fake."""
    module = types.ModuleType("benchmarks.fake")
    module.TITLE = "Fake: things per second"
    module.section = lambda quick=False: f"| a | b |\n| --- | ---: |\n| {quick} | 1 |\n"
    monkeypatch.setitem(sys.modules, "benchmarks.fake", module)
    monkeypatch.setattr(run, "SECTIONS", ("benchmarks.fake", "benchmarks.missing"))
    return module


def test_page_round_trip(fake_section, tmp_path, capsys):
    page = tmp_path / "benchmarks.md"
    assert run.main(["--output", str(page), "--quick"]) == 0
    text = page.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "- [Fake: things per second](#fake-things-per-second)" in text
    assert "## Fake: things per second\n\n| a | b |" in text and "| True | 1 |" in text
    assert "benchmarks.missing: not on this branch, skipped" in capsys.readouterr().err
    assert run.existing_sections(page) == {
        "benchmarks.fake": ("Fake: things per second", "| a | b |\n| --- | ---: |\n| True | 1 |\n")}


def test_only_keeps_the_other_sections(fake_section, tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text(run.render({"benchmarks.other": ("Other", "kept as it was\n"),
                                "benchmarks.fake": ("Fake: things per second", "old\n")},
                               quick=False))
    run.main(["--output", str(page), "--only", "fake"])
    sections = run.existing_sections(page)
    assert sections["benchmarks.other"] == ("Other", "kept as it was\n")
    assert "| False | 1 |" in sections["benchmarks.fake"][1]
    assert list(sections) == ["benchmarks.fake", "benchmarks.other"]  # SECTIONS order first


def test_unknown_section_is_refused(fake_section, tmp_path):
    with pytest.raises(SystemExit):
        run.main(["--output", str(tmp_path / "b.md"), "--only", "nope"])
