"""The HTML pages: server-rendered templates; ``static/app.js`` does the rest via /api/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from ..__about__ import __version__
from ..errors import StoreError
from .library import NotFound
from .views import scenario_view

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _page(request: Request, template: str, title: str, data: dict[str, Any], **extra: Any):
    context = {"title": title, "data": data, "version": __version__, **extra}
    return templates.TemplateResponse(request, template, context)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/scenarios", status_code=303)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request):
    entries = [e.to_dict() for e in request.app.state.library.entries()]
    allow = request.app.state.library.allow_path is not None
    return _page(
        request,
        "scenarios.html",
        "Scenarios",
        {"scenarios": entries},
        entries=entries,
        allow_path=allow,
    )


@router.get("/scenarios/{sid}", response_class=HTMLResponse)
def scenario(sid: str, request: Request):
    library = request.app.state.library
    try:
        sc = library.get(sid)
        entry = library.entry(sid)
    except NotFound:
        return _missing(request, f"No scenario {sid!r}.")
    view = {**scenario_view(sc), "ref": sid, "kind": entry.kind, "parent": entry.parent}
    return _page(request, "scenario.html", sc.scenario.title, view, view=view)


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request):
    st = request.app.state.store
    rows = [r.summary() for r in st.summaries(limit=200)]
    entries = [e.to_dict() for e in request.app.state.library.entries()]
    versions = [e for e in entries if e["kind"] != "embedded"]
    # which scenario (embedded or kept version) each run was made from, by content hash
    made_from: dict[str, dict[str, Any]] = {}
    for e in entries:
        made_from.setdefault(e["scenario_hash"], e)
    return _page(
        request,
        "runs.html",
        "Runs",
        {"runs": rows},
        runs=rows,
        versions=versions,
        made_from=made_from,
        total=st.count(),
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: str, request: Request):
    try:
        run = request.app.state.store.run(run_id, arrays=False)
    except StoreError:
        return _missing(request, f"No run {run_id!r}.")
    kind = run.result.get("kind") if run.result else None
    data = {**run.summary(), "issues": _issues(run), "result_kind": kind}
    return _page(request, "run.html", f"Run {run.id[:10]}", data, run=data)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = "", b: str = ""):
    from ..store import diff_runs

    st = request.app.state.store
    try:
        ra, rb = st.run(a, arrays=False), st.run(b, arrays=False)
    except StoreError as exc:
        return _missing(request, str(exc))
    d = diff_runs(ra, rb).to_dict()
    data = {
        "a": {**ra.summary(), "issues": _issues(ra)},
        "b": {**rb.summary(), "issues": _issues(rb)},
        "diff": d,
    }
    return _page(request, "compare.html", "Compare runs", data, **data)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request):
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            endpoints.append(
                {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
            )
    return _page(request, "api.html", "API", {}, endpoints=endpoints)


def _missing(request: Request, message: str):
    response = _page(request, "missing.html", "Not found", {}, message=message)
    response.status_code = 404
    return response


def _issues(run) -> list[dict[str, Any]]:
    """The issues of a run's scenario with their scales (for its charts), when it has one."""
    if run.scenario_document is None:
        return []
    try:
        view = scenario_view(run.scenario())
    except Exception:  # an old or foreign document: the page shows the numbers only
        return []
    return view["issues"]
