"""What the commands share: the app, the consoles, every option declared once, loading,
outputs and executors.

Importing this module must stay cheap (``kingmaker --help`` imports it): no numpy, no models,
no rich tables at module level; commands import what they need when they run.
"""

from __future__ import annotations

import contextlib
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..__about__ import __version__
from ..errors import KingmakerError

app = typer.Typer(
    name="kingmaker",
    help="Forecast the outcome of a multi-party negotiation and find who can move it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

#: The option of the command line that sets each library parameter, for error messages:
#: library errors name the parameter that was wrong (``KingmakerError.parameter``).
FLAGS = {
    "allow_path": "--allow-path",
    "capability": "--capability",
    "check": "--check",
    "conf_level": "--conf-level",
    "draws": "--draws",
    "format": "--input-format",
    "keep": "--keep",
    "limit": "--limit",
    "models": "--model",
    "overwrite": "--force",
    "presets": "--presets",
    "resamples": "--resamples",
    "rounds": "--rounds",
    "samples": "--samples",
    "scheduler": "--scheduler",
    "seed": "--seed",
    "since": "--since",
    "settings": "--set",
    "spread": "--spread",
    "targets": "--target",
    "thresholds": "--threshold",
    "unit": "--unit",
    "variant": "--variant",
    "workers": "--workers",
}


# --------------------------------------------------------------------------- output formats


class OutputFormat(str, Enum):
    """Forecast-like results: also a CSV of one row per model and issue."""

    table = "table"
    json = "json"
    csv = "csv"


class ListFormat(str, Enum):
    """Lists (runs, a timeline): a table on screen, one JSON document, or CSV one row each."""

    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(str, Enum):
    """Reports that are tables on screen and one JSON document with --format json."""

    table = "table"
    json = "json"


OutputFormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", help="Output format.")]


# --------------------------------------------------------------------------- inputs

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
    typer.Option(
        "--input-format",
        "-f",
        help="Format of the scenario file when it cannot be told from its content: "
        "yaml, json, bdm-csv, ktab-csv, ktab-xml, decide-csv.",
    ),
]


# --------------------------------------------------------------------------- models

ModelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help="Model to run (repeatable); `NAME:VARIANT` picks a "
        "variant. Default: the scenario's default models. See `kingmaker models`.",
    ),
]
VariantOpt = Annotated[str | None, typer.Option(help="Variant for the models that have it.")]
RoundsOpt = Annotated[int | None, typer.Option(min=0, help="Rounds for models that run in rounds.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="A model setting, MODEL.SETTING=VALUE (repeatable)."),
]
SeedOpt = Annotated[
    int | None, typer.Option(min=0, help="Seed for models that draw random numbers.")
]


# --------------------------------------------------------------------------- analyses

AnalysisSeedOpt = Annotated[
    int | None,
    typer.Option(
        min=0,
        help="Seed of the draws (and of the models' own randomness); the same "
        "seed gives the same results on any executor. Default: fresh, and reported.",
    ),
]
DrawsOpt = Annotated[int, typer.Option("--draws", "-n", min=1, help="Number of draws.")]
SpreadOpt = Annotated[
    float | None,
    typer.Option(
        help="Give every number without an uncertainty range a default one: "
        "position +- SPREAD x its scale, salience +- SPREAD, capability x (1 +- "
        "SPREAD), PERT around the value (e.g. 0.1)."
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Run on K local worker processes (with --dask: a Dask LocalCluster of K workers).",
    ),
]
DaskOpt = Annotated[
    bool, typer.Option("--dask", help="Use Dask distributed (kingmaker\\[distributed]).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask scheduler (tcp://HOST:PORT) to run on."),
]
SchedulerTimeoutOpt = Annotated[
    float,
    typer.Option(min=0.1, help="Seconds to wait for the Dask scheduler to answer."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an output file that exists.")]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Run store: a SQLite file or a database URL (default: $KINGMAKER_STORE, else "
        "runs.sqlite in your data folder).",
        show_default=False,
    ),
]
NoSaveOpt = Annotated[
    bool, typer.Option("--no-save", help="Do not keep this run in the run store.")
]


# --------------------------------------------------------------------------- helpers


def load_source(source: str | None, input_format: str | None):
    """The scenario a command runs on: a file, an embedded name, or the default scenario."""
    from ..analysis.inputs import load_scenario
    from ..scenario.embedded import DEFAULT_SCENARIO

    return load_scenario(source or DEFAULT_SCENARIO, format=input_format)


def output_path(path: Path, force: bool) -> Path:
    """An output file named on the command line, checked before any work is done: an
    existing file is replaced only with --force, and its folder must exist."""
    if path.is_dir():
        raise KingmakerError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise KingmakerError(f"{path}: the folder does not exist ({path.parent})")
    if path.exists() and not force:
        raise KingmakerError(f"{path} exists; use --force to replace it")
    return path


def parse_settings(items: list[str] | None) -> dict[str, dict[str, Any]]:
    """``["eum.rounds=20", "eum.variant=corrected"]`` -> ``{"eum": {"rounds": 20, ...}}``."""
    import yaml

    settings: dict[str, dict[str, Any]] = {}
    for item in items or []:
        key, eq, raw = item.partition("=")
        model, dot, name = key.partition(".")
        if not (eq and dot and model.strip() and name.strip()):
            raise KingmakerError(f"--set expects MODEL.SETTING=VALUE, got {item!r}")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        settings.setdefault(model.strip(), {})[name.strip()] = value
    return settings


@contextlib.contextmanager
def executor_from(workers: int | None, dask: bool, scheduler: str | None, timeout: float = 10.0):
    from ..analysis.executors import make_executor

    with make_executor(workers, dask, scheduler, timeout=timeout) as executor:
        yield executor


@contextlib.contextmanager
def progress_bar(description: str, console: Console | None = None, delay: float = 1.0):
    """A progress callback that shows a bar on stderr once the work has lasted ``delay``
    seconds, and only on a terminal (never on stdout, never in piped output)."""
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = console or err
    start = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if not console.is_terminal or time.monotonic() - start < delay:
                return
            state["bar"] = Progress(
                TextColumn(description),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            state["bar"].start()
            state["task"] = state["bar"].add_task(description, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def note_nothing_uncertain(sc, what: str) -> None:
    err.print(
        f"[yellow]note:[/yellow] no number in scenario {sc.id} has an uncertainty range, "
        f"so {what}. Give ranges in the scenario, or add --spread 0.1 for a default "
        "range around every number (see docs/how-to/uncertainty.md).",
        soft_wrap=True,
    )


def print_json(doc: Any) -> None:
    """One JSON document on stdout (plain JSON: never NaN)."""
    import json
    import sys

    sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"kingmaker {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Forecast the outcome of a multi-party negotiation and find who can move it."""


# --------------------------------------------------------------------------- tables


def first_fitting(tables):
    """The first of ``tables`` (layouts of the same numbers) whose natural width fits the
    terminal, else the last: numbers are never cut to fit."""
    table = None
    for table in tables:
        natural = out.measure(table, options=out.options.update(max_width=10_000)).maximum
        if natural <= out.width:
            break
    return table


def issue_model_tables(title, issues, models, cell, *, value="Forecast", per_issue=(), leading=()):
    """One number per issue and model in three layouts, widest first: issues as rows (model
    columns), models as rows (issue columns), one row per issue and model.

    ``models``: column labels; ``cell(issue, k)``: the text for model ``k``; ``per_issue``:
    (header, issue -> text, shown in the model-rows layout) columns after the models, such
    as the observed outcome (a bold last row when models are rows; None: not shown there);
    ``leading``: (header, issue -> text) columns before the models, in the widest layout only.
    """
    from rich import box
    from rich.table import Table

    def new_table():
        return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)

    wide = new_table()
    wide.add_column("Issue", no_wrap=True, style="bold")
    for header, _ in leading:
        wide.add_column(header, justify="right", no_wrap=True)
    for label in models:
        wide.add_column(label.replace(":", "\n"), justify="right", no_wrap=True)
    for header, _, _ in per_issue:
        wide.add_column(header, justify="right", style="bold", no_wrap=True)
    for issue in issues:
        wide.add_row(
            issue.id,
            *[text(issue) for _, text in leading],
            *[cell(issue, k) for k in range(len(models))],
            *[text(issue) for _, text, _ in per_issue],
        )
    yield wide

    tall = new_table()
    tall.add_column("Model", no_wrap=True, style="bold")
    for issue in issues:
        tall.add_column(issue.id, justify="right", no_wrap=True)
    for k, label in enumerate(models):
        tall.add_row(label, *[cell(issue, k) for issue in issues])
    for _, text, row_label in per_issue:
        if row_label is not None:
            tall.add_row(row_label, *[text(issue) for issue in issues], style="bold")
    yield tall

    long = new_table()
    heads = ("Issue", "Model", value, *[header for header, _, _ in per_issue])
    for name in heads:
        long.add_column(name, justify="left" if name in ("Issue", "Model") else "right")
    for issue in issues:
        for k, label in enumerate(models):
            first = k == 0
            long.add_row(
                issue.id if first else "",
                label,
                cell(issue, k),
                *[text(issue) if first else "" for _, text, _ in per_issue],
            )
    yield long
