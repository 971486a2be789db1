"""The JSON API under /api/: every action a page takes goes through it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..errors import KingmakerError, StoreError
from ..scenario.text import decode_text
from .jobs import COMMANDS
from .library import NotFound
from .views import scenario_view
from .whatif import FAST_MODELS, Edits, apply_edits, what_if

router = APIRouter(prefix="/api", tags=["api"])


def _library(request: Request):
    return request.app.state.library


def _store(request: Request):
    return request.app.state.store


# ---- scenarios


@router.get("/scenarios", summary="The scenarios: embedded ones and kept versions")
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    return [e.to_dict() for e in _library(request).entries()]


@router.get("/scenarios/{sid}", summary="A scenario: actors x issues, scales, evidence, presets")
def get_scenario(sid: str, request: Request) -> dict[str, Any]:
    library = _library(request)
    view = scenario_view(library.get(sid))
    entry = library.entry(sid)
    return {**view, "ref": sid, "kind": entry.kind, "parent": entry.parent}


@router.post("/scenarios", status_code=201, summary="Upload a scenario file (YAML, CSV, XML)")
async def upload_scenario(
    request: Request, file: Annotated[UploadFile, File(description="the scenario file")]
) -> dict[str, Any]:
    from ..analysis.inputs import parse_scenario_text

    limit = request.app.state.max_upload
    data = await file.read(limit + 1)
    name = PurePath(file.filename or "upload").name[:200] or "upload"
    if len(data) > limit:
        raise HTTPException(413, f"{name} is larger than the upload limit of {limit // 1024} KiB")
    text = decode_text(data, name)
    scenario = parse_scenario_text(text, file=name)
    ref = _library(request).add(scenario, origin="upload", note=f"uploaded as {name}")
    return {"id": ref, "scenario_id": scenario.id, "title": scenario.scenario.title}


class PathRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(max_length=1000)


@router.post(
    "/scenarios/from-path",
    status_code=201,
    summary="Read a scenario file in the folder the server allows (--allow-path)",
)
def scenario_from_path(body: PathRequest, request: Request) -> dict[str, Any]:
    library = _library(request)
    scenario, path = library.read_path(body.path)
    ref = library.add(scenario, origin="path", note=f"read from {path}")
    return {"id": ref, "scenario_id": scenario.id, "title": scenario.scenario.title}


@router.post("/scenarios/{sid}/what-if", summary="Forecasts of the fast models after edits")
def post_what_if(sid: str, edits: Edits, request: Request) -> dict[str, Any]:
    return what_if(_library(request).get(sid), edits)


class VersionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    edits: Edits
    note: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=300)


@router.post(
    "/scenarios/{sid}/versions",
    status_code=201,
    summary="Keep the edited scenario as a new version (the original is untouched)",
)
def save_version(sid: str, body: VersionRequest, request: Request) -> dict[str, Any]:
    library = _library(request)
    scenario = library.get(sid)
    edited = apply_edits(scenario, body.edits)
    title = body.title or f"{scenario.scenario.title} (edited)"
    ref = library.add(
        edited,
        origin="edit",
        parent=sid,
        note=body.note,
        changes=[body.edits.model_dump()],
        title=title,
    )
    # and a forecast of it, so that the version shows under Runs beside its parent's
    job = request.app.state.jobs.submit(
        "forecast", edited, ref, {"models": list(FAST_MODELS), "seed": 0}
    )
    return {"id": ref, "title": title, "parent": sid, "job": job.id}


# ---- jobs


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    command: Literal["forecast", "simulate", "sensitivity", "advise"]
    scenario: str = Field(max_length=200)
    edits: Edits = Field(default_factory=Edits)
    models: list[str] | None = Field(default=None, max_length=20)
    draws: int | None = Field(default=None, ge=1, le=1_000_000)
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)
    actor: str | None = Field(default=None, max_length=200)


@router.post("/jobs", status_code=202, summary="Start a forecast, simulate, sensitivity or advise")
def start_job(body: JobRequest, request: Request) -> dict[str, Any]:
    from ..analysis.plan import plan_models

    assert body.command in COMMANDS
    scenario = apply_edits(_library(request).get(body.scenario), body.edits)
    plan_models(scenario, body.models)  # an unknown model is refused now, not in the job
    settings: dict[str, Any] = {"models": body.models, "seed": body.seed}
    if body.command == "simulate":
        settings["draws"] = body.draws or 2000
    elif body.command == "sensitivity":
        settings["samples"] = _power_of_two(body.draws or 256)
    elif body.command == "advise":
        if not body.actor:
            raise KingmakerError("is needed for advise (whose levers?)", parameter="actor")
        if body.actor not in {a.id for a in scenario.actors}:
            raise NotFound(f"no actor {body.actor!r} in {scenario.id}")
        settings = {**settings, "actor": body.actor, "draws": body.draws or 100}
    job = request.app.state.jobs.submit(body.command, scenario, body.scenario, settings)
    return job.to_dict()


@router.get("/jobs/{job_id}", summary="A job's progress and, once done, its run id")
def get_job(job_id: str, request: Request) -> dict[str, Any]:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job {job_id!r}")
    return job.to_dict()


@router.post("/jobs/{job_id}/cancel", summary="Cancel a queued or running job")
def cancel_job(job_id: str, request: Request) -> dict[str, Any]:
    job = request.app.state.jobs.cancel(job_id)
    if job is None:
        raise NotFound(f"no job {job_id!r}")
    return job.to_dict()


# ---- runs


@router.get("/runs", summary="Runs in the store, newest first")
def list_runs(
    request: Request,
    scenario: str | None = None,
    command: str | None = None,
    since: str | None = None,
    limit: Annotated[int, Field(ge=1, le=10_000)] = 50,
) -> dict[str, Any]:
    st = _store(request)
    rows = st.summaries(scenario=scenario, command=command, since=since, limit=limit)
    return {"runs": [r.summary() for r in rows], "total": st.count()}


def _run(request: Request, run_id: str, arrays: bool = False):
    try:
        return _store(request).run(run_id, arrays=arrays)
    except StoreError as exc:
        raise NotFound(str(exc)) from None


@router.get("/runs/{run_id}", summary="One run: its summary and its result record")
def get_run(run_id: str, request: Request) -> dict[str, Any]:
    run = _run(request, run_id)
    return {**run.summary(), "result": run.result}


def _record_and_scenario(run):
    """A stored run's record and scenario (None when it ran on a dataset such as deu3)."""
    scenario = run.scenario() if run.scenario_document is not None else None
    return run.record(), scenario


