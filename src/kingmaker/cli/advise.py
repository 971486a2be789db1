"""`kingmaker advise`: what an actor's levers do, which levers it has, what reaches a target."""

from __future__ import annotations

import math
from enum import Enum
from typing import Annotated, Any

import typer
from rich.console import Console

from ..report.numbers import signed
from .common import (
    AnalysisSeedOpt,
    DaskOpt,
    InputFormatOpt,
    ModelOpt,
    NoSaveOpt,
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
    executor_from,
    load_source,
    out,
    parse_settings,
    print_json,
    progress_bar,
)


class Presets(str, Enum):
    own = "own"
    all = "all"
    none = "none"


@app.command()
def advise(
    scenario: ScenarioArg = None,
    actor: Annotated[
        str,
        typer.Option(
            "--actor", "-a", help="The actor whose levers are analysed (an actor id, e.g. iran)."
        ),
    ] = ...,  # type: ignore[assignment]  # typer's mark of a required option
    issue: Annotated[
        list[str] | None,
        typer.Option(
            "--issue",
            "-i",
            help="Judge the actor's gain on this issue only (repeatable). "
            "Default: every issue it has a position on.",
        ),
    ] = None,
    model: ModelOpt = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    set_: SetOpt = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            help="ISSUE<VALUE, ISSUE>VALUE or ISSUE:VALUE: find the smallest "
            "single changes that bring the forecast there (repeatable).",
        ),
    ] = None,
    presets: Annotated[
        Presets,
        typer.Option(
            help="Which of the scenario's interventions to evaluate: the actor's own, all, or none."
        ),
    ] = Presets.own,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            "-n",
            min=0,
            help="Paired draws (with and "
            "without each preset, on common random numbers); 0: "
            "point values only.",
        ),
    ] = 100,
    check: Annotated[
        int, typer.Option(min=0, help="Also run the best CHECK levers on the paired draws.")
    ] = 3,
    top: Annotated[int, typer.Option(min=1, help="Levers shown in the table.")] = 10,
    step_position: Annotated[
        float,
        typer.Option(
            min=0.001,
            max=1.0,
            help="Size of a searched position move, as a fraction of the issue's scale.",
        ),
    ] = 0.1,
    step_salience: Annotated[
        float, typer.Option(min=0.001, max=1.0, help="Size of a searched salience move.")
    ] = 0.1,
    coercion: Annotated[
        float,
        typer.Option(min=0.0, max=0.999, help="Factor a coerced actor's capability is cut to."),
    ] = 0.8,
    no_propagate: Annotated[
        bool, typer.Option("--no-propagate", help="Do not carry a patron's moves to its proxies.")
    ] = False,
    seed: AnalysisSeedOpt = None,
    spread: SpreadOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = 10.0,
    output_format: ReportFormatOpt = ReportFormat.table,
    input_format: InputFormatOpt = None,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Who can move the outcome: an actor's presets, its best levers, and what reaches a target."""
    from ..analysis.influence import advise as run_advise
    from ..results.advice import Steps
    from .recording import recording

    sc = load_source(scenario, input_format)
    steps = Steps(position=step_position, salience=step_salience, capability=coercion)
    call: dict[str, Any] = dict(
        actor=actor,
        models=model,
        issues=issue,
        targets=target or (),
        presets=presets.value,
        draws=draws,
        check=check,
        seed=seed,
        steps=steps,
        propagate=not no_propagate,
        spread=spread,
        variant=variant,
        rounds=rounds,
        settings=parse_settings(set_),
    )
    execution = dict(workers=workers, dask=dask, scheduler=scheduler)
    with (
        recording(
            "advise", save=not no_save, store=store, settings=call, scenario=sc, execution=execution
        ) as run,
        executor_from(workers, dask, scheduler, scheduler_timeout) as executor,
        progress_bar("advising") as bar,
    ):
        result = run_advise(
            sc,
            executor=executor,
            progress=lambda stage, done, total: bar(done, total),
            **call,
        )
        run.done(result)
    if output_format is ReportFormat.json:
        print_json(result.to_dict())
    else:
        show_advice(result, top)


