"""Commands about scenarios and models: validate, scenarios, convert, models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    InputFormatOpt,
    app,
    err,
    load_source,
    out,
    output_path,
)


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or embedded scenario name.")],
    input_format: InputFormatOpt = None,
) -> None:
    """Check a scenario file; every problem is listed with its place in the file."""
    from ..scenario.document import scenario_warnings

    sc = load_source(scenario, input_format)
    warnings = scenario_warnings(sc, scenario)
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", soft_wrap=True)
    n_sources = len(sc.scenario.sources)
    out.print(
        f"[green]valid[/green]: {sc.id} - {len(sc.actors)} actors, {len(sc.issues)} "
        f"issues, {len(sc.relations)} relations, {n_sources} sources"
        + (f", {len(warnings)} warning(s)" if warnings else "")
    )


@app.command()
def scenarios() -> None:
    """List the scenarios embedded in Kingmaker."""
    from rich.table import Table

    from ..analysis.inputs import load_scenario
    from ..scenario import DEFAULT_SCENARIO, embedded_names

    table = Table(title="Embedded scenarios", title_justify="left")
    for col in ("Name", "Title", "Actors", "Issues"):
        table.add_column(col)
    for name in embedded_names():
        sc = load_scenario(name)
        mark = " [dim](default)[/dim]" if name == DEFAULT_SCENARIO else ""
        table.add_row(name + mark, sc.scenario.title, str(len(sc.actors)), str(len(sc.issues)))
    out.print(table)


@app.command()
def convert(
    source: Annotated[str, typer.Argument(help="Scenario to read (any supported format).")],
    target: Annotated[Path, typer.Argument(help="File to write: .yaml/.yml or .json.")],
    input_format: InputFormatOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace TARGET if it exists.")] = False,
) -> None:
    """Convert a scenario (e.g. a KTAB or decide CSV) to a Kingmaker YAML/JSON file."""
    from ..scenario import save_scenario

    output_path(target, force)
    sc = load_source(source, input_format)
    path = save_scenario(sc, target, overwrite=force)
    out.print(f"wrote {path} ({len(sc.actors)} actors, {len(sc.issues)} issues)")


@app.command()
def models() -> None:
    """List the available models and their variants."""
    from rich.table import Table

    from ..models import registry

    table = Table(title="Models", title_justify="left")
    for col in ("Name", "Model", "Variants", "Settings", "Reference"):
        table.add_column(col, overflow="fold")
    for spec in registry.specs():
        settings = ", ".join(k for k in spec.params.model_fields if k != "variant") or "-"
        table.add_row(
            spec.name, spec.title, ", ".join(spec.variants) or "-", settings, spec.reference
        )
    out.print(table)
