"""`kingmaker serve`: the dashboard, on the loopback address unless told otherwise."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer

from ..errors import KingmakerError
from .common import DaskOpt, SchedulerOpt, StoreOpt, WorkersOpt, app, err

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Beyond the loopback a token is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    store: StoreOpt = None,
    allow_path: Annotated[
        Path | None,
        typer.Option(help="Let the page read scenario files in this folder (and nowhere else)."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(help="Access token when listening beyond the loopback (default: made up)."),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in a browser.")
    ] = False,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
) -> None:
    """Start the dashboard: explore and edit scenarios, rerun, compare runs. Ctrl-C stops it.

    Long jobs started from the page (simulate, sensitivity, advise) run on --workers local
    processes or a Dask cluster (--dask, --scheduler), as the commands do."""
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        raise KingmakerError(
            'the dashboard needs the web extra: pip install "kingmaker[web]" '
            f"({exc.name} is missing)"
        ) from None
    if allow_path is not None and not allow_path.is_dir():
        raise KingmakerError(f"{allow_path} is not a folder", parameter="allow_path")
    if host not in LOOPBACK:
        token = token or secrets.token_urlsafe(24)
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}, beyond this machine: anyone who can "
            "reach it and has the token can read and run your scenarios.",
            soft_wrap=True,
        )
    from ..analysis.executors import make_executor

    executor = make_executor(workers, dask, scheduler)  # where the page's long jobs run
    application = create_app(store, allow_path=allow_path, token=token, executor=executor)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"Kingmaker dashboard at {url}  (Ctrl-C stops it)", highlight=False, soft_wrap=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    with executor:
        uvicorn.run(application, host=host, port=port, log_level="warning")