@router.get("/runs/{run_id}/charts", summary="A run's charts, as the HTML report draws them")
def run_charts(run_id: str, request: Request) -> Response:
    from ..report.html import figure_json
    from ..report.record_charts import record_charts

    run = _run(request, run_id, arrays=True)
    if run.result is None:
        raise NotFound(f"run {run.id} is {run.state}: it has no result to chart")
    record, scenario = _record_and_scenario(run)
    charts = record_charts(record, scenario)
    body = ",".join(
        f'{{"key": {_json(c.key)}, "title": {_json(c.title)}, "figure": {figure_json(c.figure)}}}'
        for c in charts
    )
    return Response('{"charts": [' + body + "]}", media_type="application/json")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


@router.get("/runs/{run_id}/report", summary="Download a run's HTML report (works offline)")
def run_report(run_id: str, request: Request) -> Response:
    """The page `kingmaker report` kept with the run, else one made from a forecast run's
    record (forecasts, trajectories, exchanges, stakeholders, evidence)."""
    from ..report.html import HTML_ARTIFACT, ReportInputs, render_html
    from ..results import Forecast

    run = _run(request, run_id, arrays=True)
    page = _store(request).artifact(run.id, HTML_ARTIFACT)
    if page is None:
        if run.result is None:
            raise NotFound(f"run {run.id} is {run.state}: it has no result to report")
        record, scenario = _record_and_scenario(run)
        if not isinstance(record, Forecast) or scenario is None:
            raise NotFound(
                f"run {run.id} is a {run.command} run: the report is made from a forecast "
                "(run one, or `kingmaker report --run ID` on the command line)"
            )
        page = render_html(ReportInputs(scenario, record)).encode("utf-8")
    headers = {"Content-Disposition": f'attachment; filename="report-{run.id}.html"'}
    return Response(page, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/runs/{run_id}/export", summary="Download a run (settings, scenario, result)")
def export_run(run_id: str, request: Request) -> Response:
    import json

    run = _run(request, run_id)
    doc = {
        **run.summary(),
        "execution": run.execution,
        "scenario_document": run.scenario_document,
        "result": run.result,
    }
    body = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    headers = {"Content-Disposition": f'attachment; filename="run-{run.id}.json"'}
    return Response(body, media_type="application/json", headers=headers)


@router.get("/runs/{a}/diff/{b}", summary="What changed from run A to run B")
def diff(a: str, b: str, request: Request) -> dict[str, Any]:
    from ..store import diff_runs

    return diff_runs(_run(request, a), _run(request, b)).to_dict()


def _power_of_two(n: int) -> int:
    p = 1
    while p < n:
        p *= 2
    return p
