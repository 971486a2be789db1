"""`kingmaker report`: one self-contained HTML page (or Markdown with PNG charts) that answers
the analyst's question, made from the forecasts, a Monte Carlo simulation, the sensitivity
ranking and, with --actor, the influence analysis.

Each analysis is kept as a run of its own in the run store; the page is kept as an artifact
of the forecast run, with the ids of the other runs (``report-runs.json``), so that
``--run ID`` makes the same report again from the store without running anything.
"""

from __future__ import annotations

import datetime as _dt
import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import KingmakerError
from .common import (
    AnalysisSeedOpt,
    ForceOpt,
    InputFormatOpt,
    ModelOpt,
    NoSaveOpt,
    RoundsOpt,
    ScenarioArg,
    SetOpt,
    SpreadOpt,
    StoreOpt,
    VariantOpt,
    app,
    err,
    load_source,
    output_path,
    parse_settings,
)


class PageFormat(str, Enum):
    html = "html"
    md = "md"


@app.command()
def report(
    scenario: ScenarioArg = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write. Default: report-SCENARIO-DATE.html (or .md) here.",
            show_default=False,
        ),
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(
            "--run",
            help="Make the report from a run kept in the store (the forecast run of an "
            "earlier report, or any forecast run) instead of running anything.",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", "-a", help="Add the influence analysis of this actor (an id)."),
    ] = None,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target", "-t", help="With --actor: ISSUE<VALUE etc., as in `kingmaker advise`."
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", "-n", min=0, help="Monte Carlo draws (0: none).")
    ] = 10_000,
    seed: AnalysisSeedOpt = None,
    model: ModelOpt = None,
    mc_model: Annotated[
        list[str] | None,
        typer.Option(
            "--mc-model",
            help="Models of the Monte Carlo simulation, the sensitivity ranking and the "
            "influence analysis (repeatable). Default: the static models among --model "
            "(compromise, median, condorcet), which run 10,000 draws in seconds.",
        ),
    ] = None,
    variant: VariantOpt = None,
    rounds: RoundsOpt = None,
    set_: SetOpt = None,
    spread: SpreadOpt = None,
    advise_draws: Annotated[
        int, typer.Option(min=0, help="Paired draws of the influence analysis.")
    ] = 100,
    output_format: Annotated[
        PageFormat, typer.Option("--format", help="html: one offline page; md: Markdown + PNGs.")
    ] = PageFormat.html,
    force: ForceOpt = False,
    input_format: InputFormatOpt = None,
    store: StoreOpt = None,
    no_save: NoSaveOpt = False,
) -> None:
    """Write the report: headline, charts per issue, influence, evidence, provenance."""
    from ..report.html import HTML_ARTIFACT, RUNS_ARTIFACT, ReportInputs

    if run is not None:
        inputs = _from_store(run, store)
        save = False
    else:
        inputs = None
        save = not no_save
    sc_id = inputs.scenario.id if inputs else load_source(scenario, input_format).id
    ext = "md" if output_format is PageFormat.md else "html"
    path = output or Path(f"report-{sc_id}-{_dt.date.today().isoformat()}.{ext}")
    output_path(path, force)
    if inputs is None:
        inputs = _run_analyses(
            load_source(scenario, input_format),
            models=model,
            mc_models=mc_model,
            actor=actor,
            targets=target or (),
            draws=draws,
            seed=seed,
            variant=variant,
            rounds=rounds,
            settings=parse_settings(set_),
            spread=spread,
            advise_draws=advise_draws,
            save=save,
            store=store,
        )
    assert isinstance(inputs, ReportInputs)
    from ..files import write_atomic

    if output_format is PageFormat.md:
        from ..report.markdown import write_markdown

        write_markdown(inputs, path, overwrite=force)
    else:
        from ..report.html import render_html

        page = render_html(inputs)
        write_atomic(path, page, overwrite=force)
        if save and inputs.runs.get("forecast"):
            from ..store import open_store

            with open_store(store) as st:
                fid = inputs.runs["forecast"]
                st.attach(fid, HTML_ARTIFACT, page.encode("utf-8"), "text/html")
                st.attach(
                    fid,
                    RUNS_ARTIFACT,
                    json.dumps(
                        {"runs": dict(inputs.runs), "settings": dict(inputs.settings)}
                    ).encode("utf-8"),
                    "application/json",
                )
    size = path.stat().st_size
    where = "open it in a browser" if ext == "html" else f"charts in {path.stem}_files/"
    err.print(f"wrote {path} ({size / 1e6:.1f} MB); {where}", highlight=False)


