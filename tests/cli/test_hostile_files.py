"""Files no scenario reader should choke on: each is read correctly or refused with a message
naming the file (and the line where there is one), exit code 2, no traceback, in seconds."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from kingmaker.scenario import document
from tests.cli.test_cli import run
from tests.conftest import ANCHORS

CSV = (ANCHORS / "bdm1994" / "ExampleActors.csv").read_text(encoding="utf-8")
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8))
    + "]><Scenario>&i;</Scenario>"
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


READ = [
    ("utf-8 with a byte-order mark", "a.csv", codecs.BOM_UTF8 + CSV.encode()),
    ("utf-16 with a byte-order mark", "a.csv", CSV.encode("utf-16")),
    ("utf-16 big-endian", "a.csv", codecs.BOM_UTF16_BE + CSV.encode("utf-16-be")),
    ("windows line endings", "a.csv", CSV.replace("\n", "\r\n").encode()),
    ("old-mac line endings", "a.csv", CSV.replace("\n", "\r").encode()),
]


@pytest.mark.parametrize("what, name, data", READ, ids=[r[0] for r in READ])
def test_text_in_any_marked_unicode_and_any_line_ending_reads(capsys, tmp_path, what, name, data):
    code, out, err = run(capsys, "validate", str(_write(tmp_path, name, data)))
    assert code == 0, err
    assert "10 actors, 1 issues" in out


REFUSED = [
    (
        "latin-1 text",
        "a.csv",
        CSV.replace("Belgium", "Belgi\xe9").encode("latin-1"),
        ["a.csv:3:6", "not UTF-8 text", "0xe9", "save it as UTF-8"],
    ),
    ("a NUL byte", "a.yaml", b"kingmaker: 1\n\x00\n", ["a.yaml:2", "NUL character"]),
    ("deeply nested JSON", "a.json", "[" * 100_000 + "]" * 100_000, ["nested too deeply"]),
    ("deeply nested YAML", "a.yaml", "a: " + "[" * 5000 + "]" * 5000, ["nesting depth"]),
    (
        "an integer of 400 digits",
        "a.yaml",
        "kingmaker: 1\nscenario: {id: x, title: t}\nissues: []\nactors:\n"
        "- {id: a, name: A, capability: " + "9" * 400 + ", issues: {}}\n",
        ["a.yaml:5", "400 digits"],
    ),
    ("an integer of 5000 digits", "a.json", '{"kingmaker": ' + "9" * 5000 + "}", ["digits"]),
    ("an XML entity bomb", "a.xml", BOMB, ["a.xml:1", "entity declarations are not accepted"]),
    ("an empty file", "a.yaml", b"", ["a.yaml"]),
]


@pytest.mark.parametrize("what, name, data, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_files_are_refused_with_their_place(capsys, tmp_path, what, name, data, words):
    path = _write(tmp_path, name, data)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2, err
    text = " ".join(err.split())
    assert "Traceback" not in err and "internal error" not in err
    for word in words:
        assert word in text, (word, text)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it(capsys):
    code, _, err = run(capsys, "validate", "/dev/zero")
    assert code == 2 and "not a regular file" in err


def test_a_directory_and_a_name_too_long_are_refused(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 2 and "is a directory" in err
    code, _, err = run(capsys, "validate", str(tmp_path / ("a" * 300 + ".yaml")))
    assert code == 2 and "file name is too long" in " ".join(err.split())


def test_a_file_above_the_size_cap_is_refused_unread(capsys, tmp_path, monkeypatch):
    path = _write(tmp_path, "a.csv", CSV + "\n" * 4096)
    monkeypatch.setenv("KINGMAKER_MAX_INPUT_MB", "0.001")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert "above the input limit of 0 MB" in " ".join(err.split())
    assert "KINGMAKER_MAX_INPUT_MB" in err
    monkeypatch.delenv("KINGMAKER_MAX_INPUT_MB")
    assert run(capsys, "validate", str(path))[0] == 0


def test_more_actors_than_a_scenario_may_hold_is_refused_before_validating(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setitem(document.MAX_ITEMS, "actors", 5)
    code, _, err = run(capsys, "validate", str(_write(tmp_path, "a.csv", CSV)))
    assert code == 2
    assert "10 actors: more than a scenario may hold (5)" in " ".join(err.split())


def test_outputs_get_the_users_usual_permissions(tmp_path):
    """Files are written to a private temporary file and renamed: the result must still be
    readable as any file the user makes (not 0600), and keep an old file's mode."""
    from kingmaker.files import write_atomic

    mask = os.umask(0o022)
    try:
        new = write_atomic(tmp_path / "new.txt", "x")
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o600)
        write_atomic(kept, "new", overwrite=True)
        assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text() == "new"
    finally:
        os.umask(mask)
