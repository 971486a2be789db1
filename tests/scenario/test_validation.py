"""Bad scenario documents: each kind of mistake gives a message with file, place and line."""

from __future__ import annotations

import textwrap

import pytest

import kingmaker
from kingmaker.errors import ScenarioError

GOOD = textwrap.dedent("""\
    kingmaker: 1
    scenario:
      id: demo
      title: A small demo
      as_of: 2020-06-10
      sources:
        - id: brief
          title: A policy brief
          date: 2020-06-01
        - id: later
          title: A later report
          date: 2021-01-01
          role: outcome
    issues:
      - id: troops
        question: How many troops stay?
        scale: {min: 0, max: 100}
        outcome: {value: 40, source: later}
    actors:
      - id: us
        name: United States
        capability: 10
        issues:
          troops:
            position: 70
            salience:
              value: 0.8
              range: {low: 0.6, high: 0.9}
              evidence:
                - source: brief
                  quote: the troops stay
      - id: iraq
        name: Iraq
        capability: 5
        issues:
          troops: {position: 30, salience: 0.6}
    relations:
      - {from: us, to: iraq, kind: ally, strength: 0.5}
    """)


def load(write, text: str, name: str = "s.yaml"):
    return kingmaker.load_scenario(write(name, text))


def problems(write, text: str, name: str = "s.yaml"):
    with pytest.raises(ScenarioError) as exc:
        load(write, text, name)
    return exc.value.problems


def test_good_document_loads(write):
    sc = load(write, GOOD)
    assert sc.actor("us").issues["troops"].salience.range.high == 0.9
    assert sc.relations[0].from_ == "us"


CASES = [
    # (what, old text, new text, location, line, words); GOOD's lines are numbered from 1
    (
        "typo in a key",
        "        salience:\n          value: 0.8",
        "        salince:\n          value: 0.8",
        "actors[0].issues.troops.salince",
        26,
        ["unknown key 'salince'", "did you mean 'salience'"],
    ),
    (
        "salience in percent",
        "troops: {position: 30, salience: 0.6}",
        "troops: {position: 30, salience: 60}",
        "actors[1].issues.troops.salience",
        36,
        ["0-1 scale", "did you mean 0.6"],
    ),
    (
        "position off the scale",
        "        position: 70",
        "        position: 170",
        "actors[0].issues.troops.position",
        25,
        ["170", "outside the issue's scale 0..100"],
    ),
    (
        "value outside its range",
        "value: 0.8\n",
        "value: 0.95\n",
        "actors[0].issues.troops.salience",
        26,
        ["outside its range"],
    ),
    (
        "range upside down",
        "range: {low: 0.6, high: 0.9}",
        "range: {low: 0.9, high: 0.6}",
        "actors[0].issues.troops.salience.range",
        28,
        ["low (0.9) is above high (0.6)"],
    ),
    (
        "unknown source",
        "- source: brief",
        "- source: brif",
        "actors[0].issues.troops.salience.evidence[0].source",
        30,
        ["unknown source 'brif'", "did you mean 'brief'"],
    ),
    (
        "outcome-only source for an input",
        "- source: brief",
        "- source: later",
        "actors[0].issues.troops.salience.evidence[0].source",
        30,
        ["role 'outcome'"],
    ),
    (
        "stance on an unknown issue",
        "      troops: {position: 30",
        "      troop: {position: 30",
        "actors[1].issues.troop",
        36,
        ["unknown issue 'troop'", "did you mean 'troops'"],
    ),
    (
        "missing capability",
        "    capability: 5\n",
        "",
        "actors[1].issues.troops.capability",
        35,
        ["no capability"],
    ),
    (
        "negative capability",
        "capability: 5",
        "capability: -5",
        "actors[1].capability",
        34,
        ["capability must be >= 0"],
    ),
    (
        "duplicate actor id",
        "  - id: iraq",
        "  - id: us",
        "actors[1].id",
        32,
        ["duplicate actor id 'us'"],
    ),
    (
        "duplicate key",
        "    name: Iraq\n",
        "    name: Iraq\n    name: Irak\n",
        "",
        34,
        ["duplicate key 'name'", "first given on line 33"],
    ),
    (
        "relation to nobody",
        "to: iraq, kind",
        "to: iran, kind",
        "relations[0].to",
        38,
        ["unknown actor 'iran'"],
    ),
    (
        "unknown relation kind",
        "kind: ally",
        "kind: friend",
        "relations[0].kind",
        38,
        ["'patron', 'proxy', 'ally' or 'rival'", "friend"],
    ),
    (
        "strength above 1",
        "strength: 0.5",
        "strength: 1.5",
        "relations[0].strength",
        38,
        ["less than or equal to 1"],
    ),
    ("bad date", "as_of: 2020-06-10", "as_of: June 2020", "scenario.as_of", 5, ["date"]),
    (
        "text where a number belongs",
        "capability: 10",
        "capability: ten",
        "actors[0].capability",
        22,
        ["expected a number", "'ten'"],
    ),
    (
        "boolean where a number belongs",
        "capability: 10",
        "capability: yes",
        "actors[0].capability",
        22,
        ["expected a number", "True"],
    ),
    (
        "outcome off the scale",
        "outcome: {value: 40",
        "outcome: {value: 140",
        "issues[0].outcome.value",
        18,
        ["outside the issue's scale"],
    ),
    (
        "bad scale",
        "scale: {min: 0, max: 100}",
        "scale: {min: 100, max: 0}",
        "issues[0].scale",
        17,
        ["min (100) must be below max (0)"],
    ),
    (
        "missing question",
        "    question: How many troops stay?\n",
        "",
        "issues[0].question",
        15,
        ["required key 'question' is missing"],
    ),
    ("bad id", "  id: demo", "  id: my demo!", "scenario.id", 3, ["an id must"]),
    (
        "unknown model",
        "relations:",
        "models: {default: [compromize]}\nrelations:",
        "models.default[0]",
        37,
        ["unknown model 'compromize'", "did you mean 'compromise'"],
    ),
    (
        "unknown model setting",
        "relations:",
        "models: {settings: {median: {rounds: 3}}}\nrelations:",
        "models.settings.median",
        37,
        ["unknown setting"],
    ),
    ("newer format", "kingmaker: 1", "kingmaker: 2", "kingmaker", 1, ["1"]),
]


