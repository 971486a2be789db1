"""`kingmaker evidence check`: every quote against its source's text."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from .common import (
    InputFormatOpt,
    ReportFormat,
    ScenarioArg,
    app,
    load_source,
    out,
)

evidence_app = typer.Typer(
    help="Audit a scenario's evidence against its sources' texts.", no_args_is_help=True
)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("check")
def evidence_check(
    scenario: ScenarioArg = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")
    ] = ReportFormat.table,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Also fail (exit 1) when a number has neither evidence nor judgement."
        ),
    ] = False,
    input_format: InputFormatOpt = None,
) -> None:
    """Check every quote against its source's text; list unsourced numbers and uncited sources.

    Exits with 1 when a quote is not found in its source (or a source's text file cannot be
    read), 2 when the scenario is invalid.
    """
    from ..scenario.evidence import check_evidence

    sc = load_source(scenario, input_format)
    report = check_evidence(sc)
    if output_format is ReportFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_evidence(sc, report)
    raise typer.Exit(report.exit_code(strict))


def _print_evidence(sc, report) -> None:
    from rich.table import Table

    s = report.to_dict()["summary"]
    out.print(f"[bold]{sc.scenario.title}[/bold]  [dim]({sc.id})[/dim]")
    out.print(
        f"{s['numbers']} numbers, {s['evidence']} evidence items, {s['quotes']} quotes: "
        f"[green]{s['found']} found[/green], "
        + (f"[red]{s['missing']} missing[/red]" if s["missing"] else "0 missing")
        + f", {s['unverifiable']} unverifiable",
        soft_wrap=True,
    )
    if report.missing:
        table = Table(title="Quotes not found in their source", title_justify="left")
        columns = (("Where", 30), ("Source", 14), ("Not found", 40), ("Closest passage", 40))
        for col, width in columns:
            table.add_column(col, overflow="fold", max_width=width)
        for q in report.missing:
            table.add_row(
                q.location,
                q.source,
                q.missing_part or q.quote,
                f"{q.closest}\n[dim]{q.similarity:g}% similar[/dim]",
            )
        out.print(table)
    for u in report.unreadable_sources:
        out.print(f"[red]source {u.source}:[/red] {u.file}: {u.message}", soft_wrap=True)
    if report.unverifiable:
        table = Table(
            title="Unverifiable quotes (no source text to check against)", title_justify="left"
        )
        for col, width in (("Where", 40), ("Source", 14), ("Why", 30)):
            table.add_column(col, overflow="fold", max_width=width)
        for q in report.unverifiable:
            table.add_row(q.location, q.source, q.reason or "")
        out.print(table)
    if report.unsourced:
        out.print(
            f"[yellow]{len(report.unsourced)} number(s) with neither evidence nor "
            "judgement:[/yellow]"
        )
        shown = 20
        for where in report.unsourced[:shown]:
            out.print(f"  {where}", soft_wrap=True, markup=False)
        if len(report.unsourced) > shown:
            out.print(f"  ... and {len(report.unsourced) - shown} more (all with --format json)")
    if report.uncited_sources:
        out.print(
            f"[yellow]sources never cited:[/yellow] {', '.join(report.uncited_sources)}",
            soft_wrap=True,
        )
    if report.passed:
        out.print(
            f"[green]passed[/green]: every checkable quote is in its source "
            f"({', '.join(report.sources_with_text) or 'no source has a text file'})",
            soft_wrap=True,
        )
    else:
        n = len(report.missing) + len(report.unreadable_sources)
        out.print(f"[red]failed[/red]: {n} problem(s) with quotes or source texts")


@evidence_app.command("suggest")
def evidence_suggest(
    scenario: ScenarioArg = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Only this issue.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Sentences per number.")] = 3,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")
    ] = ReportFormat.table,
    input_format: InputFormatOpt = None,
) -> None:
    """For each number backed only by a judgement, the source sentences most likely to support
    it (sentences naming the actor, ranked by BM25 against the issue's terms)."""
    from ..sources.store import scenario_texts
    from ..sources.suggest import suggest_evidence

    sc = load_source(scenario, input_format)
    found = suggest_evidence(sc, scenario_texts(sc), actor=actor, issue=issue, k=top)
    if output_format is ReportFormat.json:
        doc = [s.to_dict() for s in found]
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    if not found:
        out.print("no number is backed by a judgement alone")
    for s in found:
        out.print(f"[bold]{s.location}[/bold]  [dim]judgement: {s.judgement}[/dim]", soft_wrap=True)
        if not s.sentences:
            out.print("    (no source sentence names this actor on these terms)")
        for source, sentence, score in s.sentences:
            out.print(f"    [{source}, {score:.2f}] {sentence}", soft_wrap=True, markup=False)
