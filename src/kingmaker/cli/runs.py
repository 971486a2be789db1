"""`kingmaker runs`: the run store. List, show, compare, re-make, export and delete runs."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import KingmakerError
from .common import ForceOpt, ListFormat, StoreOpt, app, err, out, output_path, print_json

runs_app = typer.Typer(
    help="The run store: every forecast, simulate, sensitivity, advise and backtest run.",
    no_args_is_help=True,
)
app.add_typer(runs_app, name="runs")

IdArg = Annotated[str, typer.Argument(help="A run id, or a unique prefix of one.")]


class ShowFormat(str, Enum):
    table = "table"
    json = "json"


def wide_enough(console):
    """The console, or for output to a file or pipe one wide enough for whole rows."""
    from rich.console import Console

    if console.is_terminal:
        return console
    return Console(highlight=False, soft_wrap=False, width=max(console.width, 160))


def _open(store: str | None):
    from ..store import open_store

    return open_store(store)


def _short_ids(ids: list[str], least: int = 10) -> dict[str, str]:
    """Each id cut to the shortest prefix (at least ``least`` characters) no other id shares."""
    order = sorted(ids)
    short = {}
    for n, i in enumerate(order):
        need = least
        for other in (order[n - 1] if n else "", order[n + 1] if n + 1 < len(order) else ""):
            common = next(
                (k for k, (a, b) in enumerate(zip(i, other, strict=False)) if a != b), len(other)
            )
            need = max(need, common + 1)
        short[i] = i[:need]
    return short


@runs_app.command("list")
def list_runs(
    scenario: Annotated[str | None, typer.Option(help="Only runs on this scenario id.")] = None,
    command: Annotated[str | None, typer.Option(help="Only runs of this command.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only runs made since (YYYY-MM-DD or an ISO time, UTC).")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Only runs with this status (running, complete, failed).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many runs, newest first.")] = 20,
    output_format: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
    store: StoreOpt = None,
) -> None:
    """The runs kept in the store, newest first."""
    with _open(store) as st:
        filters = dict(scenario=scenario, command=command, since=since, status=status)
        if output_format is ListFormat.csv:
            frame = st.runs(limit=limit, **filters)
            # the same ISO form as --format json
            sys.stdout.write(frame.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ"))
            return
        rows = st.summaries(limit=limit, **filters)
        if output_format is ListFormat.json:
            print_json([r.summary() for r in rows])
            return
        total = st.count()
        where = st.url
    if not rows:
        out.print(f"No runs{' match' if any(filters.values()) else ''} in {where}.")
        return
    _runs_table(rows, total, where)


def _runs_table(rows, total: int, where: str) -> None:
    from rich import box
    from rich.table import Table

    short = _short_ids([r.id for r in rows])
    table = Table(box=box.SIMPLE_HEAD, title_justify="left")
    table.title = f"Runs in {where}: {len(rows)} of {total}, newest first"
    for name in ("Id", "Created (UTC)", "Command", "Scenario", "Models", "Seed", "Status", "Time"):
        table.add_column(name, justify="right" if name == "Time" else "left", no_wrap=True)
    style = {"complete": "", "failed": "red", "running": "yellow"}
    for r in rows:
        models = r.settings.get("models")
        seed = r.settings.get("seed")
        table.add_row(
            short[r.id],
            r.created[:19].replace("T", " "),
            r.command,
            r.scenario_id,
            ", ".join(models) if models else "default",
            "" if seed is None else (str(seed) if not isinstance(seed, list) else "drawn"),
            f"[{style.get(r.status, '')}]{r.state}[/]" if style.get(r.status) else r.state,
            "" if r.wall_time is None else f"{r.wall_time:.2f} s",
        )
    wide_enough(out).print(table)


@runs_app.command("show")
def show(
    run_id: IdArg,
    output_format: Annotated[ShowFormat, typer.Option("--format")] = ShowFormat.table,
    top: Annotated[int, typer.Option(min=1, help="Rows per table, as the command's --top.")] = 10,
    store: StoreOpt = None,
) -> None:
    """A stored run's result, shown as the command that made it showed it."""
    with _open(store) as st:
        run = st.run(run_id)
    if output_format is ShowFormat.json:
        if run.result is None:
            print_json(run.summary())
        else:
            print_json(run.result)
        return
    err.print(
        f"[dim]run {run.id}: {run.command} on {run.scenario_id}, {run.created[:19]} UTC, "
        f"Kingmaker {run.kingmaker_version}, {run.state}[/dim]",
        highlight=False,
    )
    if run.result is None:
        raise KingmakerError(
            f"run {run.id} is {run.state}"
            + (f": {run.error}" if run.error else "")
            + "; it has no result to show"
        )
    render(run, top)


