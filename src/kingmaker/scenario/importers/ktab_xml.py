"""KTAB's SMP XML scenario format (``<Scenario>`` with Dimensions and Actors).

Read leniently where the meaning is clear: ``prngSeed``, ``ModelParameters`` and
``IdealAdjustment`` are optional (KTAB's own reader insists on IdealAdjustment, which its sample
dummyData_3Dim.xml lacks; without it every actor's ideal is its position, KTAB's identity
matrix). An empty coordinate or salience has no clear meaning, so it is an error that names the
actor, the dimension and the line (KTAB's smpExample.xml has one). Positions are on 0-100,
saliences in percent (divided by 100).

KTAB's model settings become the scenario's ``models.settings.smp`` (validated by the smp
model): each ModelParameters element under its snake-case name with KTAB's value names
translated (``<VotingRule>PropCbc</VotingRule>`` -> ``voting_rule: prop_cubic``), prngSeed ->
``seed``, and every IdealAdjustment ``iaPair`` -> ``ideal_adjustment: [{actor, toward, rate}]``
with actor names turned into the scenario's actor ids. Unknown names are errors with the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from .common import ProblemList, stem, unique_ids
from .ktab_csv import ktab_document

NAME = "ktab-xml"

#: KTAB's ModelParameters element -> (smp setting, {KTAB value: setting value}).
MODEL_PARAMETERS: dict[str, tuple[str, dict[str, str]]] = {
    "VictoryProbModel": (
        "victory_probability",
        {
            "Linear": "linear",
            "Square": "square",
            "Quartic": "quartic",
            "Octic": "octic",
            "Binary": "binary",
        },
    ),
    "PCEModel": (
        "pce",
        {
            "Conditional": "conditional",
            "MarkovIncentive": "markov_incentive",
            "MarkovUniform": "markov_uniform",
        },
    ),
    "StateTransitions": (
        "state_transition",
        {"Deterministic": "deterministic", "Stochastic": "stochastic"},
    ),
    "VotingRule": (
        "voting_rule",
        {
            "Binary": "binary",
            "PropBin": "prop_bin",
            "Prop": "proportional",
            "PropCbc": "prop_cubic",
            "Cubic": "cubic",
            "ASymProsp": "asym_prospect",
        },
    ),
    "BigRAdjust": (
        "big_r_adjust",
        {
            "None": "none",
            "OneThird": "one_third",
            "Half": "half",
            "TwoThirds": "two_thirds",
            "Full": "full",
        },
    ),
    "BigRRange": ("big_r_range", {"Min": "min", "Mid": "mid", "Max": "max"}),
    "ThirdPartyCommit": (
        "third_party_commit",
        {"NoCommit": "none", "SemiCommit": "semi", "FullCommit": "full"},
    ),
    "InterVecBrgn": ("bargain_interpolation", {"S1P1": "s1p1", "S2P2": "s2p2", "S2PMax": "s2pmax"}),
    "BargnModel": (
        "bargain_model",
        {
            "InitOnlyInterp": "init_only",
            "InitRcvrInterp": "init_rcvr",
            "PWCompInterp": "pw_compromise",
        },
    ),
}
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


class _Refused(Exception):
    """Raised from a parser callback to stop at a construct we do not accept."""


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

    def no_entities(name, *_):  # entity expansion is how XML bombs work: KTAB files have none
        raise _Refused(f"declares the entity {name!r}; entity declarations are not accepted")

    parser.EntityDeclHandler = no_entities
    parser.UnparsedEntityDeclHandler = no_entities
    parser.ExternalEntityRefHandler = lambda *args: no_entities(args[0] or "external")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.lstrip("\ufeff").encode("utf-8"), True)
    except expat.ExpatError as exc:
        problems.add(f"not well-formed XML: {expat.ErrorString(exc.code)}", exc.lineno)
        return None
    except _Refused as exc:
        problems.add(str(exc), parser.CurrentLineNumber)
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
    assert root is not None  # raise_if_any raised on a missing root

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
    assert name is not None and dims_node is not None and actors_node is not None  # as above

    dim_names = [d.text for d in dims_node.all("dName")]
    for dname in dims_node.all("dName"):
        if not dname.text:
            problems.add("a dimension name (<dName>) is empty", dname.line)
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
        if a_name is None or cap is None or pos_node is None or sal_node is None:
            continue
        who = a_name.text or f"actor on line {actor.line}"
        power = problems.number(cap.text, cap.line, f"{who}: capability", minimum=0)
        coords = pos_node.all("dCoord")
        sals = sal_node.all("dSal")
        for what, items in (("dCoord", coords), ("dSal", sals)):
            if len(items) != n_dims:
                problems.add(
                    f"{who}: expected {n_dims} <{what}> (one per dimension), got {len(items)}",
                    (pos_node if what == "dCoord" else sal_node).line,
                )
        if len(coords) != n_dims or len(sals) != n_dims:
            continue
        pairs = []
        for d in range(n_dims):
            pos = problems.number(
                coords[d].text,
                coords[d].line,
                f"{who}: position on {dim_names[d]!r} (<dCoord>)",
                minimum=0,
                maximum=100,
            )
            sal = problems.number(
                sals[d].text,
                sals[d].line,
                f"{who}: salience on {dim_names[d]!r} (<dSal>)",
                minimum=0,
                maximum=100,
            )
            pairs.append((pos, sal))
        read = [(p, s) for p, s in pairs if p is not None and s is not None]
        if power is None or len(read) != len(pairs):
            continue
        names.append(a_name.text)
        descs.append(dn.text if (dn := actor.first("description")) else "")
        powers.append(power)
        stances.append(read)
        line_of.append(actor.line)
    if not actors_node.all("Actor"):
        problems.add("<Actors> lists no <Actor>", actors_node.line)
    problems.raise_if_any()

    smp = _smp_settings(root, dict(zip(names, unique_ids(names, "actor"), strict=True)), problems)
    problems.raise_if_any()
    doc = ktab_document(
        name.text or stem(file),
        desc.text if desc is not None else None,
        file,
        dim_names,
        names,
        descs,
        powers,
        stances,
    )
    if smp:
        doc["models"] = {"settings": {"smp": smp}}

    def locate(path: tuple):
        if len(path) >= 2 and path[0] == "actors" and isinstance(path[1], int):
            return (line_of[path[1]], None) if path[1] < len(line_of) else None
        return None

    return doc, locate


def _smp_settings(root: Node, actor_id: dict[str, str], problems: ProblemList) -> dict:
    """KTAB's prngSeed, ModelParameters and IdealAdjustment as smp model settings."""
    settings: dict = {}
    seed = root.first("prngSeed")
    if seed is not None and seed.text:
        if seed.text.isdigit() and int(seed.text) < 2**64:
            settings["seed"] = int(seed.text)
        else:
            problems.add(
                f"<prngSeed> must be a whole number below 2^64, got {seed.text!r}", seed.line
            )
    params = root.first("ModelParameters")
    for child in params.children if params is not None else []:
        if child.tag not in MODEL_PARAMETERS:
            problems.add(
                f"<ModelParameters> has an unknown element <{child.tag}>; known: "
                f"{', '.join(MODEL_PARAMETERS)}",
                child.line,
            )
            continue
        key, values = MODEL_PARAMETERS[child.tag]
        if child.text not in values:
            problems.add(
                f"<{child.tag}>: unknown value {child.text!r}; KTAB's values are "
                f"{', '.join(values)}",
                child.line,
            )
            continue
        settings[key] = values[child.text]
    adjust = root.first("IdealAdjustment")
    pairs = []
    for pair in adjust.all("iaPair") if adjust is not None else []:
        fields = {}
        for tag in ("adjustingIdeal", "referencePos", "adjust"):
            node = pair.first(tag)
            if node is None or not node.text:
                problems.add(f"<iaPair> needs a non-empty <{tag}>", pair.line)
            else:
                fields[tag] = node
        if len(fields) < 3:
            continue
        ids = []
        for tag in ("adjustingIdeal", "referencePos"):
            if fields[tag].text not in actor_id:
                problems.add(
                    f"<{tag}> names {fields[tag].text!r}, which is not an actor of this scenario",
                    fields[tag].line,
                )
            ids.append(actor_id.get(fields[tag].text))
        rate = problems.number(
            fields["adjust"].text, fields["adjust"].line, "<iaPair> <adjust>", minimum=0, maximum=1
        )
        if None not in ids and rate is not None:
            pairs.append({"actor": ids[0], "toward": ids[1], "rate": rate})
    if pairs:
        settings["ideal_adjustment"] = pairs
    return settings