def show_advice(result, top: int) -> None:
    """The advice tables on stdout; a report written to a file or pipe gets room for its
    columns."""
    con = (
        out
        if out.is_terminal
        else Console(highlight=False, soft_wrap=False, width=max(out.width, 120))
    )
    _print_advice(con, result, top)


def _print_advice(out: Console, adv, top: int) -> None:
    import numpy as np
    from rich.table import Table

    ob = adv.objective
    who = adv.actor_name
    out.print(f"[bold]{adv.title}[/bold]  ({adv.scenario}) - levers of {who}", soft_wrap=True)
    seed = f", seed {adv.seed}" if adv.draws else ""
    out.print(
        f"[dim]models: {', '.join(adv.models)}; paired draws: {adv.draws or 'none'}"
        f"{seed}; proxies follow their patrons: {'yes' if adv.propagate else 'no'}[/dim]",
        soft_wrap=True,
    )

    table = Table(title=f"What {who} wants, and the forecasts", title_justify="left")
    for col in ("Issue", "Its position", "Weight", *adv.models):
        table.add_column(col, justify="left" if col == "Issue" else "right", overflow="fold")
    for i, p, w in zip(ob.issues, ob.ideal, ob.weight, strict=True):
        j = adv.issues.index(i)
        table.add_row(i, f"{p:g}", f"{w:.2f}", *(signed(v, 1, False) for v in adv.base[:, j]))
    out.print(table)
    out.print(
        "[dim]Gain: how much closer the forecasts come to the actor's positions, "
        "weighted by its saliences (points of a 0-100 scale); a negative gain moves them "
        "away.[/dim]",
        soft_wrap=True,
    )

    for o in adv.presets:
        _print_outcome(out, adv, o)

    levers = adv.levers
    shown = [o for o in levers if math.isfinite(o.mean_gain)][:top]
    checked = any(o.paired is not None for o in shown)
    table = Table(title=f"Best levers of {who} (of {len(levers)} searched)", title_justify="left")
    cols = ["#", "Lever", "Cost", "Gain", "Gain/cost", "Models gaining", "Gain by model"]
    if checked:
        cols.append("Gain on draws (80%)")
    for col in cols:
        table.add_column(
            col, justify="left" if col in ("Lever", "Gain by model") else "right", overflow="fold"
        )
    for rank, o in enumerate(shown, start=1):
        finite = o.gain[np.isfinite(o.gain)]
        row = [
            str(rank),
            o.intervention.name,
            f"{o.cost:.2f}",
            signed(o.mean_gain, 2),
            signed(o.gain_per_cost, 1),
            f"{o.agree}/{len(adv.models)}",
            f"{signed(finite.min(), 1)}..{signed(finite.max(), 1)}" if finite.size else "-",
        ]
        if checked:
            row.append(_paired_gain(o))
        table.add_row(*row)
    out.print(table)
    out.print(
        "[dim]Gain: mean over the models; Gain by model: the smallest..largest. Cost: the "
        "size of the change (a position move as a share of the scale, a salience move, "
        "the share of capability cut; 1 for leaving the table). Each model's gain is in "
        "the JSON output (--format json).[/dim]",
        soft_wrap=True,
    )

    _print_who_matters(out, adv)

    for res in _by_target(adv.targets):
        _print_target(out, adv, res)


def _print_who_matters(out: Console, adv) -> None:
    """Each other actor kept away from the table: a measure of who matters to the actor's
    aims (for or against), not a lever it is assumed to have."""
    import numpy as np
    from rich.table import Table

    away = [o for o in adv.who_matters if math.isfinite(o.mean_gain)]
    if not away:
        return
    table = Table(
        title=f"Who matters to {adv.actor_name}: its gain if one actor were kept "
        "away from the table",
        title_justify="left",
    )
    for col in ("Actor", "Gain", "Models gaining", "Gain by model"):
        table.add_column(col, justify="left" if col in ("Actor", "Gain by model") else "right")
    for o in away:
        finite = o.gain[np.isfinite(o.gain)]
        table.add_row(
            adv.names.get(o.lever.target, o.lever.target),
            signed(o.mean_gain, 2),
            f"{o.agree}/{len(adv.models)}",
            f"{signed(finite.min(), 1)}..{signed(finite.max(), 1)}",
        )
    out.print(table)
    out.print(
        "[dim]A positive gain: the actor is better off without them (they pull the "
        "outcome away from it); negative: they pull for it.[/dim]",
        soft_wrap=True,
    )


