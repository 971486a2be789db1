"""KTAB's SMP CSV: a title line, a header line, then one actor a row.

Line 1: ``name, description, nActors, nDims`` (trailing fields ignored). Line 2: ``Actor,
Description, Power, <dim> Position, <dim> Salience, ...``. Rows: actor, description, power,
then a position and a salience per dimension. KTAB puts positions on 0-100 and saliences in
percent; Kingmaker keeps positions on a 0-100 scale and divides saliences by 100.
"""

from __future__ import annotations

import csv
import re

from .common import ProblemList, slug, stem, unique_ids

NAME = "ktab-csv"
DESCRIPTION = "KTAB SMP CSV (name,desc,nActors,nDims / Actor,Desc,Power,Pos1,Sal1,...)"


def _fields(line: str) -> list[str]:
    row = next(csv.reader([line], skipinitialspace=True), [])
    while row and not row[-1].strip():
        row.pop()
    return [f.strip() for f in row]


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"\d+", text.strip()))


def detect(text: str, path: str | None) -> bool:
    lines = [ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    first = _fields(lines[0])
    return (
        len(first) >= 4
        and _is_int(first[2])
        and _is_int(first[3])
        and _fields(lines[1])[:1] == ["Actor"]
    )


def read(text: str, file: str | None):
    problems = ProblemList(file)
    raw_lines = text.lstrip("\ufeff").splitlines()
    numbered = [(n, ln) for n, ln in enumerate(raw_lines, start=1) if ln.strip()]
    if len(numbered) < 2:
        problems.add("expected a title line (name, description, nActors, nDims) and a header line")
        problems.raise_if_any()
    (n1, l1), (n2, l2) = numbered[0], numbered[1]
    first = _fields(l1)
    if len(first) < 4 or not (_is_int(first[2]) and _is_int(first[3])):
        problems.add(
            "line 1 must be 'name, description, nActors, nDims' with two whole numbers, "
            f"got {l1.strip()!r}",
            n1,
        )
        problems.raise_if_any()
    title, desc, n_actors, n_dims = first[0], first[1], int(first[2]), int(first[3])
    if n_dims < 1:
        problems.add(f"nDims must be at least 1, got {n_dims}", n1)
    header = _fields(l2)
    need = 3 + 2 * n_dims
    if len(header) < need:
        problems.add(
            f"the header has {len(header)} columns; {n_dims} dimension(s) need {need} "
            "(Actor, Description, Power, then a position and a salience per dimension)",
            n2,
        )
    problems.raise_if_any()
    dim_names = [
        re.sub(r"\s*position$", "", header[3 + 2 * d], flags=re.I) or f"dim{d + 1}"
        for d in range(n_dims)
    ]

    rows = numbered[2:]
    if len(rows) != n_actors:
        problems.add(f"line 1 announces {n_actors} actors but {len(rows)} actor rows follow", n1)
    names, descs, powers, stances, line_of = [], [], [], [], []
    seen: dict[str, int] = {}
    for n, line in rows:
        f = _fields(line)
        if len(f) != need:
            problems.add(
                f"expected {need} fields (Actor, Description, Power and {n_dims} "
                f"position/salience pair(s)), got {len(f)}",
                n,
            )
            continue
        if not f[0]:
            problems.add("the actor name is empty", n)
            continue
        if f[0] in seen:
            problems.add(f"actor {f[0]!r} is listed twice (first on line {seen[f[0]]})", n)
            continue
        seen[f[0]] = n
        power = problems.number(f[2], n, f"{f[0]}: {header[2]}", minimum=0)
        pairs = []
        for d in range(n_dims):
            pos = problems.number(
                f[3 + 2 * d], n, f"{f[0]}: {header[3 + 2 * d]}", minimum=0, maximum=100
            )
            sal = problems.number(
                f[4 + 2 * d], n, f"{f[0]}: {header[4 + 2 * d]}", minimum=0, maximum=100
            )
            pairs.append((pos, sal))
        read = [(p, s) for p, s in pairs if p is not None and s is not None]
        if power is None or len(read) != len(pairs):
            continue
        names.append(f[0])
        descs.append(f[1])
        powers.append(power)
        stances.append(read)
        line_of.append(n)
    problems.raise_if_any()

    doc = ktab_document(title, desc, file, dim_names, names, descs, powers, stances)

    def locate(path: tuple):
        if len(path) >= 2 and path[0] == "actors" and isinstance(path[1], int):
            return (line_of[path[1]], None) if path[1] < len(line_of) else None
        if path[:1] == ("issues",):
            return (n2, None)
        return (n1, None) if path[:1] == ("scenario",) else None

    return doc, locate


def ktab_document(
    title: str,
    desc: str | None,
    file: str | None,
    dim_names: list[str],
    names: list[str],
    descs: list[str],
    powers: list[float],
    stances: list[list[tuple[float, float]]],
) -> dict:
    """The scenario document of KTAB data (CSV or XML): one issue per dimension on 0-100,
    saliences from percent to Kingmaker's 0-1, Power as capability."""
    dim_ids = unique_ids(dim_names, "dim")
    actor_ids = unique_ids(names, "actor")
    return {
        "scenario": {
            "id": slug(title, slug(stem(file), "scenario")),
            "title": title,
            **({"description": desc} if desc else {}),
        },
        "issues": [
            {"id": i, "question": f"Position on {nm}", "scale": {"min": 0, "max": 100}}
            for i, nm in zip(dim_ids, dim_names, strict=True)
        ],
        "actors": [
            {
                "id": aid,
                "name": nm,
                **({"description": ds} if ds else {}),
                "capability": pw,
                "issues": {
                    i: {"position": p, "salience": s / 100}
                    for i, (p, s) in zip(dim_ids, pairs, strict=True)
                },
            }
            for aid, nm, ds, pw, pairs in zip(actor_ids, names, descs, powers, stances, strict=True)
        ],
    }
