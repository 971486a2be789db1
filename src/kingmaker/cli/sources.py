"""`kingmaker sources`: documents beside a scenario, their actors and their dates."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import ListFormat, ReportFormat, app, load_source, out

sources_app = typer.Typer(
    help="Read documents into a scenario's sources; actors and dates found in them.",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")

ScenarioReq = Annotated[str, typer.Argument(help="A scenario file or embedded scenario name.")]


@sources_app.command("add")
def sources_add(
    scenario: ScenarioReq,
    files: Annotated[list[Path], typer.Argument(help="HTML, PDF, DOCX, text or Markdown.")],
    title: Annotated[str | None, typer.Option("--title")] = None,
    author: Annotated[str | None, typer.Option("--author")] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a stored source.")] = False,
    register: Annotated[
        bool,
        typer.Option(
            "--register/--no-register",
            help="Add the sources to the scenario file's `sources:` so evidence can cite them.",
        ),
    ] = True,
) -> None:
    """Read documents, keep their main text and metadata beside the scenario (originals kept)
    and register them in the scenario file's sources (comments and order kept)."""
    from ..sources.store import add_sources

    sc = load_source(scenario, None)
    overrides = {"title": title, "author": author, "date": date, "url": url}
    stored = add_sources(sc, list(files), overrides=overrides, overwrite=force, register=register)
    for s in stored:
        out.print(
            f"stored [bold]{s.id}[/bold] ({s.kind}): {s.title or 'no title'}"
            f"{' by ' + s.author if s.author else ''}{', ' + s.date if s.date else ''}"
            f"{' (' + s.url + ')' if s.url else ''}",
            soft_wrap=True,
        )
    if register and stored:
        before = {s.id for s in sc.scenario.sources}
        for label, ids in (
            (f"registered in {sc.origin}", [s.id for s in stored if s.id not in before]),
            ("already registered (entry left as it is)", [s.id for s in stored if s.id in before]),
        ):
            if ids:
                out.print(f"{label}: {', '.join(ids)}", soft_wrap=True, markup=False)


@sources_app.command("list")
def sources_list(scenario: ScenarioReq) -> None:
    """The scenario's sources with a text, registered or stored beside it."""
    from ..sources.store import list_sources

    for s in list_sources(load_source(scenario, None)):
        where = "registered" if s.registered else "stored, not yet registered in the scenario"
        head = f"[bold]{s.id}[/bold]  {s.date or 'undated'}  {s.title or 'no title'}"
        out.print(head, soft_wrap=True)
        detail = f"{s.author + ', ' if s.author else ''}text {s.text_file}"
        detail += f", original {s.raw_file}" if s.raw_file else ""
        out.print(f"    {detail} ({where})", soft_wrap=True, markup=False)


@sources_app.command("show")
def sources_show(
    scenario: ScenarioReq,
    source: Annotated[str, typer.Argument(help="A source id (see `sources list`).")],
    raw: Annotated[bool, typer.Option("--raw", help="The original, not the cleaned text.")] = False,
) -> None:
    """Print a source's cleaned text (or, with --raw, the original as captured)."""
    from ..errors import KingmakerError, unknown_name
    from ..scenario.text import read_text
    from ..sources.store import list_sources, scenario_texts

    sc = load_source(scenario, None)
    known = {s.id: s for s in list_sources(sc)}
    if source not in known:
        raise KingmakerError(unknown_name("source", source, known))
    if raw:
        s = known[source]
        base = Path(sc.origin).parent
        rel = s.raw_file or s.text_file
        path = base / rel if s.registered else base / "sources" / rel
        sys.stdout.write(read_text(path))
    else:
        sys.stdout.write(scenario_texts(sc)[source])