def render(run, top: int = 10) -> None:
    """Print a stored run's record with its command's own tables."""
    record = run.record()
    if run.command == "forecast":
        from .forecast import show_forecast

        show_forecast(run.scenario(), record)
    elif run.command == "simulate":
        from .uncertainty import show_simulation

        show_simulation(run.scenario(), record)
    elif run.command == "sensitivity":
        from .uncertainty import show_sensitivity

        show_sensitivity(run.scenario(), record, top)
    elif run.command == "advise":
        from .advise import show_advice

        show_advice(record, top)
    elif run.command == "backtest":
        from .backtest import show_backtest

        show_backtest(record, per_case=run.scenario_document is not None)
    else:
        print_json(run.result)


@runs_app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="The earlier run (id or prefix).")],
    b: Annotated[str, typer.Argument(help="The later run (id or prefix).")],
    output_format: Annotated[ShowFormat, typer.Option("--format")] = ShowFormat.table,
    store: StoreOpt = None,
) -> None:
    """What changed from run A to run B: scenario numbers, settings, and every forecast."""
    from ..store import diff_runs

    with _open(store) as st:
        d = diff_runs(st.run(a, arrays=False), st.run(b, arrays=False))
    if output_format is ShowFormat.json:
        print_json(d.to_dict())
        return
    _print_diff(d)


def _value(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.6g}"
    text = json.dumps(x, ensure_ascii=False) if not isinstance(x, str) else x
    return text if len(text) <= 60 else text[:57] + "..."


