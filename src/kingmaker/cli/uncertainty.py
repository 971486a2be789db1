"""`kingmaker simulate` and `kingmaker sensitivity`: spread and drivers of the forecasts."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import KingmakerError
from ..report.numbers import decimals_for, fmt
from .common import (
    AnalysisSeedOpt,
    DaskOpt,
    DrawsOpt,
    ForceOpt,
    InputFormatOpt,
    ModelOpt,
    NoSaveOpt,
    OutputFormat,
    OutputFormatOpt,
    ReportFormat,
    ReportFormatOpt,
    RoundsOpt,
    ScenarioArg,
    SchedulerOpt,
    SchedulerTimeoutOpt,
    SetOpt,
    SpreadOpt,
    StoreOpt,
    VariantOpt,
    WorkersOpt,
    app,
    err,
    executor_from,
    load_source,
    note_nothing_uncertain,
    out,
    output_path,
    parse_settings,
    print_json,
    progress_bar,
)


@app.command()
def simulate(
    scenario: ScenarioArg = None,
    draws: DrawsOpt = 1000,
    seed: AnalysisSeedOpt = None,
    model: ModelOpt = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    set_: SetOpt = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            "--threshold",
            "-t",
            help="ISSUE:VALUE: report the probability that the "
            "outcome lands above and below VALUE (repeatable).",
        ),
    ] = None,
    spread: SpreadOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = 10.0,
    save_draws: Annotated[
        Path | None,
        typer.Option(
            "--save-draws",
            help="Save every draw (inputs and forecasts) to this "
            "Parquet file (needs kingmaker\\[parquet]).",
        ),
    ] = None,
    force: ForceOpt = False,
    output_format: OutputFormatOpt = OutputFormat.table,
    input_format: InputFormatOpt = None,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Monte Carlo over every uncertainty range: the distribution of each forecast."""
    from ..analysis.uncertainty import simulate as run_simulate
    from ..results.draws import check_draws_path
    from ..results.draws import save_draws as write_draws

    sc = load_source(scenario, input_format)
    if save_draws is not None:
        check_draws_path(output_path(save_draws, force), overwrite=force)
    options: dict[str, Any] = dict(
        models=model,
        draws=draws,
        seed=seed,
        thresholds=threshold or (),
        spread=spread,
        variant=variant,
        rounds=rounds,
        settings=parse_settings(set_),
        keep_inputs=save_draws is not None,
    )
    from ..analysis.inputs import parse_thresholds
    from ..analysis.plan import plan_models
    from .recording import recording

    plan_models(sc, model, variant=variant, rounds=rounds, settings=options["settings"])
    parse_thresholds(sc, threshold or ())  # every user mistake before starting workers
    execution = dict(workers=workers, dask=dask, scheduler=scheduler)
    with (
        recording(
            "simulate",
            save=not no_save,
            store=store,
            settings=options,
            scenario=sc,
            execution=execution,
        ) as run,
        executor_from(workers, dask, scheduler, scheduler_timeout) as executor,
        progress_bar(f"simulating {draws} draws") as progress,
    ):
        result = run_simulate(sc, executor=executor, progress=progress, **options)
        run.done(result)
    if not result.factors:
        note_nothing_uncertain(
            sc, "every draw uses the same numbers (only models that draw random numbers vary)"
        )
    if save_draws is not None:
        path = write_draws(result, save_draws, overwrite=force)
        err.print(f"saved {result.draws} draws to {path}")
    if output_format is OutputFormat.json:
        print_json(result.to_dict())
    elif output_format is OutputFormat.csv:
        sys.stdout.write(result.summary_frame().to_csv(index=False))
    else:
        show_simulation(sc, result)


