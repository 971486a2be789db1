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


def _print_forecast(sc, result) -> None:
    table = Table(title=f"{sc.scenario.title}  [dim]({sc.id})[/dim]", title_justify="left")
    table.add_column("Issue", overflow="fold", max_width=48)
    table.add_column("Scale", justify="right")
    for run in result.runs:
        label = run.key + (f" ({run.variant})" if run.variant and ":" not in run.key else "")
        table.add_column(label, justify="right")
    table.add_column("Observed", justify="right", style="bold")
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
