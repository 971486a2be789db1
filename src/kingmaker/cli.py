"""The `kingmaker` command: a thin shell over the Python API.

Every user mistake (a bad file, an unknown model, a bad setting) is a KingmakerError: it is
printed without a traceback and the command exits with code 2.
"""

from __future__ import annotations

import json
import math
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .__about__ import __version__
from .errors import KingmakerError, ScenarioError

app = typer.Typer(
    name="kingmaker",
    help="Forecast the outcome of a multi-party negotiation and find who can move it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="A scenario file (YAML/JSON, BDM CSV, KTAB CSV/XML, decide CSV) or the name of an "
        "embedded scenario (see `kingmaker scenarios`). Default: the embedded default scenario.",
        show_default=False,
    ),
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", "-f",
                 help="Format of the scenario file when it cannot be told from its content: "
                 "yaml, json, bdm-csv, ktab-csv, ktab-xml, decide-csv."),
]


def _load(source: str | None, input_format: str | None):
    from .scenario import DEFAULT_SCENARIO, load_scenario

    return load_scenario(source or DEFAULT_SCENARIO, format=input_format)


def _parse_settings(items: list[str] | None) -> dict[str, dict[str, Any]]:
    """``["eum.rounds=20", "eum.variant=corrected"]`` -> ``{"eum": {"rounds": 20, ...}}``."""
    import yaml

    settings: dict[str, dict[str, Any]] = {}
    for item in items or []:
        key, eq, raw = item.partition("=")
        model, dot, name = key.partition(".")
        if not (eq and dot and model and name):
            raise KingmakerError(f"--set expects MODEL.SETTING=VALUE, got {item!r}")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        settings.setdefault(model.strip(), {})[name.strip()] = value
    return settings


def _decimals(lo: float, hi: float) -> int:
    span = hi - lo
    return max(0, 3 - int(math.floor(math.log10(span)))) if span > 0 else 3


def _fmt(x: float | None, decimals: int) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{decimals}f}"


@app.command()
def forecast(
    scenario: ScenarioArg = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to run (repeatable); `NAME:VARIANT` picks a "
                     "variant. Default: the scenario's default models. See `kingmaker models`."),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="Variant for the models that have it.")] = None,
    rounds: Annotated[int | None, typer.Option(min=0, help="Rounds for models that run in rounds.")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Seed for models that draw random numbers.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A model setting, MODEL.SETTING=VALUE (repeatable)."),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    input_format: InputFormatOpt = None,
) -> None:
    """Forecast each issue's outcome with one or more models."""
    from .analysis.forecast import forecast as run_forecast

    sc = _load(scenario, input_format)
    result = run_forecast(sc, model, variant=variant, rounds=rounds, seed=seed,
                          settings=_parse_settings(set_))
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
    elif output_format is OutputFormat.csv:
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        _print_forecast(sc, result)


def _print_forecast(sc, result) -> None:
    table = Table(title=f"{sc.scenario.title}  [dim]({sc.id})[/dim]", title_justify="left")
    table.add_column("Issue", overflow="fold", max_width=48)
    table.add_column("Scale", justify="right")
    for run in result.runs:
        label = run.key + (f"\n({run.variant})" if run.variant and ":" not in run.key else "")
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("Observed", justify="right", style="bold", no_wrap=True)
    for issue in sc.issues:
        lo, hi = issue.scale.min, issue.scale.max
        d = _decimals(lo, hi)
        unit = f" {issue.scale.unit}" if issue.scale.unit else ""
        cells = [f"[bold]{issue.id}[/bold]\n[dim]{issue.question}[/dim]",
                 f"{lo:g}-{hi:g}{unit}"]
        for run in result.runs:
            f = run.issue(issue.id)
            note = f"\n[dim]{f.rounds} rounds[/dim]" if f.rounds else ""
            cells.append(_fmt(f.forecast, d) + note)
        cells.append(_fmt(issue.outcome.value if issue.outcome else None, d))
        table.add_row(*cells)
    out.print(table)


@app.command()
def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or embedded scenario name.")],
    input_format: InputFormatOpt = None,
) -> None:
    """Check a scenario file; every problem is listed with its place in the file."""
    from .scenario.document import scenario_warnings

    sc = _load(scenario, input_format)
    warnings = scenario_warnings(sc, scenario)
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", soft_wrap=True)
    n_sources = len(sc.scenario.sources)
    out.print(f"[green]valid[/green]: {sc.id} - {len(sc.actors)} actors, {len(sc.issues)} "
              f"issues, {len(sc.relations)} relations, {n_sources} sources"
              + (f", {len(warnings)} warning(s)" if warnings else ""))


@app.command()
def scenarios() -> None:
    """List the scenarios embedded in Kingmaker."""
    from .scenario import DEFAULT_SCENARIO, embedded_names, load_scenario

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
    from .scenario import save_scenario

    sc = _load(source, input_format)
    path = save_scenario(sc, target, overwrite=force)
    out.print(f"wrote {path} ({len(sc.actors)} actors, {len(sc.issues)} issues)")


@app.command()
def models() -> None:
    """List the available models and their variants."""
    from .models import registry

    table = Table(title="Models", title_justify="left")
    for col in ("Name", "Model", "Variants", "Settings", "Reference"):
        table.add_column(col, overflow="fold")
    for spec in registry.specs():
        settings = ", ".join(k for k in spec.params.model_fields if k != "variant") or "-"
        table.add_row(spec.name, spec.title, ", ".join(spec.variants) or "-", settings,
                      spec.reference)
    out.print(table)


def _version(value: bool) -> None:
    if value:
        out.print(f"kingmaker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Forecast the outcome of a multi-party negotiation and find who can move it."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into messages and exit code 2."""
    try:
        app(args=argv, prog_name="kingmaker")
    except KingmakerError as exc:
        _report(exc)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug, not a user error: say so briefly
        if os.environ.get("KINGMAKER_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}\n"
                  "This is a bug in Kingmaker; set KINGMAKER_DEBUG=1 for the traceback.",
                  soft_wrap=True)
        sys.exit(1)


def _report(exc: KingmakerError) -> None:
    if isinstance(exc, ScenarioError):
        n = len(exc.problems)
        err.print(f"[red]error:[/red] {exc.file or 'scenario'} is not a valid scenario "
                  f"({n} problem{'s' if n != 1 else ''}):", soft_wrap=True)
        for line in exc.render(limit=50).splitlines():
            err.print(f"  {line}", soft_wrap=True, markup=False)
    else:
        for k, line in enumerate(str(exc).splitlines()):
            prefix = "[red]error:[/red] " if k == 0 else "  "
            err.print(prefix, end="", soft_wrap=True)
            err.print(line, soft_wrap=True, markup=False)


if __name__ == "__main__":
    main()
