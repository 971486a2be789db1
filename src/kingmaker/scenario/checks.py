"""Checks that span a whole scenario: ids that must exist, numbers that must sit on a scale.

Pydantic checks each part of a document on its own; these checks need the whole. Each returns
:class:`~kingmaker.errors.Problem` records whose ``location`` is a path into the document
(``actors[3].issues.troops.position``), so that the loader can add the file and the line.
Errors make a scenario invalid; warnings are printed by ``kingmaker validate`` but do not stop
anything.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections import Counter
from collections.abc import Iterable, Iterator

from ..errors import unknown_name
from .schema import (
    Actor,
    AddActor,
    Evidence,
    Quantity,
    RemoveActor,
    ScaleParameter,
    Scenario,
    SetParameter,
    SetRelation,
    ShiftParameter,
)

Path = tuple[str | int, ...]


def format_location(path: Iterable[str | int]) -> str:
    """``("actors", 3, "issues", "troops")`` -> ``actors[3].issues.troops``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _p(message: str, path: Path) -> tuple[Path, str]:
    return (path, message)


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(ids).items() if n > 1}


def _evidence_items(scenario: Scenario) -> Iterator[tuple[Path, Evidence, bool]]:
    """Every evidence item with its path and whether it justifies an *input* number."""

    def quantity(q: Quantity | None, path: Path, is_input: bool = True):
        if q is None:
            return
        for k, ev in enumerate(q.evidence):
            yield path + ("evidence", k), ev, is_input

    for i, issue in enumerate(scenario.issues):
        yield from quantity(issue.status_quo, ("issues", i, "status_quo"))
        if issue.outcome is not None:
            base: Path = ("issues", i, "outcome")
            for k, ev in enumerate(issue.outcome.evidence):
                yield base + ("evidence", k), ev, False
            for j, obs in enumerate(issue.outcome.observations):
                for k, ev in enumerate(obs.evidence):
                    yield base + ("observations", j, "evidence", k), ev, False
    for a, actor in enumerate(scenario.actors):
        yield from quantity(actor.capability, ("actors", a, "capability"))
        for issue_id, stance in actor.issues.items():
            base = ("actors", a, "issues", issue_id)
            yield from quantity(stance.position, base + ("position",))
            yield from quantity(stance.salience, base + ("salience",))
            yield from quantity(stance.capability, base + ("capability",))
    for r, rel in enumerate(scenario.relations):
        for k, ev in enumerate(rel.evidence):
            yield ("relations", r, "evidence", k), ev, True
    for v, iv in enumerate(scenario.interventions):
        for k, ev in enumerate(iv.evidence):
            yield ("interventions", v, "evidence", k), ev, True
        for c, change in enumerate(iv.changes):
            if isinstance(change, AddActor):
                base = ("interventions", v, "changes", c, "actor")
                yield from quantity(change.actor.capability, base + ("capability",))
                for issue_id, stance in change.actor.issues.items():
                    spath = base + ("issues", issue_id)
                    yield from quantity(stance.position, spath + ("position",))
                    yield from quantity(stance.salience, spath + ("salience",))
                    yield from quantity(stance.capability, spath + ("capability",))


def first_day(date: str) -> _dt.date:
    """Earliest day a partial date (YYYY, YYYY-MM, YYYY-MM-DD) can mean."""
    parts = [int(p) for p in date.split("-")]
    return _dt.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))


