"""Registering stored sources in a scenario file: text inserted, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kingmaker.sources import SourceError
from kingmaker.sources.register import plan_registration, source_entry

META = {
    "id": "note", "title": "A note", "author": "A. Author", "site": "Example", "date": "2020-06-24",
    "url": "https://example.org/n", "original": "note.md", "text_file": "note.txt",
    "raw_file": "note.raw.md",
}  # fmt: skip
ENTRY = source_entry(META)

HEAD = "# a comment kept\nkingmaker: 1\nscenario:\n  id: s  # inline comment\n  title: T\n"
WITH_LIST = HEAD + (
    "  sources:\n"
    "    - id: old\n"
    "      title: Old\n"
    "      note: >-\n"
    "        folded text\n"
    "\n"
    "# a comment before the actors\n"
    "actors: []\n"
)


def test_entry_uses_the_schema_fields():
    assert ENTRY == {
        "id": "note", "title": "A note", "author": "A. Author", "publisher": "Example",
        "date": "2020-06-24", "url": "https://example.org/n", "file": "sources/note.txt",
        "raw_file": "sources/note.raw.md",
    }  # fmt: skip
    untitled = source_entry({**META, "title": None, "url": None, "author": None, "site": None})
    assert untitled["title"] == "note.md" and "url" not in untitled and "author" not in untitled


def test_appended_after_the_last_entry_everything_else_kept(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(WITH_LIST)
    text, same = plan_registration(f, [ENTRY])
    assert same == []
    assert text is not None
    cut = WITH_LIST.index("\n# a comment before")  # after the folded note, before the gap
    assert (
        text
        == WITH_LIST[:cut]
        + (
            "    - id: note\n      title: A note\n      author: A. Author\n"
            "      publisher: Example\n      date: '2020-06-24'\n      url: https://example.org/n\n"
            "      file: sources/note.txt\n      raw_file: sources/note.raw.md\n"
        )
        + WITH_LIST[cut:]
    )
    doc = yaml.safe_load(text)
    assert [s["id"] for s in doc["scenario"]["sources"]] == ["old", "note"]
    assert doc["scenario"]["sources"][1]["date"] == "2020-06-24"  # a string, as the schema reads


def test_no_sources_yet_and_empty_flow_list(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(HEAD + "  as_of: 2020-06-10\n\nactors: []\n")
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None
    assert "  as_of: 2020-06-10\n  sources:\n    - id: note\n" in text
    assert text.startswith(HEAD) and text.endswith("\n\nactors: []\n")
    f.write_text(HEAD + "  sources: []  # none yet\nactors: []\n")
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None
    assert "  sources: # none yet\n    - id: note\n" in text
    assert yaml.safe_load(text)["scenario"]["sources"][0]["id"] == "note"


def test_same_files_not_registered_twice(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(WITH_LIST)
    text, _ = plan_registration(f, [ENTRY])
    f.write_text(text or "")
    again, same = plan_registration(f, [ENTRY])
    assert again is None and same == ["note"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (WITH_LIST.replace("id: old", "id: note"), "already has a source 'note'"),
        ("kingmaker: 1\nscenario: [1, 2\n", "not valid YAML"),
        ("kingmaker: 1\n", "no `scenario:` mapping"),
        (HEAD + "  sources: [{id: a, title: A}]\n", "not a block list"),
    ],
)
def test_refused_naming_the_file(tmp_path, content, says):
    f = tmp_path / "s.yaml"
    f.write_text(content)
    with pytest.raises(SourceError) as exc:
        plan_registration(f, [ENTRY])
    assert str(f) in str(exc.value) and says in str(exc.value)


def test_json_scenario(tmp_path):
    f = tmp_path / "s.json"
    f.write_text('{"kingmaker": 1, "scenario": {"id": "s", "title": "T"}, "actors": []}')
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None
    assert yaml.safe_load(text)["scenario"]["sources"] == [ENTRY]


def test_flagship_layout(tmp_path):
    flagship = Path(__file__).parents[2] / "src/kingmaker/data/scenarios/us-iraq-2020"
    f = tmp_path / "scenario.yaml"
    original = (flagship / "scenario.yaml").read_text()
    f.write_text(original)
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None
    at = original.index("\nissues:\n") + 1
    assert text[:at] + text[text.index("\nissues:\n") + 1 :] == original[:at] + original[at:]
    assert text.count("\n    - id: note\n") == 1


def test_crlf_and_unended_last_line_kept(tmp_path):
    f = tmp_path / "s.yaml"
    crlf = WITH_LIST.replace("\n", "\r\n")
    f.write_bytes(crlf.encode())
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None and "\n" not in text.replace("\r\n", "")
    assert text.startswith(crlf[: crlf.index("\r\n# a comment before")] + "    - id: note\r\n")
    f.write_text(HEAD + "  sources:\n    - id: old\n      title: Old")  # no final newline
    text, _ = plan_registration(f, [ENTRY])
    assert text is not None
    assert text.startswith(HEAD + "  sources:\n    - id: old\n      title: Old\n    - id: note\n")
