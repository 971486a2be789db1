"""The benchmark page's structure (never speed): sections kept, replaced and ordered."""

from __future__ import annotations

import sys
import types

import pytest

from benchmarks import run

HAND_WRITTEN = """# Benchmarks

An old introduction, replaced by the runner's header.

## Spatial model (smp)

```bash
## not a heading: a comment inside a code block
python benchmarks/smp_vs_ktab.py
```

| a | b |
|---|---|

## Backtests

Written by hand too.
"""


@pytest.fixture
def fake_section(monkeypatch):
    """A section module that returns a fixed body, registered as benchmarks.fake."""
    module = types.ModuleType("benchmarks.fake")
    module.TITLE = "Fake: things per second"
    module.section = lambda quick=False: f"| a | b |\n| --- | ---: |\n| {quick} | 1 |\n"
    monkeypatch.setitem(sys.modules, "benchmarks.fake", module)
    monkeypatch.setattr(run, "SECTIONS", ("benchmarks.fake", "benchmarks.missing"))
    return module


def test_new_page(fake_section, tmp_path, capsys):
    page = tmp_path / "benchmarks.md"
    assert run.main(["--output", str(page), "--quick"]) == 0
    text = page.read_text()
    assert text.startswith("# Benchmarks\n")
    assert "- [Fake: things per second](#fake-things-per-second)" in text
    assert "## Fake: things per second\n\n| a | b |" in text and "| True | 1 |" in text
    assert "benchmarks.missing: not on this branch, skipped" in capsys.readouterr().err
    assert run.read_blocks(page) == [
        run.Block(
            "Fake: things per second",
            "| a | b |\n| --- | ---: |\n| True | 1 |\n",
            "benchmarks.fake",
        )
    ]


def test_hand_written_sections_are_kept(fake_section, tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text(HAND_WRITTEN)
    run.main(["--output", str(page)])
    blocks = run.read_blocks(page)
    assert [(b.title, b.module) for b in blocks] == [
        ("Spatial model (smp)", None),
        ("Backtests", None),
        ("Fake: things per second", "benchmarks.fake"),
    ]
    assert "## not a heading: a comment inside a code block" in blocks[0].body
    assert blocks[1].body == "Written by hand too.\n"
    text = page.read_text()
    assert "An old introduction" not in text
    assert "- [Spatial model (smp)](#spatial-model-smp)" in text
    # a second run changes nothing but the generated section
    run.main(["--output", str(page), "--quick"])
    again = run.read_blocks(page)
    assert again[:2] == blocks[:2] and "| True | 1 |" in again[2].body


def test_only_keeps_the_other_sections(fake_section, tmp_path, monkeypatch):
    page = tmp_path / "benchmarks.md"
    monkeypatch.setattr(run, "SECTIONS", ("benchmarks.other", "benchmarks.fake"))
    page.write_text(
        run.render(
            [
                run.Block("Other", "kept as it was\n", "benchmarks.other"),
                run.Block("Gone", "no longer listed\n", "benchmarks.gone"),
                run.Block("Fake: things per second", "old\n", "benchmarks.fake"),
            ],
            quick=False,
        )
    )
    run.main(["--output", str(page), "--only", "fake"])
    blocks = run.read_blocks(page)
    assert [b.module for b in blocks] == ["benchmarks.other", "benchmarks.fake"]
    assert blocks[0].body == "kept as it was\n" and "| False | 1 |" in blocks[1].body


def test_unknown_section_is_refused(fake_section, tmp_path):
    with pytest.raises(SystemExit):
        run.main(["--output", str(tmp_path / "b.md"), "--only", "nope"])
