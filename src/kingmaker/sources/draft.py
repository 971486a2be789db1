"""A draft scenario from documents alone: actors found, their aliases and mention counts, the
dated timeline, and for each actor the sentences that speak of its stance.

Nothing is invented: every number (capability, position, salience) is left as ``null`` with a
``# TO FILL`` mark, so ``kingmaker validate`` lists exactly the numbers still missing. The
analyst names the issues, fills the numbers, and cites the sentences kept in each actor's
description.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from .mentions import MentionIndex, _candidate_names, is_geography, token_key, tokens
from .readers import Document, read_document
from .textutil import sentences
from .timeline import build_timeline

__all__ = ["draft_scenario"]

_STANCE = re.compile(
    r"\b(?:wants?|want(?:ed|s)|seeks?|sought|rejects?|rejected|opposes?|opposed|supports?|"
    r"supported|calls? (?:for|on)|called (?:for|on)|demands?|demanded|fears?|feared|views?|"
    r"viewed|welcome[sd]?|denounced?|declared|refuses?|refused|insists?|insisted|aims?|"
    r"aimed|prioriti[sz]e|intends?|threaten(?:s|ed)?|vow(?:s|ed)?|pushe[sd]|urge[sd]?)\b",
    re.IGNORECASE,
)
_ACRONYM_AFTER = re.compile(r"((?:[A-Z][\w'’-]+\s+){1,5}[A-Z][\w'’-]+)\s+\(([A-Z]{2,6})\b")


_GENERIC = {
    "force", "forces", "government", "party", "parties", "movement", "organization",
    "council", "committee", "ministry", "alliance", "bloc", "brigades", "units",
}  # fmt: skip


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30] or "actor"


def _actors(docs: dict[str, str], min_count: int, max_actors: int, known: MentionIndex | None):
    counts: Counter = Counter()
    acronyms: dict[str, str] = {}
    for text in docs.values():
        for m in _ACRONYM_AFTER.finditer(text):
            acronyms[m.group(2)] = " ".join(m.group(1).split())
        for s in sentences(text):
            for found in _candidate_names(s.text, []):
                for name in re.split(r"\s+and\s+|\s+of\s+the\s+", found):
                    name = re.sub(r"^(?:the|a)\s+", "", name, flags=re.IGNORECASE).strip()
                    if len(name) < 3 or (name.endswith(("i", "ian")) and " " not in name):
                        continue
                    if is_geography(name) or (known is not None and known.match(name)):
                        continue  # a place, or a name an existing actor already has
                    counts[name] += 1
    # group variants: a name whose last word (or acronym) belongs to a longer, more frequent one
    groups: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (-len(kv[0].split()), -kv[1])):
        keys = [token_key(t) for t in tokens(name)]
        target = None
        if name in acronyms and acronyms[name] in groups:
            target = acronyms[name]
        for long in groups:
            long_keys = [token_key(t) for t in tokens(long)]
            if (
                keys
                and len(keys) < len(long_keys)
                and keys[-1] == long_keys[-1]
                and (len(keys[-1]) >= 5 and keys[-1] not in _GENERIC)
            ):
                target = long
                break
        if target is None:
            groups[name] = [name]
            owner[name] = name
        else:
            groups[target].append(name)
            owner[name] = target
    totals: Counter[str] = Counter()
    for name, c in counts.items():
        totals[owner[name]] += c
    chosen = [n for n, c in totals.most_common() if c >= min_count][:max_actors]
    return {n: groups[n] for n in chosen}, totals


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_scenario(
    files: list[str | Path], *, scenario_id: str = "draft", min_count: int = 2,
    max_actors: int = 15, stance_sentences: int = 3,
    known_actors: Mapping[str, Iterable[str]] | None = None,
) -> str:  # fmt: skip
    """The YAML text of a draft scenario from documents (module docstring).

    Region and geographic terms (``data/geography.txt``) are never proposed as actors, nor is
    a name that is already one of ``known_actors``' names or aliases (actor id -> names, as
    :func:`~.mentions.actor_names` gives them for an existing scenario)."""
    docs: dict[str, Document] = {}
    for f in files:
        doc = read_document(f)
        sid = _slug(Path(f).name.split(".")[0]).replace("_", "-")
        docs[sid] = doc
    texts = {k: d.text for k, d in docs.items()}
    known = MentionIndex(known_actors) if known_actors else None
    groups, totals = _actors(texts, min_count, max_actors, known)
    ids: dict[str, str] = {}
    for name in groups:
        base = _slug(name)
        aid = base if base not in ids.values() else f"{base}_{len(ids)}"
        ids[name] = aid if aid[0].isalpha() else f"a_{aid}"
    index = MentionIndex({ids[n]: groups[n] for n in groups})
    stance: dict[str, list[str]] = defaultdict(list)
    for text in texts.values():
        for s in sentences(text):
            hit = {a for a, _ in index.match(s.text)}
            if _STANCE.search(s.text):
                for a in hit:
                    if len(stance[a]) < stance_sentences:
                        stance[a].append(s.text)
    events = build_timeline(texts, {k: d.date for k, d in docs.items()}, index=index)
    lines = [
        "# A draft scenario made by `kingmaker sources draft` from documents alone.",
        "# Every number is left for the analyst (null, marked TO FILL): `kingmaker validate`",
        "# lists the ones still missing. Name the issues, fill the numbers, cite the sentences.",
        "kingmaker: 1",
        "scenario:",
        f"  id: {scenario_id}",
        "  title: Draft from " + ", ".join(docs),
        "  sources:",
    ]
    for sid, d in docs.items():
        lines += [f"    - id: {sid}", f"      title: {_yaml_str(d.title or Path(d.name).name)}"]
        if d.author:
            lines.append(f"      author: {_yaml_str(d.author)}")
        if d.date:
            lines.append(f'      date: "{d.date}"')
        lines.append(f"      file: {_yaml_str(str(Path(d.name).resolve()))}")
    lines += ["# timeline found in the sources (date, source, sentence):"]
    for e in events:
        lines.append(f"#   {e.date}  {e.source}: {e.sentence[:150]}")
    lines += [
        "issues:",
        "  - id: issue_1",
        "    question: TO FILL (what is being decided?)",
        "    status_quo: null  # TO FILL",
        "actors:",
    ]
    for name, aliases in groups.items():
        aid = ids[name]
        lines += [
            f"  - id: {aid}",
            f"    name: {_yaml_str(name)}",
            "    aliases: [" + ", ".join(_yaml_str(a) for a in aliases if a != name) + "]",
            f"    description: {_yaml_str(f'Named {totals[name]} times in the sources.')}",
        ]
        if stance[aid]:
            lines.append("    # what the sources say of its stance:")
            lines += [f"    #   {s[:200]}" for s in stance[aid]]
        lines += [
            "    capability: null  # TO FILL",
            "    issues:",
            "      issue_1: {position: null, salience: null}  # TO FILL",
        ]
    return "\n".join(lines) + "\n"
