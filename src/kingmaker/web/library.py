"""The scenarios the dashboard offers: the embedded ones and the versions kept in the store
(uploaded, read from an allowed folder, or edited in the browser).

A scenario is named in URLs by an id, never by a path: an embedded scenario's name or a
version's id. Anything else is "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import KingmakerError, StoreError
from ..scenario.compile import scenario_hash
from ..scenario.schema import Scenario
from ..store import Store

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")


class NotFound(KingmakerError):
    """No scenario, run or job with that id."""


@dataclass(frozen=True)
class Entry:
    """One scenario the dashboard can open."""

    id: str
    title: str
    kind: str  # "embedded" or the version's origin (upload, path, edit)
    scenario_id: str
    parent: str | None = None
    created: str | None = None
    note: str | None = None
    scenario_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "scenario_id": self.scenario_id,
            "parent": self.parent,
            "created": self.created,
            "note": self.note,
            "scenario_hash": self.scenario_hash,
        }


class Library:
    """Look scenarios up by id; keep new versions in the store."""

    def __init__(self, store: Store, allow_path: Path | None = None):
        self.store = store
        self.allow_path = allow_path.resolve() if allow_path else None
        self._cache: dict[str, Scenario] = {}
        self._hashes: dict[str, str] = {}  # embedded name -> its scenario hash

    def entries(self) -> list[Entry]:
        from ..analysis.inputs import load_scenario
        from ..scenario.embedded import embedded_names

        found = []
        for name in embedded_names():
            sc = self._cache.get(name) or load_scenario(name)
            self._cache[name] = sc
            digest = self._hashes.get(name) or scenario_hash(sc)
            self._hashes[name] = digest
            found.append(Entry(name, sc.scenario.title, "embedded", sc.id, scenario_hash=digest))
        for v in self.store.versions(limit=200):
            found.append(
                Entry(
                    v.id,
                    v.title,
                    v.origin,
                    v.scenario_id,
                    v.parent,
                    v.created,
                    v.note,
                    v.scenario_hash,
                )
            )
        return found

    def entry(self, ident: str) -> Entry:
        for e in self.entries():
            if e.id == ident:
                return e
        raise NotFound(f"no scenario {ident!r}")

    def get(self, ident: str) -> Scenario:
        """The scenario with this id (an embedded name or a version id)."""
        if not _ID.match(ident) or ".." in ident:
            raise NotFound(f"no scenario {ident!r}")
        if ident in self._cache:
            return self._cache[ident]
        from ..analysis.inputs import load_scenario
        from ..scenario.embedded import embedded_names

        if ident in embedded_names():
            sc = load_scenario(ident)
        else:
            try:
                sc = self.store.version(ident).scenario()
            except StoreError:
                raise NotFound(f"no scenario {ident!r}") from None
        self._cache[ident] = sc
        return sc

    def add(
        self,
        scenario: Scenario,
        *,
        origin: str,
        parent: str | None = None,
        note: str | None = None,
        changes: list[dict[str, Any]] | None = None,
        title: str | None = None,
    ) -> str:
        """Keep ``scenario`` as a new version; returns its id."""
        version = self.store.save_version(
            scenario.to_document(),
            scenario_id=scenario.id,
            title=title or scenario.scenario.title,
            scenario_hash=scenario_hash(scenario),
            origin=origin,
            parent=parent,
            note=note,
            changes=changes,
        )
        self._cache[version] = scenario
        return version

    def read_path(self, text: str) -> tuple[Scenario, Path]:
        """A scenario file under the folder ``--allow-path`` named (and nowhere else)."""
        from ..analysis.inputs import load_scenario

        if self.allow_path is None:
            raise NotFound("reading files on the server is off (start it with --allow-path DIR)")
        path = (self.allow_path / text).resolve()
        if not path.is_relative_to(self.allow_path):
            raise NotFound(f"{text!r} is outside the allowed folder")
        if not path.exists():
            raise NotFound(f"no file {text!r} in the allowed folder")
        return load_scenario(path), path
