"""decide-exchange-model's CSV: rows tagged ``#A`` (actor), ``#P`` (issue), ``#M`` (a labelled
point of an issue's scale), ``#D`` (actor, issue, position, salience, power), ``#O`` (title) and
``#/`` (comment). The delimiter is sniffed (tab, semicolon or comma); fields may be quoted
with ``'``. An issue's scale runs from its lowest to its highest ``#M`` point (0-100 when it has
none), as the package does. Power is per actor and issue; it becomes the actor's capability
when it is the same on every issue.
"""

from __future__ import annotations

import csv
import io
import re

from .common import ProblemList, slug, stem, unique_ids

NAME = "decide-csv"
DESCRIPTION = "decide-exchange-model CSV (#A, #P, #M, #D rows)"

_TAG = re.compile(r"^\s*['\"]?#[APMDO/]")


def detect(text: str, path: str | None) -> bool:
    lines = [ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip()]
    return bool(lines) and sum(bool(_TAG.match(ln)) for ln in lines[:20]) >= min(3, len(lines))


def _dialect(text: str) -> tuple[str, str]:
    sample = "\n".join(text.splitlines()[:50])
    counts = {d: sample.count(d) for d in ("\t", ";", ",")}
    delimiter = max(counts, key=counts.__getitem__)
    first = sample.lstrip()[:1]
    quote = "'" if first == "'" else '"'
    return delimiter, quote


