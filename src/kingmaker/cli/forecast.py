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
    first_fitting,
    issue_model_tables,
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

    def scale_text(issue) -> str:
        unit = f" {issue.scale.unit}" if issue.scale.unit else ""
        return f"{issue.scale.min:g}-{issue.scale.max:g}{unit}"

    def number(issue, x) -> str:
        return fmt(x, decimals_for(issue.scale.min, issue.scale.max))

    def observed(issue) -> str:
        return number(issue, issue.outcome.value if issue.outcome else None)

    return issue_model_tables(
        title,
        sc.issues,
        [run.label for run in result.runs],
        lambda issue, k: number(issue, result.runs[k].issue(issue.id).forecast),
        per_issue=[("Observed", observed, "observed")],
        leading=[] if shared_scale else [("Scale", scale_text)],
    )


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
    labels = [label for label, _ in shown]
    tables = issue_model_tables(
        title, sc.issues, labels, lambda issue, k: interval(issue, shown[k][1]), value="Interval"
    )
    out.print(first_fitting(tables))
    out.print(calibrated_note(cal, around), soft_wrap=True)


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
