"""KTAB's SMP XML scenario format (``<Scenario>`` with Dimensions and Actors).

Read leniently where the meaning is clear: ``IdealAdjustment`` and ``ModelParameters`` are
optional (KTAB's own reader insists on IdealAdjustment, which its sample dummyData_3Dim.xml
lacks; without it every actor adjusts only toward its own position, KTAB's default). An empty
coordinate or salience has no clear meaning, so it is an error that names the actor, the
dimension and the line. Positions are on 0-100, saliences in percent (divided by 100).
KTAB-specific settings (ModelParameters, prngSeed, IdealAdjustment) are not part of the
common scenario and are not read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from .common import ProblemList, slug, stem, unique_ids

NAME = "ktab-xml"
DESCRIPTION = "KTAB SMP XML (<Scenario> with <Dimensions> and <Actors>)"


@dataclass
class Node:
    tag: str
    line: int
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> Node | None:
        found = self.all(tag)
        return found[0] if found else None


def parse_tree(text: str, problems: ProblemList) -> Node | None:
    """A small element tree that remembers each element's line (ElementTree forgets it)."""
    parser = expat.ParserCreate()
    root = Node("#document", 1)
    stack = [root]

    def start(tag, attrs):
        node = Node(tag, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag):
        node = stack.pop()
        node.text = node.text.strip()

    def chars(data):
        stack[-1].text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.lstrip("\ufeff").encode("utf-8"), True)
    except expat.ExpatError as exc:
        problems.add(f"not well-formed XML: {expat.ErrorString(exc.code)}", exc.lineno)
        return None
    return root.children[0] if root.children else None


def detect(text: str, path: str | None) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:400]
    return head.startswith("<") and "<Scenario" in text[:2000]


def read(text: str, file: str | None):
    problems = ProblemList(file)
    root = parse_tree(text, problems)
    problems.raise_if_any()
    if root is None or root.tag != "Scenario":
        problems.add(f"expected a <Scenario> root element, got <{root.tag if root else ''}>", 1)
        problems.raise_if_any()

    def required(parent: Node, tag: str) -> Node | None:
        node = parent.first(tag)
        if node is None:
            problems.add(f"<{parent.tag}> needs a <{tag}> element", parent.line)
        return node

    name = required(root, "name")
    desc = root.first("desc")
    dims_node = required(root, "Dimensions")
    actors_node = required(root, "Actors")
    problems.raise_if_any()

    dim_names = [d.text for d in dims_node.all("dName")]
    for d in dims_node.all("dName"):
        if not d.text:
            problems.add("a dimension name (<dName>) is empty", d.line)
    if not dim_names:
        problems.add("<Dimensions> lists no <dName>", dims_node.line)
    problems.raise_if_any()
    n_dims = len(dim_names)

    names, descs, powers, stances, line_of = [], [], [], [], []
    for actor in actors_node.all("Actor"):
        a_name = required(actor, "name")
        cap = required(actor, "capability")
        pos_node = required(actor, "Position")
        sal_node = required(actor, "Salience")
        if None in (a_name, cap, pos_node, sal_node):
            continue
        who = a_name.text or f"actor on line {actor.line}"
        power = problems.number(cap.text, cap.line, f"{who}: capability", minimum=0)
        coords = pos_node.all("dCoord")
        sals = sal_node.all("dSal")
        for what, items in (("dCoord", coords), ("dSal", sals)):
            if len(items) != n_dims:
                problems.add(f"{who}: expected {n_dims} <{what}> (one per dimension), "
                             f"got {len(items)}", (pos_node if what == "dCoord" else sal_node).line)
        if len(coords) != n_dims or len(sals) != n_dims:
            continue
        pairs = []
        for d in range(n_dims):
            pos = problems.number(coords[d].text, coords[d].line,
                                  f"{who}: position on {dim_names[d]!r} (<dCoord>)",
                                  minimum=0, maximum=100)
            sal = problems.number(sals[d].text, sals[d].line,
                                  f"{who}: salience on {dim_names[d]!r} (<dSal>)",
                                  minimum=0, maximum=100)
            pairs.append((pos, sal))
        if power is None or any(p is None or s is None for p, s in pairs):
            continue
        names.append(a_name.text)
        descs.append(actor.first("description").text if actor.first("description") else "")
        powers.append(power)
        stances.append(pairs)
        line_of.append(actor.line)
    if not actors_node.all("Actor"):
        problems.add("<Actors> lists no <Actor>", actors_node.line)
    problems.raise_if_any()

    dim_ids = unique_ids(dim_names, "dim")
    actor_ids = unique_ids(names, "actor")
    title = name.text or stem(file)
    doc = {
        "scenario": {"id": slug(title, slug(stem(file), "scenario")), "title": title,
                     **({"description": desc.text} if desc is not None and desc.text else {})},
        "issues": [{"id": i, "question": f"Position on {nm}", "scale": {"min": 0, "max": 100}}
                   for i, nm in zip(dim_ids, dim_names, strict=True)],
        "actors": [
            {"id": aid, "name": nm, **({"description": ds} if ds else {}), "capability": pw,
             "issues": {i: {"position": p, "salience": s / 100}
                        for i, (p, s) in zip(dim_ids, pairs, strict=True)}}
            for aid, nm, ds, pw, pairs in zip(actor_ids, names, descs, powers, stances,
                                              strict=True)
        ],
    }

    def locate(path: tuple):
        if len(path) >= 2 and path[0] == "actors" and isinstance(path[1], int):
            return (line_of[path[1]], None) if path[1] < len(line_of) else None
        return None

    return doc, locate