def read(text: str, file: str | None):
    problems = ProblemList(file)
    text = text.lstrip("\ufeff")
    delimiter, quote = _dialect(text)
    comma_decimal = delimiter != ","
    reader = csv.reader(
        io.StringIO(text), delimiter=delimiter, quotechar=quote, skipinitialspace=True
    )

    title: str | None = None
    notes: list[str] = []
    actors: dict[str, tuple[str, str, int]] = {}  # id -> (name, comment, line)
    issues: dict[str, tuple[str, str, int]] = {}
    points: dict[str, list[tuple[float, str]]] = {}
    data: dict[tuple[str, str], tuple[float, float, float, int]] = {}
    d_rows: list[tuple[int, list[str]]] = []

    for n, row in enumerate(reader, start=1):
        row = [f.strip() for f in row]
        while row and not row[-1]:
            row.pop()
        if not row:
            continue
        tag, rest = row[0], row[1:]
        if tag == "#/":
            continue
        if tag == "#O":
            if rest:
                title = title or rest[0]
                notes.extend(rest[1:])
            continue
        if tag in ("#A", "#P"):
            kind = "actor" if tag == "#A" else "issue"
            if not rest or not rest[0]:
                problems.add(f"{tag} row: the {kind} id is empty", n)
                continue
            table = actors if tag == "#A" else issues
            if rest[0] in table:
                problems.add(
                    f"{kind} {rest[0]!r} is defined twice (first on line {table[rest[0]][2]})", n
                )
                continue
            name = rest[1] if len(rest) > 1 and rest[1] else rest[0]
            comment = " ".join(rest[2:]).strip()
            table[rest[0]] = (name, comment, n)
            continue
        if tag == "#M":
            if len(rest) < 2:
                problems.add("#M row: expected issue id and a position (and a meaning)", n)
                continue
            value = problems.number(
                rest[1], n, f"#M {rest[0]}: position", comma_decimal=comma_decimal
            )
            if value is not None:
                points.setdefault(rest[0], []).append((value, " ".join(rest[2:]).strip()))
            continue
        if tag == "#D":
            d_rows.append((n, rest))
            continue
        problems.add(f"unknown row type {tag!r}; expected #A, #P, #M, #D, #O or #/", n)

    for issue_id in points:
        if issue_id not in issues:
            problems.add(f"#M refers to issue {issue_id!r}, which no #P row defines")
    scale: dict[str, tuple[float, float]] = {}
    for issue_id in issues:
        vals = [v for v, _ in points.get(issue_id, [])]
        lo, hi = (min(vals), max(vals)) if vals else (0.0, 100.0)
        if vals and lo == hi:
            problems.add(
                f"issue {issue_id!r}: its #M points span no interval ({lo:g})", issues[issue_id][2]
            )
        scale[issue_id] = (lo, hi)

    for n, rest in d_rows:
        if len(rest) < 5:
            problems.add(
                "#D row: expected actor, issue, position, salience and power, "
                f"got {len(rest)} field(s)",
                n,
            )
            continue
        actor, issue = rest[0], rest[1]
        bad = False
        if actor not in actors:
            problems.add(f"#D row: actor {actor!r} is not defined by an #A row", n)
            bad = True
        if issue not in issues:
            problems.add(f"#D row: issue {issue!r} is not defined by a #P row", n)
            bad = True
        where = f"{actor} on {issue}"
        lo, hi = scale.get(issue, (float("-inf"), float("inf")))
        pos = problems.number(rest[2], n, f"{where}: position", comma_decimal=comma_decimal)
        if pos is not None and not lo <= pos <= hi:
            problems.add(
                f"{where}: position {pos:g} is outside the issue's scale {lo:g}..{hi:g}", n
            )
            pos = None
        sal = problems.number(
            rest[3], n, f"{where}: salience", comma_decimal=comma_decimal, minimum=0, maximum=1
        )
        power = problems.number(
            rest[4], n, f"{where}: power", comma_decimal=comma_decimal, minimum=0
        )
        if bad or pos is None or sal is None or power is None:
            continue
        if (actor, issue) in data:
            problems.add(f"{where} is given twice (first on line {data[(actor, issue)][3]})", n)
            continue
        data[(actor, issue)] = (pos, sal, power, n)
    if not actors:
        problems.add("no actors: the file has no #A rows")
    if not issues:
        problems.add("no issues: the file has no #P rows")
    problems.raise_if_any()

    actor_keys = list(actors)
    issue_keys = list(issues)
    actor_ids = dict(zip(actor_keys, unique_ids(actor_keys, "actor"), strict=True))
    issue_ids = dict(zip(issue_keys, unique_ids(issue_keys, "issue"), strict=True))
    line_of: dict[tuple, int] = {}
    doc_actors = []
    for a, key in enumerate(actor_keys):
        name, comment, line = actors[key]
        line_of[("actors", a)] = line
        own = {iss: v for (act, iss), v in data.items() if act == key}
        powers = {v[2] for v in own.values()}
        common = powers.pop() if len(powers) == 1 else None
        entry: dict = {"id": actor_ids[key], "name": name}
        if key != name:
            entry["aliases"] = [key]
        if comment:
            entry["description"] = comment
        if common is not None:
            entry["capability"] = common
        entry["issues"] = {}
        for iss in issue_keys:
            if iss not in own:
                continue
            pos, sal, power, line = own[iss]
            stance = {"position": pos, "salience": sal}
            if common is None:
                stance["capability"] = power
            entry["issues"][issue_ids[iss]] = stance
            line_of[("actors", a, "issues", issue_ids[iss])] = line
        doc_actors.append(entry)
    doc_issues = []
    for i, key in enumerate(issue_keys):
        name, comment, line = issues[key]
        line_of[("issues", i)] = line
        lo, hi = scale[key]
        anchors = [{"value": v, "label": lbl} for v, lbl in points.get(key, []) if lbl]
        entry = {
            "id": issue_ids[key],
            "question": name if name != key else f"Position on {key}",
            "scale": {"min": lo, "max": hi, **({"anchors": anchors} if anchors else {})},
        }
        if comment and comment != name:
            entry["description"] = comment
        doc_issues.append(entry)
    title = title or stem(file)
    doc = {
        "scenario": {
            "id": slug(title, slug(stem(file), "scenario")),
            "title": title,
            **({"description": " ".join(notes)} if notes else {}),
        },
        "issues": doc_issues,
        "actors": doc_actors,
    }

    def locate(path: tuple):
        for k in range(len(path), 0, -1):
            if tuple(path[:k]) in line_of:
                return (line_of[tuple(path[:k])], None)
        return None

    return doc, locate