def last_day(date: str) -> _dt.date:
    """Latest day a partial date can mean: ``2020-06`` -> 2020-06-30, ``2019`` -> 2019-12-31."""
    parts = [int(p) for p in date.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return _dt.date(year, month, day)


def evidence_items(scenario: Scenario) -> Iterator[tuple[str, Evidence, bool]]:
    """Public form of the evidence walk: (location, evidence, justifies an input number)."""
    for path, ev, is_input in _evidence_items(scenario):
        yield format_location(path), ev, is_input


def numbers(scenario: Scenario) -> Iterator[tuple[str, Quantity]]:
    """Every input number of the scenario with its location (for evidence audits).

    Includes the numbers of actors that interventions bring to the table.
    """

    def actor_numbers(actor: Actor, base: Path) -> Iterator[tuple[str, Quantity]]:
        if actor.capability is not None:
            yield format_location(base + ("capability",)), actor.capability
        for issue_id, stance in actor.issues.items():
            spath = base + ("issues", issue_id)
            yield format_location(spath + ("position",)), stance.position
            yield format_location(spath + ("salience",)), stance.salience
            if stance.capability is not None:
                yield format_location(spath + ("capability",)), stance.capability

    for i, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            yield format_location(("issues", i, "status_quo")), issue.status_quo
    for a, actor in enumerate(scenario.actors):
        yield from actor_numbers(actor, ("actors", a))
    for v, iv in enumerate(scenario.interventions):
        for c, change in enumerate(iv.changes):
            if isinstance(change, AddActor):
                yield from actor_numbers(change.actor, ("interventions", v, "changes", c, "actor"))


def find_problems(scenario: Scenario) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Return ``(errors, warnings)``, each a list of (path, message)."""
    errors: list[tuple[Path, str]] = []
    warnings: list[tuple[Path, str]] = []

    issues = {issue.id: issue for issue in scenario.issues}
    actor_ids = [a.id for a in scenario.actors]
    sources = {s.id: s for s in scenario.scenario.sources}

    for kind, ids, field in (
        ("issue", [i.id for i in scenario.issues], "issues"),
        ("actor", actor_ids, "actors"),
        ("source", [s.id for s in scenario.scenario.sources], "scenario.sources"),
        ("intervention", [v.id for v in scenario.interventions], "interventions"),
    ):
        for dup in sorted(_duplicates(ids)):
            index = ids.index(dup, ids.index(dup) + 1)
            path: Path = tuple(field.split(".")) + (index, "id")
            errors.append(_p(f"duplicate {kind} id {dup!r}", path))

    # --- issues: status quo and outcome on the scale, outcome sources known
    for i, issue in enumerate(scenario.issues):
        sc = issue.scale
        if issue.status_quo is not None:
            _on_scale(issue.status_quo, sc, ("issues", i, "status_quo"), "status quo", errors)
        out = issue.outcome
        if out is not None:
            where: Path = ("issues", i, "outcome")
            if not sc.contains(out.value):
                errors.append(_p(_off_scale("outcome", out.value, sc), where + ("value",)))
            if out.range is not None and not (
                sc.contains(out.range.low) and sc.contains(out.range.high)
            ):
                errors.append(_p(_off_scale("outcome range", out.range.low, sc), where))
            if out.source is not None and out.source not in sources:
                errors.append(_p(unknown_name("source", out.source, sources), where + ("source",)))
            for j, obs in enumerate(out.observations):
                if not sc.contains(obs.value):
                    errors.append(
                        _p(
                            _off_scale("observation", obs.value, sc),
                            where + ("observations", j, "value"),
                        )
                    )

    # --- actors: stances on declared issues, on the scale, with a capability
    for a, actor in enumerate(scenario.actors):
        if not actor.issues:
            warnings.append(_p(f"actor {actor.id!r} has no position on any issue", ("actors", a)))
        for issue_id, stance in actor.issues.items():
            base: Path = ("actors", a, "issues", issue_id)
            declared = issues.get(issue_id)
            if declared is None:
                errors.append(_p(unknown_name("issue", issue_id, issues), base))
                continue
            _on_scale(stance.position, declared.scale, base + ("position",), "position", errors)
            if stance.capability is None and actor.capability is None:
                errors.append(
                    _p(
                        "no capability: give the actor a `capability` or this stance one",
                        base + ("capability",),
                    )
                )
    for i, issue in enumerate(scenario.issues):
        if not any(issue.id in actor.issues for actor in scenario.actors):
            errors.append(_p(f"no actor has a position on issue {issue.id!r}", ("issues", i)))

    # --- evidence cites registered sources; inputs do not cite outcome-only documents
    as_of = scenario.scenario.as_of
    for path, ev, is_input in _evidence_items(scenario):
        src = sources.get(ev.source)
        if src is None:
            errors.append(_p(unknown_name("source", ev.source, sources), path + ("source",)))
            continue
        if (
            ev.known_by is not None
            and src.date is not None
            and (first_day(ev.known_by) > last_day(src.date))
        ):
            errors.append(
                _p(
                    f"known_by {ev.known_by} is after the date of source {src.id!r} "
                    f"({src.date}): a document cannot report what became known later",
                    path + ("known_by",),
                )
            )
        if not is_input:
            continue
        if src.role == "outcome":
            errors.append(
                _p(
                    f"source {src.id!r} is registered with role 'outcome' (it postdates the "
                    "scenario); it may support observed outcomes, not input numbers",
                    path + ("source",),
                )
            )
        elif as_of is not None and ev.known_by is not None:
            if last_day(ev.known_by) > as_of:
                errors.append(
                    _p(
                        f"known_by {ev.known_by} may be after the scenario's as_of "
                        f"{as_of.isoformat()}: what was not yet known cannot justify an input "
                        "number (give a full date if it is earlier)",
                        path + ("known_by",),
                    )
                )
        elif as_of is not None and src.date is not None and src.date[:10] > as_of.isoformat():
            warnings.append(
                _p(
                    f"source {src.id!r} is dated {src.date}, after the scenario's as_of "
                    f"{as_of.isoformat()}: make sure it only reports what was known by then "
                    "(say so with the evidence's known_by)",
                    path + ("source",),
                )
            )

    # --- relations
    seen_rel: set[tuple[str, str, str]] = set()
    for r, rel in enumerate(scenario.relations):
        base = ("relations", r)
        for end, field in ((rel.from_, "from"), (rel.to, "to")):
            if end not in actor_ids:
                errors.append(_p(unknown_name("actor", end, actor_ids), base + (field,)))
        if rel.from_ == rel.to:
            errors.append(_p(f"a relation links two different actors, got {rel.to!r} twice", base))
        for k, issue_id in enumerate(rel.issues):
            if issue_id not in issues:
                errors.append(_p(unknown_name("issue", issue_id, issues), base + ("issues", k)))
        key = (rel.from_, rel.to, rel.kind)
        if key in seen_rel:
            errors.append(_p(f"relation {rel.from_} -{rel.kind}-> {rel.to} is given twice", base))
        seen_rel.add(key)

    # --- interventions refer to actors and issues that exist at that point
    for v, iv in enumerate(scenario.interventions):
        base = ("interventions", v)
        if iv.actor is not None and iv.actor not in actor_ids:
            errors.append(_p(unknown_name("actor", iv.actor, actor_ids), base + ("actor",)))
        present = set(actor_ids)
        for c, change in enumerate(iv.changes):
            cpath: Path = base + ("changes", c)
            if isinstance(change, AddActor):
                new = change.actor
                if new.id in present:
                    errors.append(
                        _p(f"actor {new.id!r} is already in the scenario", cpath + ("actor", "id"))
                    )
                for issue_id, stance in new.issues.items():
                    spath = cpath + ("actor", "issues", issue_id)
                    if issue_id not in issues:
                        errors.append(_p(unknown_name("issue", issue_id, issues), spath))
                        continue
                    _on_scale(
                        stance.position,
                        issues[issue_id].scale,
                        spath + ("position",),
                        "position",
                        errors,
                    )
                    if stance.capability is None and new.capability is None:
                        errors.append(_p("no capability for the new actor", spath))
                present.add(new.id)
            elif isinstance(change, RemoveActor):
                if change.actor not in present:
                    errors.append(
                        _p(unknown_name("actor", change.actor, present), cpath + ("actor",))
                    )
                present.discard(change.actor)
            elif isinstance(change, SetRelation):
                for end, field in ((change.from_, "from"), (change.to, "to")):
                    if end not in present:
                        errors.append(_p(unknown_name("actor", end, present), cpath + (field,)))
            elif isinstance(change, (SetParameter, ShiftParameter, ScaleParameter)):
                if change.actor not in present:
                    errors.append(
                        _p(unknown_name("actor", change.actor, present), cpath + ("actor",))
                    )
                if change.issue is not None and change.issue not in issues:
                    errors.append(
                        _p(unknown_name("issue", change.issue, issues), cpath + ("issue",))
                    )
                if isinstance(change, SetParameter):
                    msg = _bad_target(change, issues)
                    if msg:
                        errors.append(_p(msg, cpath + ("to",)))
    return errors, warnings


def _bad_target(change: SetParameter, issues: dict) -> str | None:
    if change.parameter == "salience" and not 0 <= change.to <= 1:
        return f"salience is on a 0-1 scale, got {change.to:g}"
    if change.parameter == "capability" and change.to < 0:
        return f"capability must be >= 0, got {change.to:g}"
    if change.parameter == "position" and change.issue in issues:
        sc = issues[change.issue].scale
        if not sc.contains(change.to):
            return _off_scale("position", change.to, sc)
    return None


def _on_scale(q: Quantity, scale, path: Path, what: str, errors: list) -> None:
    for value, suffix in ((q.value, ()), (q.low, ("range", "low")), (q.high, ("range", "high"))):
        if not scale.contains(value):
            errors.append(_p(_off_scale(what, value, scale), path + (suffix or ())))
            return


def _off_scale(what: str, value: float, scale) -> str:
    return f"{what} {value:g} is outside the issue's scale {scale.min:g}..{scale.max:g}"