def _run_analyses(
    sc,
    *,
    models,
    mc_models,
    actor,
    targets,
    draws,
    seed,
    variant,
    rounds,
    settings,
    spread,
    advise_draws,
    save,
    store,
):
    from ..analysis.forecast import forecast as run_forecast
    from ..analysis.influence import advise as run_advise
    from ..analysis.plan import plan_models
    from ..analysis.sensitivity import sensitivity as run_sensitivity
    from ..analysis.uncertainty import simulate as run_simulate
    from ..randomness import normalize_seed
    from ..report.html import ReportInputs
    from .recording import recording

    if actor is not None and actor not in sc.actor_ids:
        raise KingmakerError(
            f"--actor: no actor {actor!r} in scenario {sc.id}; its actors: "
            f"{', '.join(sc.actor_ids)}"
        )
    common: dict[str, Any] = dict(variant=variant, rounds=rounds, settings=settings)
    plan = plan_models(sc, models, **common)
    if mc_models is None:
        mc_models = [p.key for p in plan if not p.spec.dynamic] or [plan[0].key]
    plan_models(sc, mc_models, **common)  # every mistake before any work
    if seed is None:  # one fresh seed for every analysis of the report, and reported
        seed = int(normalize_seed(None).entropy % 2**32)
    runs: dict[str, str] = {}
    call: dict[str, Any] = dict(models=models, **common)
    with recording("forecast", save=save, store=store, settings=call, scenario=sc) as rec:
        fc = run_forecast(sc, models, **common)
        rec.done(fc)
    if rec.id:
        runs["forecast"] = rec.id
    sim = sens = adv = None
    if draws:
        call = dict(models=mc_models, draws=draws, seed=seed, spread=spread, **common)
        with recording("simulate", save=save, store=store, settings=call, scenario=sc) as rec:
            sim = run_simulate(sc, **call)
            rec.done(sim)
        if rec.id:
            runs["simulation"] = rec.id
    call: dict[str, Any] = dict(
        models=mc_models, methods=("tornado",), seed=seed, spread=spread, **common
    )
    with recording("sensitivity", save=save, store=store, settings=call, scenario=sc) as rec:
        sens = run_sensitivity(sc, **call)
        rec.done(sens)
    if rec.id:
        runs["sensitivity"] = rec.id
    if actor is not None:
        call = dict(
            actor=actor,
            models=mc_models,
            targets=tuple(targets),
            draws=advise_draws,
            seed=seed,
            spread=spread,
            **common,
        )
        with recording("advise", save=save, store=store, settings=call, scenario=sc) as rec:
            adv = run_advise(sc, **call)
            rec.done(adv)
        if rec.id:
            runs["advice"] = rec.id
    settings_shown = dict(
        models=models,
        mc_models=mc_models,
        draws=draws,
        seed=seed,
        actor=actor,
        targets=list(targets),
        spread=spread,
        **common,
    )
    return ReportInputs(sc, fc, sim, sens, adv, runs, settings_shown)


def _from_store(run_id: str, store: str | None):
    """The report's inputs as they were kept: the forecast run and, when it was a report's,
    the simulation, sensitivity and advice runs beside it."""
    from ..report.html import RUNS_ARTIFACT, ReportInputs
    from ..results import Advice, Forecast, Sensitivity, Simulation
    from ..store import open_store

    with open_store(store) as st:
        full = st.resolve(run_id)
        kept = st.run(full)
        record = kept.record()
        if not isinstance(record, Forecast):
            raise KingmakerError(
                f"--run: run {full} is a {kept.command} run; give the forecast run of a "
                "report (or any forecast run)"
            )
        sc = kept.scenario()
        raw = st.artifact(full, RUNS_ARTIFACT)
        about = json.loads(raw) if raw else {"runs": {"forecast": full}, "settings": {}}
        got: dict[str, Any] = {}
        kinds = {"simulation": Simulation, "sensitivity": Sensitivity, "advice": Advice}
        for key, cls in kinds.items():
            rid = about["runs"].get(key)
            if rid:
                rec = st.get(rid)
                if isinstance(rec, cls):
                    got[key] = rec
    return ReportInputs(
        sc,
        record,
        got.get("simulation"),
        got.get("sensitivity"),
        got.get("advice"),
        about["runs"],
        about.get("settings", {}),
    )
