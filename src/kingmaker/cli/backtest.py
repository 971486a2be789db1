"""`kingmaker backtest`: forecasts scored against recorded outcomes."""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import KingmakerError
from ..report.numbers import decimals_for, fmt
from .common import (
    DaskOpt,
    ForceOpt,
    InputFormatOpt,
    NoSaveOpt,
    ReportFormat,
    ReportFormatOpt,
    SchedulerOpt,
    SchedulerTimeoutOpt,
    SetOpt,
    StoreOpt,
    WorkersOpt,
    app,
    err,
    executor_from,
    load_source,
    out,
    output_path,
    parse_settings,
    print_json,
)


class Capability(str, Enum):
    equal = "equal"
    council = "council"
    gdp = "gdp"


class Unit(str, Enum):
    proposal = "proposal"
    issue = "issue"


@app.command()
def backtest(
    target: Annotated[
        str,
        typer.Argument(
            help="`deu3` (the DEU III dataset shipped with Kingmaker), or a scenario file or "
            "embedded scenario whose issues record observed outcomes.",
            show_default=False,
        ),
    ],
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--models",
            "--model",
            "-m",
            help="Model to score (repeatable; "
            "`NAME:VARIANT` for a variant). Default: every model and variant.",
        ),
    ] = None,
    capability: Annotated[
        Capability | None,
        typer.Option(
            help="DEU III capability option: equal (default), council (voting weights of the "
            "treaty period) or gdp."
        ),
    ] = None,
    unit: Annotated[
        Unit | None,
        typer.Option(help="DEU III scenarios: one per proposal (default) or per issue."),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=0,
            help="Monte Carlo draws per scenario for the "
            "coverage of 80%/95% intervals (0: none; --write-docs for deu3: 200).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the bootstrap and the draws.")] = 0,
    resamples: Annotated[int, typer.Option(min=1, help="Bootstrap resamples.")] = 2000,
    set_: SetOpt = None,
    output_format: ReportFormatOpt = ReportFormat.table,
    write_docs: Annotated[
        Path | None,
        typer.Option(
            "--write-docs",
            help="Also write a Markdown report there (for deu3: the complete "
            "leaderboard page, docs/backtest.md); an existing file only with --force.",
        ),
    ] = None,
    write_calibration: Annotated[
        Path | None,
        typer.Option(
            "--write-calibration",
            help="With deu3 and --write-docs: also write the calibration `forecast` and "
            "`simulate` apply (src/kingmaker/data/deu3/calibration.json); an existing file "
            "only with --force.",
        ),
    ] = None,
    force: ForceOpt = False,
    input_format: InputFormatOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = 10.0,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Score the models' forecasts against recorded outcomes (MAE, RMSE, paired bootstrap).

    Scenarios are forecast in chunks on the chosen executor (in-process by default); the
    results are the same on every executor."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..analysis.backtest import backtest as run_backtest
    from ..files import write_atomic
    from ..report.backtest import render_deu3, render_scenario
    from .recording import recording

    if write_docs is not None:
        output_path(write_docs, force)
    dataset = target == "deu3"
    if write_calibration is not None:
        if not dataset or write_docs is None:
            raise KingmakerError("--write-calibration needs the deu3 target and --write-docs")
        output_path(write_calibration, force)
    # the second accuracy round is defined on DEU III as the page uses it
    accuracy_view = (
        dataset
        and capability in (None, Capability.equal)
        and unit
        in (
            None,
            Unit.proposal,
        )
    )
    report = None
    sc = None if dataset else load_source(target, input_format)
    options: dict[str, Any] = dict(
        seed=seed, resamples=resamples, settings=parse_settings(set_), progress=None
    )
    call: dict[str, Any] = dict(
        source=target if dataset else None,
        models=model,
        capability=capability.value if capability else None,
        unit=unit.value if unit else None,
        draws=(draws or 200) if dataset and write_docs is not None else draws,
        seed=seed,
        resamples=resamples,
        settings=options["settings"],
    )
    execution = dict(workers=workers, dask=dask, scheduler=scheduler)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} scenarios"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with (
        recording(
            "backtest",
            save=not no_save,
            store=store,
            settings=call,
            scenario=sc,
            target=target,
            execution=execution,
        ) as run,
        executor_from(workers, dask, scheduler, scheduler_timeout) as executor,
        progress,
    ):
        tasks: dict[str, Any] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        if dataset and write_docs is not None:  # the whole page: every option, calibration
            from ..analysis.backtest.deu3 import deu3_report

            report = deu3_report(
                model, draws=draws or 200, executor=executor, **{**options, "progress": tick}
            )
            board = report.leaderboards[capability.value if capability else "equal"]
            page = render_deu3(report)
        else:
            board = run_backtest(
                "deu3" if sc is None else sc,  # sc is None only for the DEU III dataset
                model,
                capability=capability.value if capability else None,
                unit=unit.value if unit else None,
                draws=draws,
                executor=executor,
                **{**options, "progress": lambda d, t: tick("forecasting", d, t)},
            )
            page = render_scenario(board) if write_docs is not None else ""
        run.done(board)
    if write_docs is not None:
        write_atomic(write_docs, page, overwrite=force)
        err.print(f"wrote {write_docs}")
    if write_calibration is not None and report is not None:
        import json

        text = json.dumps(report.calibration_table, indent=1, allow_nan=False) + "\n"
        write_atomic(write_calibration, text, overwrite=force)
        err.print(f"wrote {write_calibration}")
    accuracy = None
    if accuracy_view:
        if report is not None and report.accuracy is not None:
            accuracy = report.accuracy
        else:
            from ..analysis.backtest.accuracy import accuracy_round

            accuracy = accuracy_round(seed=seed, resamples=resamples)
    if output_format is ReportFormat.json:
        print_json(board.to_dict() | (accuracy.to_dict() if accuracy is not None else {}))
    else:
        show_backtest(board, per_case=not dataset)
        if accuracy is not None:
            show_accuracy(accuracy)