def _simulation_tables(sc, result):
    """The simulation summary in two layouts of the same numbers: an issue column, then (when
    that is too wide) each issue as a heading row above its models, which fits 80 columns;
    numbers are never cut."""
    from rich import box
    from rich.table import Table

    dynamic = any(m.dynamic for m in result.models)
    heads = ["Point", "Median", "80% interval", "95% interval"]
    heads += ["Converged"] if dynamic else []
    for headed in (False, True):
        table = Table(box=box.SIMPLE_HEAD)
        if not headed:
            table.add_column("Issue", no_wrap=True, style="bold")
        table.add_column("Model", no_wrap=not headed, overflow="fold")
        for head in heads:
            label = {"Converged": "Con-\nverged"}.get(head, head.replace(" ", "\n"))
            table.add_column(label if headed else head, justify="right", no_wrap=True)
        table.add_column("Observed", justify="right", style="bold", no_wrap=True)
        for issue in sc.issues:
            d = decimals_for(issue.scale.min, issue.scale.max)
            observed = fmt(issue.outcome.value if issue.outcome else None, d)
            if headed:
                table.add_row(f"[bold]{issue.id}[/bold]", *[""] * len(heads), observed)
            for k, key in enumerate(result.model_keys):
                s = result.summary(key, issue.id)
                dist = s.distribution
                cells = [] if headed else [issue.id if k == 0 else ""]
                cells += [
                    f"  {key}" if headed else key,
                    fmt(s.point, d),
                    fmt(dist.median, d),
                    f"{fmt(dist.interval80[0], d)}-{fmt(dist.interval80[1], d)}",
                    f"{fmt(dist.interval95[0], d)}-{fmt(dist.interval95[1], d)}",
                ]
                if dynamic:
                    cells.append(f"{s.converged:.0%}")
                cells.append(observed if k == 0 and not headed else "")
                table.add_row(*cells, end_section=k == len(result.model_keys) - 1)
        yield table


def show_simulation(sc, result) -> None:
    from rich.table import Table

    n = len(result.factors)
    title = (
        f"{sc.scenario.title}  [dim]({sc.id}) - {result.draws} draws, seed {result.seed}, "
        f"{n} uncertain number{'s' if n != 1 else ''}"
        + (f", spread {result.spread:g}" if result.spread else "")
        + "[/dim]"
    )
    from .common import first_fitting
    from .forecast import print_calibrated

    out.print(title)  # above the table, not its title: a title wraps to the table's width
    out.print(first_fitting(_simulation_tables(sc, result)))
    out.print(
        "[dim]80% and 95% interval: over the Monte Carlo draws, the uncertainty of the inputs "
        "only.[/dim]",
        soft_wrap=True,
    )
    if result.calibrated:
        print_calibrated(
            sc,
            result.calibration,
            [
                (key, lambda issue, key=key: result.calibrated_intervals(key, issue))
                for key in result.model_keys
            ],
            "the point forecast",
        )
    if result.thresholds:
        table = Table(
            title="Probability that the outcome lands above / below a threshold",
            title_justify="left",
        )
        table.add_column("Issue", overflow="fold", max_width=24)
        table.add_column("Threshold", justify="right")
        for key in result.model_keys:
            table.add_column(key, justify="right")
        for t in result.thresholds:
            cells = [t.issue, f"{t.value:g}"]
            for key in result.model_keys:
                _, above, below = next(
                    x for x in result.summary(key, t.issue).thresholds if x[0] == t.value
                )
                cells.append(f"{above:.1%} / {below:.1%}")
            table.add_row(*cells)
        out.print(table)


