"""Keeping a command's run in the run store: written ``running`` before the work starts,
finished with its result in one transaction, or marked failed (Ctrl-C included); the run id
goes to stderr so that stdout stays clean for ``--format json|csv``."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .common import err


class Recording:
    """The run being recorded; :meth:`done` hands it the result record."""

    def __init__(self, store: Any, run_id: str | None, settings: Mapping[str, Any]):
        self.store = store
        self.id = run_id
        self.settings = dict(settings)
        self.record: Any = None

    def done(self, record: Any) -> None:
        self.record = record


def _plain(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


@contextmanager
def recording(
    command: str,
    *,
    save: bool,
    store: str | None,
    settings: Mapping[str, Any],
    scenario: Any = None,
    target: str | None = None,
    execution: Mapping[str, Any] | None = None,
) -> Iterator[Recording]:
    """Record the run of ``command`` on ``scenario`` (or on a dataset ``target``, e.g.
    deu3) unless ``save`` is false. The store is opened before any work is done, so that
    a store that cannot take the run stops the command at once."""
    if not save:
        yield Recording(None, None, settings)
        return
    from ..results.record import jsonable
    from ..store import open_store
    from ..store.store import ran_on

    st = open_store(store)
    about = ran_on(scenario, target=target)
    settings = jsonable({k: _plain(v) for k, v in settings.items()})
    run_id = st.start(command, settings=settings, execution=execution or {}, **about)
    rec = Recording(st, run_id, settings)
    start = time.perf_counter()
    try:
        yield rec
    except BaseException as exc:
        reason = "interrupted (Ctrl-C)" if isinstance(exc, KeyboardInterrupt) else str(exc)
        st.fail(run_id, reason or type(exc).__name__, wall_time=time.perf_counter() - start)
        err.print(f"[dim]run {run_id}: {command} failed (kept as failed)[/dim]")
        raise
    else:
        if rec.record is None:  # nothing computed (e.g. nothing to do): not a run
            st.fail(run_id, "no result", wall_time=time.perf_counter() - start)
            return
        st.finish(run_id, rec.record, wall_time=time.perf_counter() - start, settings=rec.settings)
        err.print(f"[dim]saved as run {run_id}[/dim]", highlight=False)
    finally:
        st.close()
