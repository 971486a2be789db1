"""The `kingmaker` command: a thin shell over the Python API.

Every user mistake (a bad file, an unknown model, a bad setting) is a KingmakerError: it is
printed without a traceback and the command exits with code 2. One module per command family;
importing them registers their commands on the shared app.
"""

from __future__ import annotations

import os
import sys

from ..errors import KingmakerError, ScenarioError

# the order of the imports is the order of the commands in `kingmaker --help`
# isort: off
from . import forecast, report, scenarios, uncertainty, advise, backtest, evidence  # noqa: F401
from . import sources, runs, serve  # noqa: F401

# isort: on
from .common import FLAGS, app, err

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into messages and exit code 2."""
    try:
        app(args=argv, prog_name="kingmaker")
    except KingmakerError as exc:
        _report(exc)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:  # outside typer's reach (e.g. while importing)
        err.print("interrupted")
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # typer turns Ctrl-C into exit code 130 without a word
            err.print("interrupted")
        raise
    except Exception as exc:  # a bug, not a user error: say so briefly
        if os.environ.get("KINGMAKER_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/red] {type(exc).__name__}: {exc}\n"
            "This is a bug in Kingmaker; set KINGMAKER_DEBUG=1 for the traceback.",
            soft_wrap=True,
        )
        sys.exit(1)


def _report(exc: KingmakerError) -> None:
    if isinstance(exc, ScenarioError):
        n = len(exc.problems)
        err.print(
            f"[red]error:[/red] {exc.file or 'scenario'} is not a valid scenario "
            f"({n} problem{'s' if n != 1 else ''}):",
            soft_wrap=True,
        )
        for line in exc.render(limit=50).splitlines():
            err.print(f"  {line}", soft_wrap=True, markup=False)
        if exc.parameter:
            err.print(f"  (set it with {FLAGS.get(exc.parameter, exc.parameter)})", soft_wrap=True)
    else:
        text = exc.message if exc.parameter or exc.remedy else str(exc)
        if exc.parameter:  # the library names its parameter; say which option it came from
            text = f"{FLAGS.get(exc.parameter, exc.parameter)} {text}"
        if exc.remedy:  # and the option that would resolve it, as the command line spells it
            option, does = exc.remedy
            text += f"; use {FLAGS.get(option, option)} to {does}"
        for k, line in enumerate(text.splitlines()):
            prefix = "[red]error:[/red] " if k == 0 else "  "
            err.print(prefix, end="", soft_wrap=True)
            err.print(line, soft_wrap=True, markup=False)