def _print_diff(d) -> None:
    from rich import box
    from rich.table import Table

    from ..report.numbers import signed

    out.print(f"[bold]{d.a}[/bold] -> [bold]{d.b}[/bold]", highlight=False)
    if d.commands[0] != d.commands[1]:
        out.print(f"commands differ: {d.commands[0]} -> {d.commands[1]}")
    if d.scenarios[0] != d.scenarios[1]:
        out.print(f"scenarios differ: {d.scenarios[0]} -> {d.scenarios[1]}")
    if d.same_scenario:
        out.print("Scenario: the same (same content hash).")
    elif d.scenario:
        table = Table(title="Scenario changes", title_justify="left", box=box.SIMPLE_HEAD)
        for name in ("Where", "Old", "New"):
            table.add_column(name, overflow="fold")
        for c in d.scenario:
            table.add_row(c.where, _value(c.old), _value(c.new))
        out.print(table)
    if d.settings:
        table = Table(title="Settings changes", title_justify="left", box=box.SIMPLE_HEAD)
        for name in ("Setting", "Old", "New"):
            table.add_column(name)
        for c in d.settings:
            table.add_row(c.where, _value(c.old), _value(c.new))
        out.print(table)
    else:
        out.print("Settings: the same.")
    if not d.forecasts:
        out.print("No forecasts to compare (one of the runs has none).")
        return
    only_a, only_b = d.only_in
    if only_a:
        out.print(f"Models only in {d.a[:10]}: {', '.join(only_a)}")
    if only_b:
        out.print(f"Models only in {d.b[:10]}: {', '.join(only_b)}")
    both = [f for f in d.forecasts if f.change is not None]
    moved = d.moved
    if not moved:
        out.print(f"Forecasts both runs made: all {len(both)} the same.")
        return
    table = Table(
        title=f"Forecasts that moved ({len(moved)} of the {len(both)} both runs made)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for name in ("Model", "Issue", "Old", "New", "Change"):
        table.add_column(name, justify="left" if name in ("Model", "Issue") else "right")
    for f in moved:
        table.add_row(
            f.model,
            f.issue,
            _value(f.old),
            _value(f.new),
            "-" if f.change is None else signed(f.change, 3),
        )
    out.print(table)


@runs_app.command("rerun")
def rerun(run_id: IdArg, store: StoreOpt = None) -> None:
    """Run a stored run again (its stored scenario and settings, in this process) and say
    whether the result is byte-identical. Exit code 1 if it is not."""
    from ..__about__ import __version__
    from ..analysis.replay import replay
    from ..results import stable

    with _open(store) as st:
        run = st.run(run_id)
    if run.result is None:
        raise KingmakerError(f"run {run.id} is {run.state}: it has no result to compare with")
    sc = run.scenario() if run.scenario_document is not None else None
    err.print(f"[dim]re-running {run.command} of run {run.id} on {run.scenario_id}...[/dim]")
    again = replay(run.command, sc, run.settings)
    old = json.dumps(stable(dict(run.result)), sort_keys=True)
    new = json.dumps(stable(again.to_dict()), sort_keys=True)
    same_doc = old == new
    same_arrays = _same_arrays(run.arrays or {}, again.arrays())
    if same_doc and same_arrays:
        out.print(f"run {run.id}: re-made, byte-identical result.")
        return
    what = "result" if not same_doc else "draws"
    note = ""
    if run.kingmaker_version != __version__:
        note = f" (it was made by Kingmaker {run.kingmaker_version}; this is {__version__})"
    out.print(f"run {run.id}: re-made, the {what} DIFFERS{note}.")
    raise typer.Exit(1)


def _same_arrays(a, b) -> bool:
    import numpy as np

    if set(a) != set(b):
        return False
    return all(
        np.asarray(a[k]).dtype == np.asarray(b[k]).dtype
        and np.asarray(a[k]).shape == np.asarray(b[k]).shape
        and np.asarray(a[k]).tobytes() == np.asarray(b[k]).tobytes()
        for k in a
    )


@runs_app.command("export")
def export(
    run_id: IdArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    scenario_only: Annotated[
        bool, typer.Option("--scenario-only", help="Write the run's scenario as YAML.")
    ] = False,
    force: ForceOpt = False,
    store: StoreOpt = None,
) -> None:
    """Write a run (JSON: settings, scenario, result) or its scenario (YAML) to a file."""
    from ..files import write_atomic

    output_path(output, force)
    with _open(store) as st:
        run = st.run(run_id, arrays=False)
    if scenario_only:
        from ..scenario.io import scenario_text

        text = scenario_text(run.scenario(), "yaml")
    else:
        doc = {**run.summary(), "execution": run.execution}
        doc["scenario_document"] = run.scenario_document
        doc["result"] = run.result
        text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(output, text, overwrite=force)
    err.print(f"wrote {output}")


@runs_app.command("delete")
def delete(
    run_ids: Annotated[list[str], typer.Argument(help="Run ids or unique prefixes.")],
    store: StoreOpt = None,
) -> None:
    """Delete runs and everything kept with them."""
    with _open(store) as st:
        gone = st.delete(run_ids)
    err.print(f"deleted {len(gone)} run{'s' if len(gone) != 1 else ''}")


@runs_app.command("gc")
def gc(
    keep: Annotated[int, typer.Option(min=0, help="How many of the newest runs to keep.")],
    store: StoreOpt = None,
) -> None:
    """Delete all but the newest KEEP finished runs (running ones are never deleted)."""
    with _open(store) as st:
        gone = st.gc(keep)
    err.print(f"deleted {len(gone)} run{'s' if len(gone) != 1 else ''}")