@pytest.mark.parametrize("what,old,new,location,line,words", CASES, ids=[c[0] for c in CASES])
def test_mistakes_are_located(write, what, old, new, location, line, words):
    assert old in GOOD, "the case does not apply to the document"
    text = GOOD.replace(old, new, 1)
    found = problems(write, text)
    match = [p for p in found if p.location == location] if location else found
    assert match, f"no problem at {location!r}: {[str(p) for p in found]}"
    p = match[0]
    assert p.file and p.file.endswith("s.yaml")
    assert p.line == line, str(p)
    for word in words:
        assert word in p.message, str(p)


def test_all_problems_reported_at_once(write):
    text = GOOD.replace("position: 70", "position: 170").replace("strength: 0.5", "strength: 2")
    found = problems(write, text)
    # pydantic stops at shape errors; the scale check needs a well-formed document
    assert [p.location for p in found] == ["relations[0].strength"]
    text = GOOD.replace("position: 70", "position: 170").replace("to: iraq", "to: iran")
    found = problems(write, text)
    assert {p.location for p in found} == {"actors[0].issues.troops.position", "relations[0].to"}


@pytest.mark.parametrize(
    "text,words",
    [
        ("", ["empty"]),
        ("- just\n- a list\n", ["expected a mapping at the top", "a list"]),
        ("scenario: [unclosed\n", ["not valid YAML"]),
        ("scenario:\n  id: x\n\tbad: tab\n", ["not valid YAML"]),
    ],
    ids=["empty", "list", "syntax", "tab"],
)
def test_unreadable_yaml(write, text, words):
    with pytest.raises(ScenarioError) as exc:
        load(write, text or "\n")
    msg = exc.value.render()
    for word in words:
        assert word in msg


def test_json_scenarios_are_accepted_and_located(write):
    import json

    import yaml

    doc = yaml.safe_load(GOOD)
    doc["scenario"]["as_of"] = "2020-06-10"
    doc["actors"][0]["issues"]["troops"]["position"] = 170
    path = write("s.json", json.dumps(doc, indent=2, default=str))
    with pytest.raises(ScenarioError) as exc:
        kingmaker.load_scenario(path)
    (p,) = exc.value.problems
    assert p.location == "actors[0].issues.troops.position"
    assert p.line is not None and '"position": 170' in path.read_text().splitlines()[p.line - 1]
    bad = write("bad.json", '{"scenario": {"id": "x",}')
    with pytest.raises(ScenarioError, match="not valid JSON") as exc:
        kingmaker.load_scenario(bad)
    assert exc.value.problems[0].line == 1


def test_input_citing_a_later_source_is_a_warning(write):
    text = GOOD.replace("      date: 2020-06-01", "      date: 2020-06-24")
    sc = load(write, text)
    warnings = kingmaker.scenario_warnings(sc)
    assert any("after the scenario's as_of" in w.message for w in warnings)


LATER_SOURCE = GOOD.replace("      date: 2020-06-01", "      date: 2020-06-24")


