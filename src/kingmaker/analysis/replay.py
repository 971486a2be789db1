"""Making a recorded run again: the analysis a command ran, called with the settings the run
store kept (``kingmaker runs rerun``). The same scenario, settings and seed on the same
Kingmaker version give the same record, byte for byte."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import KingmakerError
from ..results import Record
from ..scenario import Scenario

COMMANDS = ("forecast", "simulate", "sensitivity", "advise", "backtest")


def replay(
    command: str,
    scenario: Scenario | None,
    settings: Mapping[str, Any],
    *,
    executor: Any = None,
    progress: Any = None,
) -> Record:
    """Run ``command``'s analysis on ``scenario`` with recorded ``settings`` (the keyword
    arguments of the analysis function, as JSON data). A backtest of a dataset (deu3) has no
    scenario: its ``settings["source"]`` names the dataset."""
    call = dict(settings)
    # progress(done, total), or for advise progress(stage, done, total): only for display
    watch = {} if progress is None else {"progress": progress}
    if command == "forecast":
        from .forecast import forecast

        return forecast(_need(scenario, command), **call)
    if command == "simulate":
        from .uncertainty import simulate

        return simulate(_need(scenario, command), executor=executor, **watch, **call)
    if command == "sensitivity":
        from .sensitivity import sensitivity

        return sensitivity(_need(scenario, command), executor=executor, **watch, **call)
    if command == "advise":
        from ..results.advice import Steps
        from .influence import advise

        if isinstance(call.get("steps"), Mapping):
            call["steps"] = Steps(**call["steps"])
        return advise(_need(scenario, command), executor=executor, **watch, **call)
    if command == "backtest":
        from .backtest import backtest

        source = call.pop("source", None) or _need(scenario, command)
        return backtest(source, executor=executor, **call)
    raise KingmakerError(
        f"must be one of {', '.join(COMMANDS)}, got {command!r}", parameter="command"
    )


def _need(scenario: Scenario | None, command: str) -> Scenario:
    if scenario is None:
        raise KingmakerError(f"a {command} run needs its scenario, and none was recorded")
    return scenario
