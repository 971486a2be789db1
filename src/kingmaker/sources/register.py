"""Registering stored sources in the scenario file's ``scenario.sources`` list.

The project has no round-trip YAML writer (PyYAML only, which drops comments and reflows the
file), so the entries are inserted as text: PyYAML's composer gives the position of the
``sources`` list (or of the ``scenario`` mapping when there is none yet), the new entries are
written after its last line with its indentation, and every other byte of the file is kept.
The result is parsed again and must equal the old document plus the new entries, or nothing
is written. A JSON scenario is rewritten by the json module (it has no comments to lose).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from . import SourceError

__all__ = ["plan_registration", "source_entry"]


def source_entry(meta: dict) -> dict[str, Any]:
    """A ``scenario.sources`` entry for a stored source's metadata (``sources/<id>.json``),
    in the order and with the fields of the scenario schema's Source."""
    entry: dict[str, Any] = {"id": meta["id"], "title": meta.get("title") or meta["original"]}
    for key, field in (("author", "author"), ("site", "publisher"), ("date", "date")):
        if meta.get(key):
            entry[field] = str(meta[key])
    if meta.get("url"):
        entry["url"] = meta["url"]
    entry["file"] = f"sources/{meta['text_file']}"
    if meta.get("raw_file"):
        entry["raw_file"] = f"sources/{meta['raw_file']}"
    return entry


def _fail(path: Path, why: str) -> SourceError:
    return SourceError(f"{path}: cannot register the source in it: {why}")


def plan_registration(path: Path, entries: list[dict]) -> tuple[str | None, list[str]]:
    """The new text of the scenario file ``path`` with ``entries`` appended to its
    ``scenario.sources`` (None when there is nothing to add) and the ids already registered
    with the same files (left as they are). Raises SourceError, naming the file, when an id is
    registered for another document or the file cannot be edited safely."""
    try:
        text = path.read_bytes().decode("utf-8")  # as it is: CRLF line ends stay CRLF
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"it cannot be read ({exc})") from None
    is_json = path.suffix.lower() == ".json"
    try:
        doc = json.loads(text) if is_json else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise _fail(path, f"it is not valid {'JSON' if is_json else 'YAML'} ({exc})") from None
    info = doc.get("scenario") if isinstance(doc, dict) else None
    if not isinstance(info, dict):
        raise _fail(path, "it has no `scenario:` mapping")
    existing = info.get("sources")
    if existing is None:
        existing = []
    if not isinstance(existing, list):
        raise _fail(path, "`scenario.sources` is not a list")
    by_id = {s.get("id"): s for s in existing if isinstance(s, dict)}
    new, same = [], []
    for entry in entries:
        old = by_id.get(entry["id"])
        if old is None:
            new.append(entry)
        elif old.get("file") == entry["file"] or old.get("raw_file") == entry.get("raw_file"):
            same.append(entry["id"])  # the same stored document: not registered twice
        else:
            raise _fail(
                path,
                f"it already has a source {entry['id']!r} for another document; rename the "
                "file to add, or pass --no-register",
            )
    if not new:
        return None, same
    if is_json:
        info["sources"] = [*existing, *new]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n", same
    out = _insert_yaml(path, text, new)
    check = yaml.safe_load(out)
    expected = dict(doc)
    expected["scenario"] = {**info, "sources": [*existing, *new]}
    if check != expected:  # never write a file that does not say exactly what was meant
        raise _fail(path, "its layout could not be edited safely; add the entries by hand")
    return out, same


def _mapping_get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _content_end(text: str, end_index: int) -> int:
    """The offset just after the last line holding content (not blank, not only a comment)
    before ``end_index``: where an entry appended to the node ending there goes."""
    lines = text[:end_index].splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")) and not lines[-1].strip():
        lines = lines[:-1]  # the indentation before the next token
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return sum(len(x) for x in lines)


def _item_lines(entry: dict, dash_col: int, nl: str) -> str:
    body = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=10**6)
    lines = body.splitlines()
    pad = " " * dash_col
    return "".join(
        (pad + "- " if i == 0 else pad + "  ") + line + nl for i, line in enumerate(lines)
    )


def _insert_yaml(path: Path, text: str, entries: list[dict]) -> str:
    nl = "\r\n" if "\r\n" in text else "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _fail(path, f"it is not valid YAML ({exc})") from None
    info = _mapping_get(root, "scenario") if root is not None else None
    if not isinstance(info, yaml.MappingNode) or info.flow_style or not info.value:
        raise _fail(path, "its `scenario:` is not a block mapping")
    seq = _mapping_get(info, "sources")
    if isinstance(seq, yaml.SequenceNode) and seq.value and not seq.flow_style:
        first = seq.value[0].start_mark
        line = text.splitlines()[first.line]
        dash_col = line.rfind("-", 0, first.column)
        if dash_col < 0:
            raise _fail(path, "its `sources:` list has a layout this command does not edit")
        at = _content_end(text, seq.end_mark.index)
        lead = "" if not at or text[:at].endswith(("\n", "\r")) else nl
        return text[:at] + lead + _item_lines_all(entries, dash_col, nl) + text[at:]
    key_col = info.value[0][0].start_mark.column
    if isinstance(seq, yaml.SequenceNode) and not seq.value:  # `sources: []`
        s, e = seq.start_mark.index, seq.end_mark.index
        rest = text[e:]
        tail = rest[rest.index("\n") + 1 :] if "\n" in rest else ""
        after = rest[: rest.index("\n") + 1] if "\n" in rest else rest
        if after.strip():  # a comment after the brackets: keep it on the key's line
            head = text[:s].rstrip(" ") + " " + after.strip() + nl
        else:
            head = text[:s].rstrip(" ") + nl
        return head + _item_lines_all(entries, key_col + 2, nl) + tail
    if seq is not None:
        raise _fail(path, "its `sources:` is not a block list this command can extend")
    at = _content_end(text, info.end_mark.index)
    lead = "" if not at or text[:at].endswith(("\n", "\r")) else nl
    block = " " * key_col + "sources:" + nl + _item_lines_all(entries, key_col + 2, nl)
    return text[:at] + lead + block + text[at:]


def _item_lines_all(entries: list[dict], dash_col: int, nl: str) -> str:
    return "".join(_item_lines(e, dash_col, nl) for e in entries)
