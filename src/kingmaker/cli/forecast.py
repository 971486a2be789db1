"""`kingmaker forecast`: every model's forecast of every issue, and what it means."""

from __future__ import annotations

import sys
from typing import Any

from ..report.numbers import decimals_for, fmt
from .common import (
    InputFormatOpt,
    ModelOpt,
    NoSaveOpt,
    OutputFormat,
    OutputFormatOpt,
    RoundsOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    StoreOpt,
    VariantOpt,
    app,
    load_source,
    out,
    parse_settings,
    print_json,
)


@app.command()
def forecast(
    scenario: ScenarioArg = None,
    model: ModelOpt = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    output_format: OutputFormatOpt = OutputFormat.table,
    input_format: InputFormatOpt = None,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Forecast each issue's outcome with one or more models."""
    from ..analysis.forecast import forecast as run_forecast
    from .recording import recording

    sc = load_source(scenario, input_format)
    call: dict[str, Any] = dict(
        models=model, variant=variant, rounds=rounds, seed=seed, settings=parse_settings(set_)
    )
    with recording("forecast", save=not no_save, store=store, settings=call, scenario=sc) as run:
        result = run_forecast(sc, **call)
        run.done(result)
    if output_format is OutputFormat.json:
        print_json(result.to_dict())
    elif output_format is OutputFormat.csv:
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        show_forecast(sc, result)


def _forecast_tables(sc, result, title: str, shared_scale: str | None):
    """Three layouts of the same numbers, widest first: issues x models, models x issues, long."""
    from rich import box
    from rich.table import Table

    def scale_text(issue) -> str:
        unit = f" {issue.scale.unit}" if issue.scale.unit else ""
        return f"{issue.scale.min:g}-{issue.scale.max:g}{unit}"

    def number(issue, x) -> str:
        return fmt(x, decimals_for(issue.scale.min, issue.scale.max))

    def observed(issue) -> float | None:
        return issue.outcome.value if issue.outcome else None

    def new_table():
        return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)

    wide = new_table()
    wide.add_column("Issue", no_wrap=True, style="bold")
    if shared_scale is None:
        wide.add_column("Scale", justify="right", no_wrap=True)
    for run in result.runs:
        wide.add_column(run.label.replace(":", "\n"), justify="right", no_wrap=True)
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
        tall.add_row(run.label, *[number(i, run.issue(i.id).forecast) for i in sc.issues])
    tall.add_row("observed", *[number(i, observed(i)) for i in sc.issues], style="bold")
    yield tall

    long = new_table()
    for name in ("Issue", "Model", "Forecast", "Observed"):
        long.add_column(name, justify="left" if name in ("Issue", "Model") else "right")
    for issue in sc.issues:
        for k, run in enumerate(result.runs):
            long.add_row(
                issue.id if k == 0 else "",
                run.label,
                number(issue, run.issue(issue.id).forecast),
                number(issue, observed(issue)) if k == 0 else "",
            )
    yield long


def first_fitting(tables):
    """The first of ``tables`` (layouts of the same numbers) whose natural width fits the
    terminal, else the last: numbers are never cut to fit."""
    table = None
    for table in tables:
        natural = out.measure(table, options=out.options.update(max_width=10_000)).maximum
        if natural <= out.width:
            break
    return table


def show_forecast(sc, result) -> None:
    scales = {(i.scale.min, i.scale.max, i.scale.unit) for i in sc.issues}
    shared = None
    if len(scales) == 1:
        lo, hi, unit = scales.pop()
        shared = f"{lo:g}-{hi:g}" + (f" {unit}" if unit else "")
    title = f"{sc.scenario.title}  [dim]({sc.id}"
    title += f"; every issue on {shared})[/dim]" if shared else ")[/dim]"
    out.print(first_fitting(_forecast_tables(sc, result, title, shared)))
    dynamic = []
    for run in result.runs:
        rounds = [run.issue(i).rounds for i in sc.issue_ids]
        if any(rounds):
            counts = str(rounds[0]) if len(set(rounds)) == 1 else "/".join(map(str, rounds))
            dynamic.append(f"{run.label} {counts}")
    if dynamic:
        out.print(f"[dim]Rounds run: {'; '.join(dynamic)}[/dim]", soft_wrap=True)
    _print_calibrated(sc, result)
    _print_meanings(sc, result)


