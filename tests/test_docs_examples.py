"""The console examples in README.md and docs/ are executed, so the pages cannot drift from
the command line.

Every ``$ kingmaker ...`` line of a ``console`` block must name a command that exists and
options it accepts, with values of the right type (parsed by the CLI itself, without running
the command: some examples take minutes or need files only the reader has). Where a page
shows what a quick command prints, the command is run as a user runs it (its own process, a
100-column terminal) and every line shown (apart from ``...``) must appear in what it prints.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from kingmaker.cli import app
from tests.conftest import ANCHORS

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)

#: Examples whose output a page shows and that run in a second or two: (page, command line)
#: -> the files they name, found in the test data.
SHOWN = {
    ("README.md", "kingmaker forecast"): {},
    ("README.md", "kingmaker validate copenhagen_with_errors.csv"): {
        "copenhagen_with_errors.csv": ANCHORS / "decide" / "copenhagen_with_errors.csv"
    },
}


def _examples():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in _BLOCK.finditer(text):
            line_no = text.count("\n", 0, block.start()) + 2
            lines = block.group(1).splitlines()
            for i, line in enumerate(lines):
                if not line.startswith("$ kingmaker"):
                    continue
                shown = []
                for out in lines[i + 1 :]:
                    if out.startswith("$ "):
                        break
                    shown.append(out)
                yield page.relative_to(ROOT).as_posix(), line_no + i, line[2:], shown


EXAMPLES = list(_examples())


def _words(command: str) -> list[str]:
    """The command's words without the shell's comment and redirection."""
    words = shlex.split(command, comments=True)
    for i, word in enumerate(words):
        if word in (">", ">>", "|") or word.startswith((">", "|")):
            return words[:i]
    return words


def _usage(command: str) -> bool:
    """A synopsis such as `kingmaker evidence check [SCENARIO] [--format table|json]`."""
    return bool(re.search(r"\[[A-Z-]", command))


def test_the_pages_have_examples():
    assert len(EXAMPLES) > 40
    assert {page for page, *_ in EXAMPLES} >= {"README.md", "docs/how-to/runs.md"}


@pytest.mark.parametrize(
    "page, line, command",
    [(p, n, c) for p, n, c, _ in EXAMPLES if not _usage(c)],
    ids=[f"{p}:{n}" for p, n, c, _ in EXAMPLES if not _usage(c)],
)
def test_every_example_parses(page, line, command):
    words = _words(command)[1:]
    group = typer.main.get_command(app)
    ctx = None
    cmd: click.Command = group
    path = ["kingmaker"]
    while isinstance(cmd, click.Group) and words and not words[0].startswith("-"):
        name, words = words[0], words[1:]
        sub = cmd.get_command(click.Context(cmd), name)
        assert sub is not None, f"{page}:{line}: no command {' '.join([*path, name])!r}"
        cmd, path = sub, [*path, name]
    try:
        ctx = cmd.make_context(" ".join(path), list(words))
    except click.UsageError as exc:
        pytest.fail(f"{page}:{line}: `{command}` is refused: {exc.format_message()}")
    finally:
        if ctx is not None:
            ctx.close()


def _normal(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page, command", sorted(SHOWN), ids=[c for _, c in sorted(SHOWN)])
def test_shown_output_is_what_the_command_prints(page, command, tmp_path):
    found = [(n, shown) for p, n, c, shown in EXAMPLES if p == page and c == command]
    assert found, f"{page} no longer shows `{command}`"
    line, shown = found[0]
    for name, source in SHOWN[(page, command)].items():
        (tmp_path / name).write_bytes(source.read_bytes())
    env = {**os.environ, "COLUMNS": "100", "KINGMAKER_STORE": str(tmp_path / "runs.sqlite")}
    done = subprocess.run(
        [sys.executable, "-m", "kingmaker", *_words(command)[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    printed = _normal(done.stdout + "\n" + done.stderr)
    expected = [s for s in shown if s.strip() and s.strip() != "..."]
    assert expected, f"{page}:{line} shows no output for `{command}`"
    assert done.returncode == (2 if expected[0].startswith("error:") else 0), printed
    missing = [s for s in expected if _normal(s) not in printed]
    assert missing == [], f"{page}:{line}: `{command}` no longer prints these lines"
