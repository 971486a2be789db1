"""Readers for the files analysts already have; each turns one format into a scenario document.

An importer is a module with ``NAME``, ``DESCRIPTION``, ``detect(text, path) -> bool`` and
``read(text, file) -> (document, locator)``. Nothing downstream knows file formats: the
document goes through the same gate as a YAML scenario (:func:`..document.build_scenario`).
"""

from __future__ import annotations

from types import ModuleType

from . import bdm_csv, decide_csv, ktab_csv, ktab_xml

#: Importers in the order format detection tries them.
IMPORTERS: dict[str, ModuleType] = {m.NAME: m for m in (ktab_xml, decide_csv, bdm_csv, ktab_csv)}

__all__ = ["IMPORTERS"]