def _paired_gain(o) -> str:
    """Mean over the models of the gain's mean and 80% interval on the paired draws."""
    if o.paired is None:
        return ""
    dists = [g for g in o.paired.gain.values() if g.draws]
    if not dists:
        return "-"
    mean = sum(g.mean for g in dists) / len(dists)
    lo = sum(g.interval80[0] for g in dists) / len(dists)
    hi = sum(g.interval80[1] for g in dists) / len(dists)
    return f"{signed(mean, 2)} ({signed(lo, 1)}..{signed(hi, 1)})"


def _print_outcome(out: Console, adv, o) -> None:
    from rich.table import Table

    title = f"Preset: {o.intervention.name}  [dim]({o.intervention.id}"
    if o.error:
        out.print(f"{title})[/dim]\n  [red]could not be applied:[/red] {o.error}", soft_wrap=True)
        return
    title += f", cost {o.cost:.2f})[/dim]"
    table = Table(title=title, title_justify="left")
    table.add_column("Model")
    for i in adv.issues:
        table.add_column(f"{i} change", justify="right")
    table.add_column("Gain", justify="right")
    for k, key in enumerate(adv.models):
        cells = []
        for j, i in enumerate(adv.issues):
            cell = signed(o.delta[k, j])
            if (
                o.paired is not None
                and key in o.paired.differences
                and i in o.paired.differences[key]
            ):
                lo, hi = o.paired.differences[key][i].distribution.interval80
                cell += f" [dim]({signed(lo)}..{signed(hi)})[/dim]"
            cells.append(cell)
        gain = signed(o.gain[k], 2)
        if o.paired is not None and key in o.paired.gain:
            g = o.paired.gain[key]
            gain += f" [dim]({signed(g.interval80[0], 1)}..{signed(g.interval80[1], 1)})[/dim]"
        table.add_row(key, *cells, gain)
    out.print(table)
    if o.paired is not None:
        out.print(
            "[dim]Before the brackets: the change on the scenario's own numbers; in brackets: "
            "the 80% interval of the change over the paired draws (a dynamic model's change "
            "on the given numbers can lie outside it).[/dim]",
            soft_wrap=True,
        )


def _by_target(results):
    groups: dict[str, list] = {}
    for r in results:
        groups.setdefault(str(r.target), []).append(r)
    return list(groups.values())


def _print_target(out: Console, adv, results) -> None:
    from rich.table import Table

    t = results[0].target
    way = {"below": "at or below", "above": "at or above"}.get(t.direction, "to")
    table = Table(
        title=f"Smallest single changes for {t.issue} {way} {t.value:g}", title_justify="left"
    )
    for col in ("Model", "Now", "Smallest change", "Cost", "Then"):
        table.add_column(
            col, justify="left" if col in ("Model", "Smallest change") else "right", overflow="fold"
        )
    knife = []
    for r in results:
        if r.already:
            table.add_row(r.model, signed(r.forecast, 1, False), "already there", "-", "-")
            continue
        if not r.reaches:
            table.add_row(
                r.model,
                signed(r.forecast, 1, False),
                "[yellow]not reachable within bounds[/yellow] by one change",
                "-",
                "-",
            )
            continue
        for n, reach in enumerate(r.reaches[:3]):
            table.add_row(
                r.model if n == 0 else "",
                signed(r.forecast, 1, False) if n == 0 else "",
                reach.intervention.name,
                f"{reach.cost:.3g}",
                signed(reach.forecast, 1, False),
            )
        if r.reaches[0].cost < 0.01:
            knife.append(r.model)
    out.print(table)
    out.print(
        "[dim]Each change alone, within bounds (positions on the scale, saliences 0-1, "
        "capabilities 0-3 x); proxies follow their patrons. Ranked by cost.[/dim]",
        soft_wrap=True,
    )
    if knife:
        out.print(
            f"[yellow]note:[/yellow] in {', '.join(knife)} a change of less than 1% "
            "reaches the target: the forecast sits on a knife edge, where small "
            "errors in the inputs flip it; read those models' answers with care.",
            soft_wrap=True,
        )
