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