def shown_level(calibration) -> float:
    """The level the tables show: 80% when the calibration has it."""
    return 0.8 if 0.8 in calibration.levels else max(calibration.levels)


def calibrated_note(calibration, what: str) -> str:
    """One line saying what a calibrated interval is, beside the Monte Carlo ones."""
    from ..results.calibration import level_percent

    levels = ", ".join(level_percent(x) for x in calibration.levels)
    return (
        f"[dim]Calibrated on DEU III: {what} +- the model's absolute error on DEU III's "
        f"{calibration.n_cases} EU decisions (conformal; levels {levels}; calibration "
        f"{calibration.fingerprint[:12]}), rescaled to each issue's scale: the model's own "
        "error, which Monte Carlo intervals (input uncertainty only) leave out.[/dim]"
    )


def _print_calibrated(sc, result) -> None:
    """Each calibrated model's interval per issue (nothing without a calibration)."""
    print_calibrated(
        sc,
        result.calibration,
        [(run.label, lambda issue, run=run: run.issue(issue).calibrated) for run in result.runs],
        "the forecast",
    )


def print_calibrated(sc, cal, models, around: str) -> None:
    """A table of calibrated intervals for ``models``: (label, issue id -> {level: (low, high)})
    pairs; nothing without a calibration or a calibrated model. Laid out as the forecast
    table is (issues as rows, then models as rows, then one row per issue and model), the
    first layout that fits the terminal."""
    from ..results.calibration import level_percent

    shown = [(label, get) for label, get in models if any(get(i.id) for i in sc.issues)]
    if cal is None or not shown:
        return
    level = shown_level(cal)
    title = f"{level_percent(level)} calibrated (DEU III)"

    def interval(issue, get) -> str:
        d = decimals_for(issue.scale.min, issue.scale.max)
        iv = get(issue.id).get(level)
        return f"{fmt(iv[0], d)}-{fmt(iv[1], d)}" if iv else "-"

    out.print()
    out.print(first_fitting(_calibrated_tables(sc, shown, title, interval)))
    out.print(calibrated_note(cal, around), soft_wrap=True)


def _calibrated_tables(sc, shown, title: str, interval):
    """The calibrated intervals in three layouts, as :func:`_forecast_tables`."""
    from rich import box
    from rich.table import Table

    def new_table():
        return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)

    by_issue = new_table()
    by_issue.add_column("Issue", no_wrap=True, style="bold")
    for label, _ in shown:
        by_issue.add_column(label.replace(":", "\n"), justify="right", no_wrap=True)
    for issue in sc.issues:
        by_issue.add_row(issue.id, *[interval(issue, get) for _, get in shown])
    yield by_issue

    by_model = new_table()
    by_model.add_column("Model", no_wrap=True, style="bold")
    for issue in sc.issues:
        by_model.add_column(issue.id, justify="right", no_wrap=True)
    for label, get in shown:
        by_model.add_row(label, *[interval(issue, get) for issue in sc.issues])
    yield by_model

    long = new_table()
    for name in ("Issue", "Model", "Interval"):
        long.add_column(name, justify="right" if name == "Interval" else "left", no_wrap=True)
    for issue in sc.issues:
        for k, (label, get) in enumerate(shown):
            long.add_row(issue.id if k == 0 else "", label, interval(issue, get))
    yield long


def _print_meanings(sc, result) -> None:
    """Each issue's question and, in words, what each forecast means: the nearest labelled
    point of the issue's scale."""
    lines: list[str] = []
    for issue in sc.issues:
        lines.append(f"[bold]{issue.id}[/bold]  [dim]{issue.question}[/dim]")
        if not issue.scale.anchors:
            continue
        d = decimals_for(issue.scale.min, issue.scale.max)
        points = [(run.label, run.issue(issue.id).forecast) for run in result.runs]
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
