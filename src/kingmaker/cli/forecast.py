"""`kingmaker forecast`: every model's forecast of every issue, and what it means."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from .common import (
    InputFormatOpt,
    OutputFormat,
    ScenarioArg,
    app,
    decimals_for,
    fmt,
    load_source,
    out,
    parse_settings,
)


@app.command()
def forecast(
    scenario: ScenarioArg = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model to run (repeatable); `NAME:VARIANT` picks a "
            "variant. Default: the scenario's default models. See `kingmaker models`.",
        ),
    ] = None,
    variant: Annotated[
        str | None, typer.Option(help="Variant for the models that have it.")
    ] = None,
    rounds: Annotated[
        int | None, typer.Option(min=0, help="Rounds for models that run in rounds.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed for models that draw random numbers.")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A model setting, MODEL.SETTING=VALUE (repeatable)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
    input_format: InputFormatOpt = None,
) -> None:
    """Forecast each issue's outcome with one or more models."""
    from ..analysis.forecast import forecast as run_forecast

    sc = load_source(scenario, input_format)
    result = run_forecast(
        sc, model, variant=variant, rounds=rounds, seed=seed, settings=parse_settings(set_)
    )
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
    elif output_format is OutputFormat.csv:
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        _print_forecast(sc, result)


def _run_label(run) -> str:
    """A model's column label: its name, and its variant when it has one."""
    return run.model + (f":{run.variant}" if run.variant else "")


def _forecast_tables(sc, result, title: str, shared_scale: str | None):
    """Three layouts of the same numbers, widest first: issues x models, models x issues, long."""
    from rich import box

    def scale_text(issue) -> str:
        unit = f" {issue.scale.unit}" if issue.scale.unit else ""
        return f"{issue.scale.min:g}-{issue.scale.max:g}{unit}"

    def number(issue, x) -> str:
        return fmt(x, decimals_for(issue.scale.min, issue.scale.max))

    def observed(issue) -> float | None:
        return issue.outcome.value if issue.outcome else None

    def new_table() -> Table:
        return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)

    wide = new_table()
    wide.add_column("Issue", no_wrap=True, style="bold")
    if shared_scale is None:
        wide.add_column("Scale", justify="right", no_wrap=True)
    for run in result.runs:
        wide.add_column(_run_label(run).replace(":", "\n"), justify="right", no_wrap=True)
    wide.add_column("Observed", justify="right", style="bold", no_wrap=True)
    for issue in sc.issues:
        cells = [issue.id] + ([] if shared_scale else [scale_text(issue)])
        cells += [number(issue, run.issue(issue.id).forecast) for run in result.runs]
        wide.add_row(*cells, number(issue, observed(issue)))
    yield wide

    tall = new_table()
    tall.add_column("Model", no_wrap=True, style="bold")
    for issue in sc.issues:
        tall.add_column(issue.id, justify="right", no_wrap=True)
    for run in result.runs:
        tall.add_row(_run_label(run), *[number(i, run.issue(i.id).forecast) for i in sc.issues])
    tall.add_row("observed", *[number(i, observed(i)) for i in sc.issues], style="bold")
    yield tall

    long = new_table()
    for name in ("Issue", "Model", "Forecast", "Observed"):
        long.add_column(name, justify="left" if name in ("Issue", "Model") else "right")
    for issue in sc.issues:
        for k, run in enumerate(result.runs):
            long.add_row(
                issue.id if k == 0 else "",
                _run_label(run),
                number(issue, run.issue(issue.id).forecast),
                number(issue, observed(issue)) if k == 0 else "",
            )
    yield long


def _print_forecast(sc, result) -> None:
    scales = {(i.scale.min, i.scale.max, i.scale.unit) for i in sc.issues}
    shared = None
    if len(scales) == 1:
        lo, hi, unit = scales.pop()
        shared = f"{lo:g}-{hi:g}" + (f" {unit}" if unit else "")
    title = f"{sc.scenario.title}  [dim]({sc.id}"
    title += f"; every issue on {shared})[/dim]" if shared else ")[/dim]"
    for table in _forecast_tables(sc, result, title, shared):
        natural = out.measure(table, options=out.options.update(max_width=10_000)).maximum
        if natural <= out.width:
            break
    out.print(table)
    dynamic = []
    for run in result.runs:
        rounds = [run.issue(i).rounds for i in sc.issue_ids]
        if any(rounds):
            counts = str(rounds[0]) if len(set(rounds)) == 1 else "/".join(map(str, rounds))
            dynamic.append(f"{_run_label(run)} {counts}")
    if dynamic:
        out.print(f"[dim]Rounds run: {'; '.join(dynamic)}[/dim]", soft_wrap=True)
    _print_meanings(sc, result)


def _print_meanings(sc, result) -> None:
    """Each issue's question and, in words, what each forecast means: the nearest labelled
    point of the issue's scale."""
    lines: list[str] = []
    for issue in sc.issues:
        lines.append(f"[bold]{issue.id}[/bold]  [dim]{issue.question}[/dim]")
        if not issue.scale.anchors:
            continue
        d = decimals_for(issue.scale.min, issue.scale.max)
        points = [(_run_label(run), run.issue(issue.id).forecast) for run in result.runs]
        if issue.outcome is not None:
            points.append(("observed", issue.outcome.value))
        by_anchor: dict[float, list[str]] = {}
        for name, x in points:
            anchor = issue.scale.nearest_anchor(x)
            if anchor is not None:
                by_anchor.setdefault(anchor.value, []).append(f"{name} {fmt(x, d)}")
        for anchor in sorted(issue.scale.anchors, key=lambda a: a.value):
            if anchor.value in by_anchor:
                lines.append(f"  [bold]~{anchor.value:g}[/bold]  {anchor.label}")
                lines.append(f"        [dim]{', '.join(by_anchor[anchor.value])}[/dim]")
    if any(issue.scale.anchors for issue in sc.issues):
        out.print("\nWhat the forecasts mean (nearest labelled point of each scale):")
    else:
        out.print()
    for line in lines:
        out.print(line, soft_wrap=True)
