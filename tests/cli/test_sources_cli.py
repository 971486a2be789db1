"""`kingmaker sources`: add, list, show, mentions, timeline; bad inputs exit 2 untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kingmaker.cli import main

FLAGSHIP = Path(__file__).parents[2] / "src/kingmaker/data/scenarios/us-iraq-2020"


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
        raise SystemExit(0)
    o = capsys.readouterr()
    return exc.value.code or 0, o.out, o.err


@pytest.fixture
def scenario(tmp_path):
    shutil.copytree(FLAGSHIP, tmp_path / "sc")
    return tmp_path / "sc" / "scenario.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (path relative to it -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_add_list_show(capsys, scenario, tmp_path):
    doc = tmp_path / "note.md"
    doc.write_text("# A note on the talks\n\nThe Hashd and Kata'ib Hizballah met on 3 June 2020.\n")
    url = "https://example.org/note"
    argv = ["sources", "add", str(scenario), str(doc), "--author", "A. N. Other", "--url", url]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "stored note" in out and url in out
    folder = scenario.parent / "sources"
    meta = json.loads((folder / "note.json").read_text())
    assert meta["title"] == "A note on the talks" and meta["author"] == "A. N. Other"
    assert meta["url"] == url
    assert (folder / "note.raw.md").read_bytes() == doc.read_bytes()
    assert len(meta["text_sha256"]) == 64
    code, out, _ = run(capsys, "sources", "list", str(scenario))
    assert code == 0 and "note" in out and "carlin-2020" in out
    code, out, _ = run(capsys, "sources", "show", str(scenario), "note")
    assert code == 0 and out.startswith("A note on the talks")
    code, out, _ = run(capsys, "sources", "show", str(scenario), "carlin-2020", "--raw")
    assert "Share this Story" in out
    code, out, _ = run(capsys, "sources", "show", str(scenario), "carlin-2020")
    assert "Share this Story" not in out and "Tehran has been straining" in out
    argv = ["sources", "mentions", str(scenario), "--actor", "kh", "--format", "json"]
    code, out, _ = run(capsys, *argv)
    assert json.loads(out)["actors"]["kh"]["note"]["count"] == 1


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("blob.txt", b"\x00\x01\x02binary\x00", "NUL"),
        ("empty.txt", b"", "is empty"),
        ("latin1.txt", "Caf\u00e9 au lait in Baghdad".encode("latin-1"), "not UTF-8"),
        ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
        ("fake.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_bad_inputs_exit_2_and_store_untouched(capsys, scenario, tmp_path, name, content, says):
    good = tmp_path / "good.txt"
    good.write_text("A fine document about Iran and Iraq, written in June 2020.\n")
    bad = tmp_path / name
    bad.write_bytes(content)
    before = snapshot(scenario.parent / "sources")
    original = scenario.read_bytes()
    code, _, err = run(capsys, "sources", "add", str(scenario), str(good), str(bad))
    assert code == 2
    assert name in err and says in err
    assert snapshot(scenario.parent / "sources") == before
    assert scenario.read_bytes() == original  # not registered either


def test_too_large_file(capsys, scenario, tmp_path, monkeypatch):
    limit = 2 * scenario.stat().st_size  # the scenario itself stays readable
    monkeypatch.setenv("KINGMAKER_MAX_INPUT_MB", str(limit / 2**20))
    big = tmp_path / "big.txt"
    big.write_text("Iran and Iraq. " * (limit // 10))
    before = snapshot(scenario.parent / "sources")
    code, _, err = run(capsys, "sources", "add", str(scenario), str(big))
    assert code == 2 and "big.txt" in err and "input limit" in err
    assert snapshot(scenario.parent / "sources") == before


def test_unknown_actor_and_source(capsys):
    code, _, err = run(capsys, "sources", "mentions", "us-iraq-2020", "--actor", "irn")
    assert code == 2 and "iran" in err
    code, _, err = run(capsys, "sources", "show", "us-iraq-2020", "nope")
    assert code == 2 and "unknown source" in err


def test_flagship_mentions_and_timeline(capsys):
    code, out, _ = run(capsys, "sources", "mentions", "us-iraq-2020")
    assert code == 0 and "iran" in out and "never mentioned" in out
    code, out, _ = run(capsys, "sources", "timeline", "us-iraq-2020", "--format", "json")
    events = json.loads(out)["events"]
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    assert "2020-04" in dates and "2020-06-03" in dates and "2020-06-11" in dates
    june11 = next(e for e in events if e["date"] == "2020-06-11")
    assert june11["after_as_of"] and june11["source"] == "carlin-2020"
    # "on June 11" in an article dated 24 June 2020: the year is inferred, not relative
    assert (june11["words"], june11["relative"], june11["year"]) == (
        "on June 11",
        False,
        "inferred",
    )
    last_month = next(e for e in events if e["words"] == "last month")
    assert (last_month["date"], last_month["relative"]) == ("2020-05", True)
    code, out, _ = run(capsys, "sources", "timeline", "us-iraq-2020", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header[:7] == [
        "date",
        "source",
        "actors",
        "words",
        "relative",
        "after_as_of",
        "sentence",
    ]
    assert header[7] == "year"  # added at the end: the old columns keep their places
    april = next(e for e in events if e["date"] == "2020-04")
    assert "Pompeo" in april["sentence"] and "us" in april["actors"]


def test_add_registers_in_the_scenario_file(capsys, scenario, tmp_path):
    import yaml

    original = scenario.read_text()
    doc = tmp_path / "note.md"
    doc.write_text("# A note on the talks\n\nThe Hashd met on 3 June 2020.\n")
    argv = ["sources", "add", str(scenario), str(doc), "--date", "2020-06-05"]
    code, out, _ = run(capsys, *argv, "--url", "https://example.org/n")
    assert code == 0 and "registered in" in out and "note" in out
    text = scenario.read_text()
    assert text.startswith(original[: original.index("\nissues:\n")])  # comments, order kept
    assert text.endswith(original[original.index("\nissues:\n") :])
    entry = yaml.safe_load(text)["scenario"]["sources"][-1]
    assert entry == {
        "id": "note", "title": "A note on the talks", "date": "2020-06-05",
        "url": "https://example.org/n", "file": "sources/note.txt",
        "raw_file": "sources/note.raw.md",
    }  # fmt: skip
    code, out, _ = run(capsys, "sources", "list", str(scenario))
    assert "sources/note.txt, original sources/note.raw.md (registered)" in out
    code, out, _ = run(capsys, "validate", str(scenario))
    assert code == 0, out
    # the same document again: replaced in the store, not registered twice
    code, out, _ = run(capsys, "sources", "add", str(scenario), str(doc), "--force")
    assert code == 0 and "already registered" in out
    assert scenario.read_text() == text


def test_no_register_and_id_clash(capsys, scenario, tmp_path):
    original = scenario.read_bytes()
    doc = tmp_path / "note.txt"
    doc.write_text("Iran and Iraq met on 3 June 2020.\n")
    code, out, _ = run(capsys, "sources", "add", str(scenario), str(doc), "--no-register")
    assert code == 0 and "registered" not in out and scenario.read_bytes() == original
    code, out, _ = run(capsys, "sources", "list", str(scenario))
    assert "note.txt, original note.raw.txt (stored, not yet registered" in out
    # an id the scenario already uses for a source cited without a text
    clash = tmp_path / "iraq-parliament-2020-01-05.txt"
    clash.write_text("The parliament voted on 5 January 2020.\n")
    before = snapshot(scenario.parent / "sources")
    code, _, err = run(capsys, "sources", "add", str(scenario), str(clash), "--force")
    assert code == 2 and "scenario.yaml" in " ".join(err.split()) and "already has a source" in err
    assert scenario.read_bytes() == original and snapshot(scenario.parent / "sources") == before


def test_draft_skips_existing_actors_and_regions(capsys, scenario, tmp_path):
    import yaml

    seeds = [FLAGSHIP / "sources/epc-brief.raw.txt", FLAGSHIP / "sources/carlin-2020.raw.txt"]
    text = scenario.read_text()  # give the Iraqi government the alias "Iraq"
    scenario.write_text(
        text.replace("aliases: [Iraqi government,", "aliases: [Iraq, Iraqi government,")
    )
    out_file = tmp_path / "draft.yaml"
    argv = ["sources", "draft", *map(str, seeds), "-o", str(out_file)]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    names = [a["name"] for a in yaml.safe_load(out_file.read_text())["actors"]]
    assert "Iraq" in names and "Iran" in names and "Middle East" not in names
    code, out, _ = run(capsys, *argv, "--force", "--scenario", str(scenario))
    assert code == 0 and "1 actors found" in out
    names = [a["name"] for a in yaml.safe_load(out_file.read_text())["actors"]]
    assert names == ["Syria"]  # every other name the seeds use is a flagship actor's (or a place)
    code, out, _ = run(capsys, "sources", "mentions", str(scenario), "--format", "json")
    assert [c["name"] for c in json.loads(out)["candidates"]] == []  # was Iraq 39, Middle East 3


def test_an_embedded_scenario_is_not_written_to(capsys, tmp_path):
    """The flagship's folder belongs to the installed package (and the backtest page hashes
    it): adding to it is refused, by name or by path, and nothing there changes."""
    doc = tmp_path / "note.txt"
    doc.write_text("The Iranian government said so on 3 June 2020.\n")
    before = snapshot(FLAGSHIP)
    for given in ("us-iraq-2020", str(FLAGSHIP / "scenario.yaml")):
        code, _, err = run(capsys, "sources", "add", given, str(doc))
        assert code == 2 and "embedded in Kingmaker" in err and "copy that folder" in err
    assert snapshot(FLAGSHIP) == before


def test_a_stored_source_names_the_option_that_replaces_it(capsys, scenario, tmp_path):
    """The library says which parameter resolves the clash; the command line says --force."""
    from kingmaker.errors import KingmakerError
    from kingmaker.scenario import load_scenario
    from kingmaker.sources.store import add_sources

    doc = tmp_path / "note.txt"
    doc.write_text("The Iranian government said so on 3 June 2020.\n")
    assert run(capsys, "sources", "add", str(scenario), str(doc), "--no-register")[0] == 0
    code, _, err = run(capsys, "sources", "add", str(scenario), str(doc), "--no-register")
    assert code == 2 and "already stored; use --force to replace it" in " ".join(err.split())
    with pytest.raises(KingmakerError, match="already stored; pass overwrite=True to replace it"):
        add_sources(load_scenario(scenario), [doc], register=False)
    assert run(capsys, "sources", "add", str(scenario), str(doc), "--force")[0] == 0
