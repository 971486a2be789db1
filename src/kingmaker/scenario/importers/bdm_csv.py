"""The BDM/Scholz CSV: ``Actor,Capability,Position,Salience``, one actor a row, one issue.

Used by the public ports of Bueno de Mesquita's expected-utility model (e.g. the
ExampleActors.csv of Scholz et al.'s replication). The file carries no scale, so the issue's
scale is the span of the positions; saliences above 1 are read as percentages.
"""

from __future__ import annotations

import csv
import io

from .common import ProblemList, stem, unique_ids

NAME = "bdm-csv"
DESCRIPTION = "BDM/Scholz CSV (Actor,Capability,Position,Salience)"
HEADER = ("actor", "capability", "position", "salience")


def _header(line: str) -> tuple[str, ...]:
    return tuple(f.strip().strip("\"'").lower() for f in line.split(","))


def detect(text: str, path: str | None) -> bool:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return _header(first)[:4] == HEADER


def read(text: str, file: str | None):
    problems = ProblemList(file)
    rows = list(csv.reader(io.StringIO(text)))
    lines = [(n, r) for n, r in enumerate(rows, start=1) if any(f.strip() for f in r)]
    if not lines:
        problems.add("the file is empty; expected a header Actor,Capability,Position,Salience")
        problems.raise_if_any()
    header_line, header = lines[0]
    if tuple(f.strip().lower() for f in header) != HEADER:
        problems.add(
            f"expected the header Actor,Capability,Position,Salience, got {','.join(header)!r}",
            header_line,
        )
        problems.raise_if_any()

    names: list[str] = []
    values: list[tuple[float, float, float]] = []
    line_of: list[int] = []
    seen: dict[str, int] = {}
    for n, row in lines[1:]:
        if len(row) != 4:
            problems.add(
                f"expected 4 fields (Actor,Capability,Position,Salience), got {len(row)}", n
            )
            continue
        name = row[0].strip()
        if not name:
            problems.add("the actor name is empty", n)
            continue
        if name in seen:
            problems.add(f"actor {name!r} is listed twice (first on line {seen[name]})", n)
            continue
        seen[name] = n
        cap = problems.number(row[1], n, "Capability", minimum=0)
        pos = problems.number(row[2], n, "Position")
        sal = problems.number(row[3], n, "Salience", minimum=0, maximum=100)
        if cap is None or pos is None or sal is None:
            continue
        names.append(name)
        values.append((cap, pos, sal))
        line_of.append(n)
    if not names and not problems.problems:
        problems.add("no actor rows after the header", header_line)
    problems.raise_if_any()

    percent = max(s for _, _, s in values) > 1
    positions = [p for _, p, _ in values]
    lo, hi = min(positions), max(positions)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    ids = unique_ids(names, "actor")
    name = stem(file)
    notes = [
        f"Imported from the BDM/Scholz CSV {name!r}.",
        "The file gives no scale: the issue's scale is the span of the positions.",
    ]
    if percent:
        notes.append("Saliences above 1 were read as percentages and divided by 100.")
    doc = {
        "scenario": {
            "id": unique_ids([name], "scenario")[0],
            "title": name,
            "description": " ".join(notes),
        },
        "issues": [
            {
                "id": "issue",
                "question": f"Position on the issue of {name}",
                "scale": {"min": lo, "max": hi},
            }
        ],
        "actors": [
            {
                "id": aid,
                "name": nm,
                "capability": cap,
                "issues": {"issue": {"position": pos, "salience": sal / 100 if percent else sal}},
            }
            for aid, nm, (cap, pos, sal) in zip(ids, names, values, strict=True)
        ],
    }

    def locate(path: tuple):
        if len(path) >= 2 and path[0] == "actors" and isinstance(path[1], int):
            return (line_of[path[1]], None) if path[1] < len(line_of) else None
        return None

    return doc, locate