def show_accuracy(acc) -> None:
    """The second accuracy round's table (nested CV over every DEU III issue)."""
    from rich.table import Table

    table = Table(
        title=f"Nested cross-validation by proposal ({acc.baseline.repetitions} x "
        f"{acc.baseline.folds} folds, {acc.baseline.n} issues): held-out MAE vs compromise "
        f"{acc.baseline.mae:.2f}",
        title_justify="left",
    )
    for col in ("candidate", "MAE", "difference", "95% interval", "verdict"):
        table.add_column(col, justify="right" if col in ("MAE", "difference") else "left")
    for c in sorted(acc.candidates, key=lambda c: c.difference.estimate):
        d = c.difference
        table.add_row(
            c.name,
            f"{c.mae:.2f}",
            f"{d.estimate:+.2f}",
            f"{d.low:+.2f} to {d.high:+.2f}",
            acc.verdict(c),
        )
    out.print(table)
    cal = "; ".join(
        f"{c.level:.0%}: {c.coverage:.1%} (+-{c.width / 2:.0f})" for c in acc.baseline.intervals
    )
    out.print(f"Cross-conformal coverage of the compromise model's intervals: {cal}")
    if acc.test is not None:
        t = acc.test
        out.print(
            f"Test part, scored once for {t.candidate} ({t.setting}): difference "
            f"{t.difference.estimate:+.2f} ({t.difference.low:+.2f} to "
            f"{t.difference.high:+.2f}), Holm-corrected p = {t.holm_p:.3f}"
        )


def show_backtest(board, per_case: bool) -> None:
    from rich.table import Table

    about = board.target + (f", {board.description}" if board.description else "")
    title = f"Backtest: {board.title}  [dim]({about})[/dim]"
    table = Table(title=title, title_justify="left")
    levels = sorted({lv for r in board.rows for lv in r.coverage})
    for col in (
        "#",
        "Forecast",
        "n",
        "MAE",
        "RMSE",
        "MedAE",
        f"MAE - {board.baseline} [{board.level:.0%} CI]",
    ):
        table.add_column(col, justify="left" if col == "Forecast" else "right")
    for lv in levels:
        table.add_column(f"{lv:.0%} coverage", justify="right")
    for rank, r in enumerate(board.rows, start=1):
        d = r.vs_baseline
        diff = (
            "[dim]baseline[/dim]"
            if d is None
            else f"{d.estimate:+.2f}"
            + (
                " [dim](one issue)[/dim]"
                if math.isnan(d.low)
                else f" [{d.low:+.2f}, {d.high:+.2f}]"
            )
        )
        name = r.key + (" [dim](reference)[/dim]" if r.kind == "reference" else "")
        cells = [
            str(rank),
            name,
            str(r.scores.n),
            f"{r.scores.mae:.2f}",
            f"{r.scores.rmse:.2f}",
            f"{r.scores.medae:.2f}",
            diff,
        ]
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
            d = decimals_for(*case.scale)
            for r in board.rows:
                f = float(board.forecast(r.key)[k])
                cases.add_row(
                    case.issue, r.key, fmt(f, d), fmt(case.observed, d), fmt(f - case.observed, d)
                )
        out.print(cases)
    for key, messages in board.run.failures.items():
        err.print(
            f"[yellow]warning:[/yellow] {key} could not run on {len(messages)} "
            f"scenario(s), e.g. {messages[0]}",
            soft_wrap=True,
        )
