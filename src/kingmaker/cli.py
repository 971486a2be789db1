"""The `kingmaker` command: a thin shell over the Python API.

Every user mistake (a bad file, an unknown model, a bad setting) is a KingmakerError: it is
printed without a traceback and the command exits with code 2.
"""

from __future__ import annotations

import contextlib
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
        return _fmt(x, _decimals(issue.scale.min, issue.scale.max))

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
            long.add_row(issue.id if k == 0 else "", _run_label(run),
                         number(issue, run.issue(issue.id).forecast),
                         number(issue, observed(issue)) if k == 0 else "")
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
        d = _decimals(issue.scale.min, issue.scale.max)
        points = [(_run_label(run), run.issue(issue.id).forecast) for run in result.runs]
        if issue.outcome is not None:
            points.append(("observed", issue.outcome.value))
        by_anchor: dict[float, list[str]] = {}
        for name, x in points:
            anchor = issue.scale.nearest_anchor(x)
            if anchor is not None:
                by_anchor.setdefault(anchor.value, []).append(f"{name} {_fmt(x, d)}")
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


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


evidence_app = typer.Typer(
    help="Audit a scenario's evidence against its sources' texts.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("check")
def evidence_check(
    scenario: ScenarioArg = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.table,
    strict: Annotated[bool, typer.Option(
        "--strict",
        help="Also fail (exit 1) when a number has neither evidence nor judgement.")] = False,
    input_format: InputFormatOpt = None,
) -> None:
    """Check every quote against its source's text; list unsourced numbers and uncited sources.

    Exits with 1 when a quote is not found in its source (or a source's text file cannot be
    read), 2 when the scenario is invalid.
    """
    from .scenario.evidence import check_evidence

    sc = _load(scenario, input_format)
    report = check_evidence(sc)
    if output_format is ReportFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        _print_evidence(sc, report)
    raise typer.Exit(report.exit_code(strict))


def _print_evidence(sc, report) -> None:
    s = report.to_dict()["summary"]
    out.print(f"[bold]{sc.scenario.title}[/bold]  [dim]({sc.id})[/dim]")
    out.print(f"{s['numbers']} numbers, {s['evidence']} evidence items, {s['quotes']} quotes: "
              f"[green]{s['found']} found[/green], "
              + (f"[red]{s['missing']} missing[/red]" if s["missing"] else "0 missing")
              + f", {s['unverifiable']} unverifiable", soft_wrap=True)
    if report.missing:
        table = Table(title="Quotes not found in their source", title_justify="left")
        columns = (("Where", 30), ("Source", 14), ("Not found", 40), ("Closest passage", 40))
        for col, width in columns:
            table.add_column(col, overflow="fold", max_width=width)
        for q in report.missing:
            table.add_row(q.location, q.source, q.missing_part or q.quote,
                          f"{q.closest}\n[dim]{q.similarity:g}% similar[/dim]")
        out.print(table)
    for u in report.unreadable_sources:
        out.print(f"[red]source {u.source}:[/red] {u.file}: {u.message}", soft_wrap=True)
    if report.unverifiable:
        table = Table(title="Unverifiable quotes (no source text to check against)",
                      title_justify="left")
        for col, width in (("Where", 40), ("Source", 14), ("Why", 30)):
            table.add_column(col, overflow="fold", max_width=width)
        for q in report.unverifiable:
            table.add_row(q.location, q.source, q.reason or "")
        out.print(table)
    if report.unsourced:
        out.print(f"[yellow]{len(report.unsourced)} number(s) with neither evidence nor "
                  "judgement:[/yellow]")
        shown = 20
        for where in report.unsourced[:shown]:
            out.print(f"  {where}", soft_wrap=True, markup=False)
        if len(report.unsourced) > shown:
            out.print(f"  ... and {len(report.unsourced) - shown} more (all with --format json)")
    if report.uncited_sources:
        out.print(f"[yellow]sources never cited:[/yellow] {', '.join(report.uncited_sources)}",
                  soft_wrap=True)
    if report.passed:
        out.print(f"[green]passed[/green]: every checkable quote is in its source "
                  f"({', '.join(report.sources_with_text) or 'no source has a text file'})",
                  soft_wrap=True)
    else:
        n = len(report.missing) + len(report.unreadable_sources)
        out.print(f"[red]failed[/red]: {n} problem(s) with quotes or source texts")


class Capability(str, Enum):
    equal = "equal"
    council = "council"
    gdp = "gdp"


class Unit(str, Enum):
    proposal = "proposal"
    issue = "issue"


class BacktestFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def backtest(
    target: Annotated[str, typer.Argument(
        help="`deu3` (the DEU III dataset shipped with Kingmaker), or a scenario file or "
        "embedded scenario whose issues record observed outcomes.", show_default=False)],
    model: Annotated[
        list[str] | None,
        typer.Option("--models", "--model", "-m", help="Model to score (repeatable; "
                     "`NAME:VARIANT` for a variant). Default: every model and variant."),
    ] = None,
    capability: Annotated[Capability | None, typer.Option(
        help="DEU III capability option: equal (default), council (voting weights of the "
        "treaty period) or gdp.")] = None,
    unit: Annotated[Unit | None, typer.Option(
        help="DEU III scenarios: one per proposal (default) or per issue.")] = None,
    draws: Annotated[int, typer.Option(min=0, help="Monte Carlo draws per scenario for the "
                     "coverage of 80%/95% intervals (0: none; --write-docs for deu3: 200).")] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the bootstrap and the draws.")] = 0,
    resamples: Annotated[int, typer.Option(min=1, help="Bootstrap resamples.")] = 2000,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A model setting, MODEL.SETTING=VALUE (repeatable)."),
    ] = None,
    output_format: Annotated[BacktestFormat, typer.Option("--format", help="Output format.")] = BacktestFormat.table,
    write_docs: Annotated[Path | None, typer.Option(
        "--write-docs", help="Also write a Markdown report there (for deu3: the complete "
        "leaderboard page, docs/backtest.md).")] = None,
    input_format: InputFormatOpt = None,
) -> None:
    """Score the models' forecasts against recorded outcomes (MAE, RMSE, paired bootstrap)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .analysis.backtest import backtest_target, run_backtest, summarize
    from .analysis.backtest.markdown import render_deu3, render_scenario

    dataset = target == "deu3"
    tg = backtest_target(target, capability=capability.value if capability else None,
                         unit=unit.value if unit else None, input_format=input_format)
    settings = _parse_settings(set_)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
        "{task.completed}/{task.total} scenarios"), TimeElapsedColumn(), console=err,
        transient=True, disable=not err.is_terminal)
    with progress:
        tasks: dict[str, Any] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        if dataset and write_docs is not None:
            from .analysis.backtest.deu3 import deu3_report

            report = deu3_report(model, seed=seed, resamples=resamples, draws=draws or 200,
                                 settings=settings, progress=tick)
            board = report.leaderboards[capability.value if capability else "equal"]
            page = render_deu3(report)
        else:
            if dataset and draws:
                from .analysis.backtest.deu3 import DEFAULT_UNCERTAINTY

                tg = backtest_target(target, capability=capability.value if capability else
                                     None, unit=unit.value if unit else None,
                                     uncertainty=DEFAULT_UNCERTAINTY)
            run = run_backtest(tg, model, seed=seed, draws=draws, settings=settings,
                               progress=lambda d, t: tick("forecasting", d, t))
            baseline = "compromise" if "compromise" in run.forecasts else run.models[0].key
            board = summarize(run, baseline=baseline, resamples=resamples, seed=seed)
            page = render_scenario(board) if write_docs is not None else ""
    if write_docs is not None:
        write_docs.parent.mkdir(parents=True, exist_ok=True)
        write_docs.write_text(page, encoding="utf-8")
        err.print(f"wrote {write_docs}")
    if output_format is BacktestFormat.json:
        doc = board.to_dict()
        sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")
    else:
        _print_backtest(board, per_case=not dataset)


def _print_backtest(board, per_case: bool) -> None:
    title = f"Backtest: {board.title}  [dim]({board.target}{', ' + board.description if board.description else ''})[/dim]"
    table = Table(title=title, title_justify="left")
    levels = sorted({lv for r in board.rows for lv in r.coverage})
    for col in ("#", "Forecast", "n", "MAE", "RMSE", "MedAE",
                f"MAE - {board.baseline} [{board.level:.0%} CI]"):
        table.add_column(col, justify="left" if col == "Forecast" else "right")
    for lv in levels:
        table.add_column(f"{lv:.0%} coverage", justify="right")
    for rank, r in enumerate(board.rows, start=1):
        d = r.vs_baseline
        diff = "[dim]baseline[/dim]" if d is None else f"{d.estimate:+.2f}" + (
            " [dim](one issue)[/dim]" if math.isnan(d.low) else f" [{d.low:+.2f}, {d.high:+.2f}]")
        name = r.key + (" [dim](reference)[/dim]" if r.kind == "reference" else "")
        cells = [str(rank), name, str(r.scores.n), f"{r.scores.mae:.2f}",
                 f"{r.scores.rmse:.2f}", f"{r.scores.medae:.2f}", diff]
        cells += [f"{r.coverage[lv].rate:.0%}" if lv in r.coverage else "-" for lv in levels]
        table.add_row(*cells)
    out.print(table)
    if board.strata:
        st = Table(title="MAE by stratum", title_justify="left")
        st.add_column("Forecast")
        for s in board.strata:
            st.add_column(f"{s.value}\n[dim]n={s.n}[/dim]", justify="right")
        for r in board.rows:
            st.add_row(r.key, *[f"{s.mae[r.key]:.2f}" for s in board.strata])
        out.print(st)
    if per_case:
        cases = Table(title="Forecasts and outcomes", title_justify="left")
        for col in ("Issue", "Forecast by", "Forecast", "Observed", "Error"):
            cases.add_column(col, justify="left" if col in ("Issue", "Forecast by") else "right")
        for k, case in enumerate(board.run.cases):
            d = _decimals(*case.scale)
            for r in board.rows:
                f = float(board.forecast(r.key)[k])
                cases.add_row(case.issue, r.key, _fmt(f, d), _fmt(case.observed, d),
                              _fmt(f - case.observed, d))
        out.print(cases)
    for key, messages in board.run.failures.items():
        err.print(f"[yellow]warning:[/yellow] {key} could not run on {len(messages)} "
                  f"scenario(s), e.g. {messages[0]}", soft_wrap=True)


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


# --------------------------------------------------------------------------- uncertainty

ModelOpt = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model to run (repeatable); `NAME:VARIANT` picks a "
                 "variant. Default: the scenario's default models. See `kingmaker models`."),
]
VariantOpt = Annotated[str | None, typer.Option(help="Variant for the models that have it.")]
RoundsOpt = Annotated[int | None, typer.Option(min=0, help="Rounds for models that run in rounds.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="A model setting, MODEL.SETTING=VALUE (repeatable)."),
]
AnalysisSeedOpt = Annotated[
    int | None,
    typer.Option(min=0, help="Seed of the draws (and of the models' own randomness); the same "
                 "seed gives the same results on any executor. Default: fresh, and reported."),
]
SpreadOpt = Annotated[
    float | None,
    typer.Option(help="Give every number without an uncertainty range a default one: "
                 "position +- SPREAD x its scale, salience +- SPREAD, capability x (1 +- "
                 "SPREAD), PERT around the value (e.g. 0.1)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(min=1, help="Run on K local worker processes (with --dask: a Dask "
                 "LocalCluster of K workers)."),
]
DaskOpt = Annotated[bool, typer.Option("--dask", help="Use Dask distributed (kingmaker\\[distributed]).")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask scheduler (tcp://HOST:PORT) to run on."),
]
SchedulerTimeoutOpt = Annotated[
    float, typer.Option(min=0.1, help="Seconds to wait for the Dask scheduler to answer."),
]


class SummaryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class SensitivityFormat(str, Enum):
    table = "table"
    json = "json"


@contextlib.contextmanager
def _executor(workers: int | None, dask: bool, scheduler: str | None, timeout: float = 10.0):
    from .analysis.executors import make_executor

    with make_executor(workers, dask, scheduler, timeout=timeout) as executor:
        yield executor


@contextlib.contextmanager
def _progress_bar(description: str, console: Console | None = None, delay: float = 1.0):
    """A progress callback that shows a bar on stderr once the work has lasted ``delay``
    seconds, and only on a terminal (never on stdout, never in piped output)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
        TimeRemainingColumn

    console = console or err
    start = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if not console.is_terminal or time.monotonic() - start < delay:
                return
            state["bar"] = Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(),
                                    TimeRemainingColumn(), console=console, transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(description, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def _note_nothing_uncertain(sc, what: str) -> None:
    err.print(f"[yellow]note:[/yellow] no number in scenario {sc.id} has an uncertainty range, "
              f"so {what}. Give ranges in the scenario, or add --spread 0.1 for a default "
              "range around every number (see docs/how-to/uncertainty.md).", soft_wrap=True)


@app.command()
def simulate(
    scenario: ScenarioArg = None,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, help="Number of draws.")] = 1000,
    seed: AnalysisSeedOpt = None,
    model: ModelOpt = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    set_: SetOpt = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option("--threshold", "-t", help="ISSUE:VALUE: report the probability that the "
                     "outcome lands above and below VALUE (repeatable)."),
    ] = None,
    spread: SpreadOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = 10.0,
    save_draws: Annotated[
        Path | None,
        typer.Option("--save-draws", help="Save every draw (inputs and forecasts) to this "
                     "Parquet file (needs kingmaker\\[parquet])."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --save-draws file.")] = False,
    output_format: Annotated[SummaryFormat, typer.Option("--format", help="Output format.")] = SummaryFormat.table,
    input_format: InputFormatOpt = None,
) -> None:
    """Monte Carlo over every uncertainty range: the distribution of each forecast."""
    from .analysis.uncertainty import check_draws_path, simulate as run_simulate

    sc = _load(scenario, input_format)
    if save_draws is not None:
        check_draws_path(save_draws, overwrite=force)
    options = dict(draws=draws, seed=seed, thresholds=threshold or (), spread=spread,
                   variant=variant, rounds=rounds, settings=_parse_settings(set_),
                   keep_inputs=save_draws is not None)
    from .analysis.uncertainty import parse_thresholds, plan_models

    plan_models(sc, model, variant=variant, rounds=rounds, settings=options["settings"])
    parse_thresholds(sc, threshold or ())  # every user mistake before starting workers
    with _executor(workers, dask, scheduler, scheduler_timeout) as executor, \
            _progress_bar(f"simulating {draws} draws") as progress:
        result = run_simulate(sc, model, executor=executor, progress=progress, **options)
    if not result.factors:
        _note_nothing_uncertain(sc, "every draw uses the same numbers (only models that draw "
                                    "random numbers vary)")
    if save_draws is not None:
        path = result.save_draws(save_draws, overwrite=force)
        err.print(f"saved {result.draws} draws to {path}")
    if output_format is SummaryFormat.json:
        sys.stdout.write(result.to_json() + "\n")
    elif output_format is SummaryFormat.csv:
        sys.stdout.write(result.summary_frame().to_csv(index=False))
    else:
        _print_simulation(sc, result)


def _print_simulation(sc, result) -> None:
    n = len(result.factors)
    title = (f"{sc.scenario.title}  [dim]({sc.id}) - {result.draws} draws, seed {result.seed}, "
             f"{n} uncertain number{'s' if n != 1 else ''}"
             + (f", spread {result.spread:g}" if result.spread else "") + "[/dim]")
    dynamic = any(m.spec.dynamic for m in result.models)
    table = Table(title=title, title_justify="left")
    table.add_column("Issue", overflow="fold", max_width=24)
    table.add_column("Model")
    for col in ("Point", "Median", "80% interval", "95% interval"):
        table.add_column(col, justify="right")
    if dynamic:
        table.add_column("Converged", justify="right")
    table.add_column("Observed", justify="right", style="bold")
    for issue in sc.issues:
        d = _decimals(issue.scale.min, issue.scale.max)
        for k, key in enumerate(result.model_keys):
            s = result.summary(key, issue.id)
            dist = s.distribution
            cells = [f"[bold]{issue.id}[/bold]" if k == 0 else "", key, _fmt(s.point, d),
                     _fmt(dist.median, d),
                     f"{_fmt(dist.interval80[0], d)}-{_fmt(dist.interval80[1], d)}",
                     f"{_fmt(dist.interval95[0], d)}-{_fmt(dist.interval95[1], d)}"]
            if dynamic:
                cells.append(f"{s.converged:.0%}")
            cells.append(_fmt(issue.outcome.value if issue.outcome else None, d) if k == 0 else "")
            table.add_row(*cells, end_section=k == len(result.model_keys) - 1)
    out.print(table)
    if result.thresholds:
        table = Table(title="Probability that the outcome lands above / below a threshold",
                      title_justify="left")
        table.add_column("Issue", overflow="fold", max_width=24)
        table.add_column("Threshold", justify="right")
        for key in result.model_keys:
            table.add_column(key, justify="right")
        for t in result.thresholds:
            cells = [t.issue, f"{t.value:g}"]
            for key in result.model_keys:
                _, above, below = next(x for x in result.summary(key, t.issue).thresholds
                                       if x[0] == t.value)
                cells.append(f"{above:.1%} / {below:.1%}")
            table.add_row(*cells)
        out.print(table)


@app.command()
def sensitivity(
    scenario: ScenarioArg = None,
    model: ModelOpt = None,
    method: Annotated[
        list[str] | None,
        typer.Option("--method", help="tornado (each number at its range ends, one at a "
                     "time) and/or sobol (variance-based indices); default: both."),
    ] = None,
    samples: Annotated[int, typer.Option(help="Sobol base sample (a power of two); the "
                                          "design runs each model SAMPLES x (numbers + 2) "
                                          "times.")] = 1024,
    resamples: Annotated[int, typer.Option(min=2, help="Bootstrap resamples for the Sobol "
                                            "confidence intervals.")] = 100,
    top: Annotated[int, typer.Option(min=1, help="Rows per issue in the table.")] = 10,
    seed: AnalysisSeedOpt = None,
    spread: SpreadOpt = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = 10.0,
    output_format: Annotated[SensitivityFormat, typer.Option("--format", help="Output format.")] = SensitivityFormat.table,
    input_format: InputFormatOpt = None,
) -> None:
    """Rank the actors and numbers that drive each issue's outcome (tornado and Sobol)."""
    from .analysis.sensitivity import METHODS, check_samples, sensitivity as run_sensitivity
    from .analysis.uncertainty import plan_models

    sc = _load(scenario, input_format)
    methods = tuple(method or METHODS)
    for m in methods:
        if m not in METHODS:
            raise KingmakerError(f"--method must be one of {', '.join(METHODS)}, got {m!r}")
    if "sobol" in methods:
        check_samples(samples)
    settings = _parse_settings(set_)
    plan_models(sc, model, variant=variant, rounds=rounds, settings=settings)
    with _executor(workers, dask, scheduler, scheduler_timeout) as executor, \
            _progress_bar("sensitivity runs") as progress:
        result = run_sensitivity(sc, model, methods=methods, samples=samples,
                                 resamples=resamples, seed=seed, spread=spread,
                                 variant=variant, rounds=rounds, settings=settings,
                                 executor=executor, progress=progress)
    if not result.factors:
        _note_nothing_uncertain(sc, "nothing can drive the outcomes and there is nothing to rank")
    if output_format is SensitivityFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
    else:
        _print_sensitivity(sc, result, top)


def _print_sensitivity(sc, result, top: int) -> None:
    names = {a.id: a.name for a in sc.actors}
    head = (f"{sc.scenario.title}  ({sc.id}) - {len(result.factors)} uncertain numbers, "
            f"methods: {', '.join(result.methods)}"
            + (f", {result.samples} Sobol samples" if result.samples else "")
            + f", seed {result.seed}")
    out.print(head, markup=False)
    if not result.factors:
        return
    sobol = "sobol" in result.methods
    tornado = "tornado" in result.methods
    for r in result.results:
        issue = sc.issue(r.issue)
        d = _decimals(issue.scale.min, issue.scale.max)
        shown = [e for e in r.effects if e.matters][:top]
        table = Table(title=f"{r.issue} - {r.model}  [dim](point forecast {_fmt(r.point, d)}"
                      + (f", sd {math.sqrt(r.variance):.{d}f}" if r.variance is not None
                         and math.isfinite(r.variance) else "") + ")[/dim]",
                      title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("Number", overflow="fold", min_width=16)
        table.add_column("Range", justify="right")
        if tornado:
            table.add_column("High - low", justify="right")
        if sobol:
            table.add_column("S1", justify="right", no_wrap=True)
            table.add_column("ST", justify="right", no_wrap=True)
        for k, e in enumerate(shown, 1):
            f = e.factor
            what = f"{names.get(f.actor, f.actor)}: {f.parameter}" + \
                (f" on {f.issue}" if f.issue and f.issue != r.issue else "")
            cells = [str(k), what, f"{f.low:.3g}..{f.high:.3g}"]
            if tornado:
                cells.append(f"{e.at_high - e.at_low:+.{d}f}")
            if sobol:
                cells += [f"{e.s1:.2f}+-{e.s1_conf:.2f}" if e.s1 is not None else "-",
                          f"{e.st:.2f}+-{e.st_conf:.2f}" if e.st is not None else "-"]
            table.add_row(*cells)
        if not shown:
            out.print(f"{r.issue} - {r.model}: no uncertain number moves this forecast",
                      markup=False)
            continue
        out.print(table)
        ranked = [a for a in r.actors if (a.total_sum or a.largest_swing)][:top]
        if sobol:
            line = ", ".join(f"{names.get(a.actor, a.actor)} {_fmt(a.first_order_sum, 2)}.."
                             f"{_fmt(a.total_sum, 2)}" for a in ranked)
            out.print(f"  actors (share of variance: alone..with interactions): {line}",
                      markup=False, soft_wrap=True)
        else:
            line = ", ".join(f"{names.get(a.actor, a.actor)} {_fmt(a.largest_swing, d)}"
                             for a in ranked)
            out.print(f"  actors (largest swing): {line}", markup=False, soft_wrap=True)


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