@sources_app.command("mentions")
def sources_mentions(
    scenario: ScenarioReq,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.table,
    sentences: Annotated[int, typer.Option("--sentences", help="Sentences shown per actor.")] = 2,
) -> None:
    """Per actor and source: how often it is named, and where; actors never named; frequent
    names that are no actor (candidate missing stakeholders)."""
    from ..sources.mentions import find_mentions
    from ..sources.store import scenario_texts

    sc = load_source(scenario, None)
    report = find_mentions(sc, scenario_texts(sc), actor=actor)
    if output_format is ReportFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    for a, per in report.mentions.items():
        total = sum(m.count for m in per.values())
        counts = ", ".join(f"{s} {m.count}" for s, m in per.items()) or "never mentioned"
        out.print(f"[bold]{a}[/bold]: {total} ({counts})", soft_wrap=True)
        shown = [x for m in per.values() for x in m.sentences][:sentences]
        for x in shown:
            out.print(f"    {x}", soft_wrap=True, markup=False)
    if report.never_mentioned:
        out.print(
            f"[yellow]never mentioned in any source:[/yellow] {', '.join(report.never_mentioned)}",
            soft_wrap=True,
        )
    if report.candidates:
        out.print("[yellow]frequent names that are no actor (missing stakeholders?):[/yellow]")
        for c in report.candidates[:15]:
            out.print(f"    {c.name}: {c.count} ({', '.join(c.sources)})", markup=False)


@sources_app.command("timeline")
def sources_timeline(
    scenario: ScenarioReq,
    output_format: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
) -> None:
    """The dated events of the sources, sorted; those after the scenario's as_of flagged."""
    from ..sources.mentions import MentionIndex, actor_names
    from ..sources.store import scenario_texts, source_dates
    from ..sources.timeline import build_timeline

    sc = load_source(scenario, None)
    events = build_timeline(
        scenario_texts(sc),
        source_dates(sc),
        index=MentionIndex(actor_names(sc)),
        as_of=sc.scenario.as_of,
    )
    if output_format is ListFormat.json:
        doc = {"as_of": str(sc.scenario.as_of or ""), "events": [e.to_dict() for e in events]}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    if output_format is ListFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(
            ["date", "source", "actors", "words", "relative", "after_as_of", "sentence", "year"]
        )
        for e in events:
            w.writerow([e.date, e.source, " ".join(e.actors), e.words, e.relative,
                        e.after_as_of, e.sentence, e.year])  # fmt: skip
        sys.stdout.write(buf.getvalue())
        return
    from rich.table import Table

    table = Table(title=f"as of {sc.scenario.as_of or 'unknown'}", title_justify="left")
    for col, width in (("Date", 12), ("Source", 12), ("Actors", 18), ("Sentence", 70)):
        table.add_column(col, overflow="fold", max_width=width)
    for e in events:
        flag = " [red](after as_of)[/red]" if e.after_as_of else ""
        if e.year == "unknown":
            flag += " [yellow](year unknown)[/yellow]"
        elif e.year == "inferred" and not e.relative:
            flag += " (year inferred)"
        table.add_row(e.date + flag, e.source, ", ".join(e.actors), e.sentence)
    out.print(table)


@sources_app.command("draft")
def sources_draft(
    files: Annotated[list[Path], typer.Argument(help="HTML, PDF, DOCX, text or Markdown.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The draft scenario (YAML).")],
    scenario_id: Annotated[str, typer.Option("--id", help="The draft's scenario id.")] = "draft",
    force: Annotated[bool, typer.Option("--force", help="Replace the output file.")] = False,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="An existing scenario (file or embedded name): names that are already its "
            "actors' names or aliases are not proposed as new actors.",
        ),
    ] = None,
) -> None:
    """A draft scenario from documents alone: actors, aliases, timeline, stance sentences;
    every number left for the analyst (`kingmaker validate` lists them). Regions and other
    geographic terms are never proposed as actors."""
    from ..files import write_atomic
    from ..sources.draft import draft_scenario
    from ..sources.mentions import actor_names
    from .common import output_path

    path = output_path(output, force)
    known = actor_names(load_source(scenario, None)) if scenario else None
    text = draft_scenario(list(files), scenario_id=scenario_id, known_actors=known)
    write_atomic(path, text, overwrite=force)
    n = text.count("\n  - id: ") - 1
    out.print(f"wrote {path}: {n} actors found; every number is left to fill (TO FILL)")
