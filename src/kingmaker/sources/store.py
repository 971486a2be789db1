"""The sources kept beside a scenario: ``sources/<id>.txt`` (the cleaned text), the original
untouched (``sources/<id>.raw<ext>``) and ``sources/<id>.json`` (metadata and content hashes).

Every write goes through :func:`kingmaker.files.write_atomic`, and every document of a call
is read and cleaned before anything is written, so a bad file leaves the store as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from . import SourceError
from .readers import Document, read_document
from .register import plan_registration, source_entry

__all__ = ["StoredSource", "add_sources", "list_sources", "scenario_texts", "source_dir"]


@dataclass(frozen=True)
class StoredSource:
    id: str
    title: str | None
    author: str | None
    date: str | None
    site: str | None
    kind: str
    text_file: str
    raw_file: str | None
    text_sha256: str | None
    registered: bool  # declared in the scenario's sources
    url: str | None = None


def source_dir(scenario) -> Path:
    if scenario.origin is None:
        raise SourceError(
            "was not read from a file; sources are kept beside a scenario file",
            parameter="scenario",
        )
    return Path(scenario.origin).parent / "sources"


def _writable_folder(scenario) -> Path:
    """The scenario's sources folder, refused for an embedded scenario (its files belong to
    the installed package, and the backtest page fingerprints the flagship's)."""
    from ..scenario.embedded import inside_package

    folder = source_dir(scenario)
    if inside_package(folder):
        raise SourceError(
            f"is {scenario.id!r}, a scenario embedded in Kingmaker: its folder "
            f"{folder.parent} belongs to the installed package; copy that folder elsewhere "
            "and add the documents to the copy",
            parameter="scenario",
        )
    return folder


def _slug(name: str) -> str:
    stem = Path(name).name.split(".")[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "source"


def add_sources(
    scenario,
    files: list[str | Path],
    *,
    overrides: dict | None = None,
    overwrite: bool = False,
    register: bool = True,
) -> list[StoredSource]:
    """Read, clean and store documents beside the scenario and, with ``register``, add them to
    the scenario file's ``sources`` (:mod:`.register`; an id already registered for the same
    files is left as it is). Every document is read and the new scenario text made before
    anything is written (module docstring)."""
    folder = _writable_folder(scenario)
    docs: list[tuple[str, Path, Document]] = []
    registered = {s.id for s in scenario.scenario.sources}
    taken = set(registered)
    for f in files:  # read everything first: a bad file stops the call before any write
        path = Path(f)
        doc = read_document(path)
        sid = _slug(path.name)
        if not overwrite and sid in registered:
            raise SourceError(
                f"{path}: the scenario already has a source {sid!r}; rename the file",
                remedy=("overwrite", "replace the stored one"),
            )
        if not overwrite and (sid in taken or (folder / f"{sid}.json").exists()):
            raise SourceError(
                f"{path}: a source {sid!r} is already stored", remedy=("overwrite", "replace it")
            )
        for key, value in (overrides or {}).items():
            if value is not None:
                setattr(doc, key, value)
        docs.append((sid, path, doc))
        taken.add(sid)
    metas = []
    for sid, path, doc in docs:
        ext = "".join(path.suffixes) or ".txt"
        raw_name = f"{sid}.raw{ext if not ext.startswith('.raw') else ext[4:]}"
        meta = {
            "id": sid,
            "title": doc.title,
            "author": doc.author,
            "date": doc.date,
            "site": doc.site,
            "url": doc.url,
            "kind": doc.kind,
            "original": path.name,
            "text_file": f"{sid}.txt",
            "raw_file": raw_name,
            "raw_sha256": doc.raw_sha256,
            "text_sha256": doc.text_sha256,
        }
        metas.append((path, doc, meta))
    new_text = None
    if register:
        scenario_file = Path(scenario.origin)
        new_text, _ = plan_registration(scenario_file, [source_entry(m) for _, _, m in metas])
    folder.mkdir(exist_ok=True)
    out = []
    for path, doc, meta in metas:
        sid, raw_name = str(meta["id"]), str(meta["raw_file"])
        if (folder / raw_name).resolve() != path.resolve():
            write_atomic(folder / raw_name, doc.raw, overwrite=overwrite)
        write_atomic(folder / f"{sid}.txt", doc.text, overwrite=True)
        write_atomic(folder / f"{sid}.json", json.dumps(meta, indent=2) + "\n", overwrite=True)
        out.append(_stored(meta, register))
    if new_text is not None:
        write_atomic(scenario_file, new_text, overwrite=True)
    return out


def _stored(meta: dict, registered: bool) -> StoredSource:
    return StoredSource(
        meta["id"], meta.get("title"), meta.get("author"), meta.get("date"), meta.get("site"),
        meta.get("kind", "text"), meta["text_file"], meta.get("raw_file"),
        meta.get("text_sha256"), registered, meta.get("url"),
    )  # fmt: skip


def list_sources(scenario) -> list[StoredSource]:
    """The scenario's registered sources (with a file) and those stored beside it."""
    out = {}
    for s in scenario.scenario.sources:
        if s.file or s.raw_file:
            out[s.id] = StoredSource(
                s.id, s.title, s.author, s.date, s.publisher, "text",
                s.file or "", s.raw_file, None, True, s.url,
            )  # fmt: skip
    if scenario.origin is not None:
        folder = source_dir(scenario)
        for f in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            try:
                meta = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and meta.get("id") and meta["id"] not in out:
                out[meta["id"]] = _stored(meta, False)
    return list(out.values())


def scenario_texts(scenario) -> dict[str, str]:
    """Each source's cleaned text: the raw capture read and cleaned by this package when the
    source declares one, else its text file."""
    base = Path(scenario.origin).parent if scenario.origin else Path(".")
    texts = {}
    for s in list_sources(scenario):
        if s.registered:
            rel = s.raw_file or s.text_file
            path = Path(rel) if Path(rel).is_absolute() else base / rel
        else:
            path = base / "sources" / s.text_file
        texts[s.id] = read_document(path).text if s.registered else _read(path)
    return texts


def source_dates(scenario) -> dict[str, str | None]:
    return {s.id: s.date for s in list_sources(scenario)}


def _read(path: Path) -> str:
    from ..errors import ScenarioError
    from ..scenario.text import read_text

    try:
        return read_text(path)
    except ScenarioError as exc:
        raise SourceError(str(exc.problems[0])) from None