@app.command()
def sensitivity(
    scenario: ScenarioArg = None,
    model: ModelOpt = None,
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method",
            help="tornado (each number at its range ends, one at a "
            "time) and/or sobol (variance-based indices); default: both.",
        ),
    ] = None,
    samples: Annotated[
        int,
        typer.Option(
            help="Sobol base sample (a power of two); the "
            "design runs each model SAMPLES x (numbers + 2) "
            "times."
        ),
    ] = 1024,
    resamples: Annotated[
        int, typer.Option(min=2, help="Bootstrap resamples for the Sobol confidence intervals.")
    ] = 100,
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
    output_format: ReportFormatOpt = ReportFormat.table,
    input_format: InputFormatOpt = None,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Rank the actors and numbers that drive each issue's outcome (tornado and Sobol)."""
    from ..analysis.plan import plan_models
    from ..analysis.sensitivity import METHODS, check_samples
    from ..analysis.sensitivity import sensitivity as run_sensitivity

    sc = load_source(scenario, input_format)
    methods = tuple(method or METHODS)
    for m in methods:
        if m not in METHODS:
            raise KingmakerError(f"--method must be one of {', '.join(METHODS)}, got {m!r}")
    if "sobol" in methods:
        check_samples(samples)
    from .recording import recording

    settings = parse_settings(set_)
    plan_models(sc, model, variant=variant, rounds=rounds, settings=settings)
    call: dict[str, Any] = dict(
        models=model,
        methods=methods,
        samples=samples,
        resamples=resamples,
        seed=seed,
        spread=spread,
        variant=variant,
        rounds=rounds,
        settings=settings,
    )
    execution = dict(workers=workers, dask=dask, scheduler=scheduler)
    with (
        recording(
            "sensitivity",
            save=not no_save,
            store=store,
            settings=call,
            scenario=sc,
            execution=execution,
        ) as run,
        executor_from(workers, dask, scheduler, scheduler_timeout) as executor,
        progress_bar("sensitivity runs") as progress,
    ):
        result = run_sensitivity(sc, executor=executor, progress=progress, **call)
        run.done(result)
    if not result.factors:
        note_nothing_uncertain(sc, "nothing can drive the outcomes and there is nothing to rank")
    if output_format is ReportFormat.json:
        print_json(result.to_dict())
    else:
        show_sensitivity(sc, result, top)


def show_sensitivity(sc, result, top: int) -> None:
    from rich.table import Table

    names = {a.id: a.name for a in sc.actors}
    head = (
        f"{sc.scenario.title}  ({sc.id}) - {len(result.factors)} uncertain numbers, "
        f"methods: {', '.join(result.methods)}"
        + (f", {result.samples} Sobol samples" if result.samples else "")
        + f", seed {result.seed}"
    )
    out.print(head, markup=False)
    if not result.factors:
        return
    sobol = "sobol" in result.methods
    tornado = "tornado" in result.methods
    for r in result.results:
        issue = sc.issue(r.issue)
        d = decimals_for(issue.scale.min, issue.scale.max)
        shown = [e for e in r.effects if e.matters][:top]
        table = Table(
            title=f"{r.issue} - {r.model}  [dim](point forecast {fmt(r.point, d)}"
            + (
                f", sd {math.sqrt(r.variance):.{d}f}"
                if r.variance is not None and math.isfinite(r.variance)
                else ""
            )
            + ")[/dim]",
            title_justify="left",
        )
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
            what = f"{names.get(f.actor, f.actor)}: {f.parameter}" + (
                f" on {f.issue}" if f.issue and f.issue != r.issue else ""
            )
            cells = [str(k), what, f"{f.low:.3g}..{f.high:.3g}"]
            if tornado:
                cells.append(f"{e.at_high - e.at_low:+.{d}f}")
            if sobol:
                cells += [
                    f"{e.s1:.2f}+-{e.s1_conf:.2f}" if e.s1 is not None else "-",
                    f"{e.st:.2f}+-{e.st_conf:.2f}" if e.st is not None else "-",
                ]
            table.add_row(*cells)
        if not shown:
            out.print(
                f"{r.issue} - {r.model}: no uncertain number moves this forecast", markup=False
            )
            continue
        out.print(table)
        ranked = [a for a in r.actors if (a.total_sum or a.largest_swing)][:top]
        if sobol:
            line = ", ".join(
                f"{names.get(a.actor, a.actor)} {fmt(a.first_order_sum, 2)}..{fmt(a.total_sum, 2)}"
                for a in ranked
            )
            out.print(
                f"  actors (share of variance: alone..with interactions): {line}",
                markup=False,
                soft_wrap=True,
            )
        else:
            line = ", ".join(
                f"{names.get(a.actor, a.actor)} {fmt(a.largest_swing, d)}" for a in ranked
            )
            out.print(f"  actors (largest swing): {line}", markup=False, soft_wrap=True)