@pytest.mark.parametrize(
    "known_by,error,warned",
    [
        (None, None, True),  # no date for the fact: the source's date warns
        ("2020-05", None, False),  # May 2020 ends before as_of (2020-06-10)
        ("2020-06-10", None, False),  # the day itself is known by as_of
        ("2020-06-11", "may be after the scenario's as_of", False),
        ("2020-06", "may be after the scenario's as_of", False),  # June may end after as_of
        ("2020-07-01", "after the date of source 'brief'", False),  # later than the document
    ],
    ids=["none", "month-before", "same-day", "day-after", "ambiguous-month", "after-source"],
)
def test_known_by_dates_what_a_later_source_reports(write, known_by, error, warned):
    text = LATER_SOURCE
    if known_by is not None:
        text = text.replace(
            "quote: the troops stay", f"quote: the troops stay\n              known_by: {known_by}"
        )
    if error is not None:
        found = problems(write, text)
        assert {p.location for p in found} == {
            "actors[0].issues.troops.salience.evidence[0].known_by"
        }
        assert any(error in p.message for p in found), [p.message for p in found]
        return
    sc = load(write, text)
    warnings = kingmaker.scenario_warnings(sc)
    assert any("after the scenario's as_of" in w.message for w in warnings) is warned


INTERVENTIONS = """\
interventions:
  - id: lever
    name: A lever
    actor: us
    changes:
      - {op: shift, actor: iraq, issue: troops, parameter: position, by: -10}
      - op: add_actor
        actor:
          id: pmf
          name: PMF
          capability: 2
          issues: {troops: {position: 0, salience: 1}}
      - {op: set, actor: pmf, issue: troops, parameter: salience, to: 0.9}
      - {op: relation, from: us, to: pmf, kind: rival, strength: 0.7}
      - {op: remove_actor, actor: pmf}
"""


def test_interventions_validate(write):
    sc = load(write, GOOD + INTERVENTIONS)
    lever = sc.intervention("lever")
    assert [c.op for c in lever.changes] == [
        "shift",
        "add_actor",
        "set",
        "relation",
        "remove_actor",
    ]


@pytest.mark.parametrize(
    "old,new,location,words",
    [
        (
            "actor: iraq, issue",
            "actor: irak, issue",
            "interventions[0].changes[0].actor",
            ["unknown actor 'irak'"],
        ),
        (
            "issue: troops, parameter: position, by",
            "issue: tropps, parameter: position, by",
            "interventions[0].changes[0].issue",
            ["unknown issue"],
        ),
        (
            "parameter: salience, to: 0.9",
            "parameter: salience, to: 9",
            "interventions[0].changes[2].to",
            ["0-1 scale"],
        ),
        ("{op: shift,", "{op: nudge,", "interventions[0].changes[0]", ["unknown op 'nudge'"]),
        (", by: -10}", ", to: -10}", "interventions[0].changes[0].to", ["unknown key 'to'"]),
        (
            "{op: remove_actor, actor: pmf}",
            "{op: remove_actor, actor: pmf}\n"
            "      - {op: shift, actor: pmf, parameter: position, by: 1}",
            "interventions[0].changes[5].actor",
            ["unknown actor 'pmf'"],
        ),
    ],
    ids=["actor", "issue", "salience", "op", "key", "removed-actor"],
)
def test_intervention_mistakes(write, old, new, location, words):
    text = GOOD + INTERVENTIONS.replace(old, new)
    found = problems(write, text)
    match = [p for p in found if p.location == location]
    assert match, [str(p) for p in found]
    for word in words:
        assert word in match[0].message


def test_merge_keys_share_a_block_and_explicit_keys_override(write):
    """Analysts write `<<: *base` to share numbers; YAML's merge is honoured, not refused."""
    text = GOOD.replace(
        "    capability: 5\n    issues:\n      troops: {position: 30, salience: 0.6}",
        "    capability: 5\n    issues:\n      troops:\n        <<: *troops\n        position: 30",
    ).replace(
        "      troops:\n        position: 70",
        "      troops: &troops\n        position: 70",
    )
    scenario = load(write, text)
    iraq, us = scenario.actor("iraq"), scenario.actor("us")
    assert iraq.issues["troops"].position.value == 30  # explicit key wins over the merge
    assert iraq.issues["troops"].salience.value == us.issues["troops"].salience.value == 0.8
    assert iraq.issues["troops"].salience.range == us.issues["troops"].salience.range


def test_a_duplicate_beside_a_merge_is_still_refused(write):
    text = GOOD.replace(
        "    capability: 5\n    issues:\n      troops: {position: 30, salience: 0.6}",
        "    capability: 5\n    issues:\n      troops:\n"
        "        <<: *troops\n        position: 30\n        position: 31",
    ).replace(
        "      troops:\n        position: 70",
        "      troops: &troops\n        position: 70",
    )
    assert "duplicate key 'position'" in str(problems(write, text)[0])


def test_actors_that_all_fail_are_reported_one_by_one_not_as_an_empty_list(write):
    text = GOOD.replace("troops: {position: 30, salience: 0.6}", "troops: {position: 30}")
    text = text.replace("        position: 70\n", "")
    found = problems(write, text)
    assert [p.location for p in found] == [
        "actors[0].issues.troops.position",
        "actors[1].issues.troops.salience",
    ], found
    assert not any("must not be empty" in p.message for p in found)
