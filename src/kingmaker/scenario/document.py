"""From plain data (a parsed YAML/JSON document, or what an importer built) to a Scenario.

This is the single gate every scenario passes: pydantic checks each part, then
:mod:`.checks` checks the whole, then any extra ``checks`` the caller passes (checks that need
knowledge this layer does not have, such as which models exist and which settings they
accept: :data:`kingmaker.analysis.inputs.SCENARIO_CHECKS`). Every problem is reported at once,
each with the file, the place in the document and, when the reader knows it, the line.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError, unknown_name
from . import checks as scenario_checks
from .schema import Scenario

#: Maps a path into the document to a (line, column), both 1-based, or None when unknown.
Locator = Callable[[tuple], "tuple[int, int | None] | None"]
#: A check of a whole scenario: its problems as (path into the document, message) pairs.
Check = Callable[[Scenario], "list[tuple[tuple, str]]"]


#: The most actors and issues a scenario may have: far beyond any negotiation model's reach
#: (the eum and smp kernels' time grows as n^2.3 and n^3.2), and refused before validating a
#: file that would take minutes to read to the end.
MAX_ITEMS = {"actors": 100_000, "issues": 10_000}


def _line(locate: Locator | None, path: tuple) -> int | None:
    found = locate(path) if locate is not None else None
    return found[0] if found else None


def build_scenario(
    doc: Any,
    file: str | Path | None = None,
    locate: Locator | None = None,
    origin: Path | None = None,
    checks: Sequence[Check] = (),
) -> Scenario:
    """Validate a document and return the Scenario, or raise ScenarioError listing every problem."""
    file_s = str(file) if file is not None else None
    if not isinstance(doc, dict):
        raise ScenarioError(
            [
                Problem(
                    f"expected a mapping at the top of the document, got {_kind(doc)}",
                    file=file_s,
                    line=1,
                )
            ]
        )
    for key, limit in MAX_ITEMS.items():
        items = doc.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise ScenarioError(
                [
                    Problem(
                        f"{len(items):,} {key}: more than a scenario may hold ({limit:,}); the "
                        "models' cost grows faster than the number of actors, so split it or "
                        "merge actors",
                        file=file_s,
                        location=key,
                        line=_line(locate, (key,)),
                    )
                ]
            )
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(_from_pydantic(exc, doc, file_s, locate)) from None

    errors, _ = scenario_checks.find_problems(scenario)
    for check in checks:
        errors += check(scenario)
    if errors:
        raise ScenarioError([_problem(msg, path, file_s, locate) for path, msg in errors])
    if origin is not None:
        scenario._origin = Path(origin)
    return scenario


def scenario_warnings(scenario: Scenario, file: str | None = None) -> list[Problem]:
    _, warnings = scenario_checks.find_problems(scenario)
    return [_problem(msg, path, file, None) for path, msg in warnings]


def _problem(message: str, path: tuple, file: str | None, locate: Locator | None) -> Problem:
    line = col = None
    if locate is not None:
        for k in range(len(path), -1, -1):
            found = locate(tuple(path[:k]))
            if found:
                line, col = found
                break
    return Problem(message, scenario_checks.format_location(path), file, line, col)


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    return {list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


# ------------------------------------------------------------------ pydantic -> problems


def _from_pydantic(
    exc: ValidationError, doc: Any, file: str | None, locate: Locator | None
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        if _items_failed(err):
            continue
        path, model = _document_path(err["loc"], doc)
        message = _message(err, path, doc, model)
        key = (scenario_checks.format_location(path), message)
        if key in seen:  # unions report one failure per member; keep the distinct ones
            continue
        seen.add(key)
        problems.append(_problem(message, path, file, locate))
    return problems


def _items_failed(err: Any) -> bool:
    """A list that is "too short" only because its items failed (each reported already), as
    pydantic says of a list of actors that all have problems: not a problem of its own."""
    if err["type"] != "too_short" or not isinstance(err.get("input"), list | tuple):
        return False
    return len(err["input"]) >= (err.get("ctx") or {}).get("min_length", 1)


def _document_path(loc: tuple, doc: Any) -> tuple[tuple, type[BaseModel] | None]:
    """Keep only the parts of a pydantic location that exist in the document.

    Pydantic adds parts that are not keys (union tags, validator names, ``[key]``); the user
    needs the path in *their* file. Also returns the schema class at the end of the path, so
    that unknown keys can be matched against the keys that class expects.
    """
    path: list = []
    node = doc
    model: Any = Scenario
    for k, part in enumerate(loc):
        last = k == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            model = _child_type(model, part, node)
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            model = _item_type(model, node[part])
            node = node[part]
            path.append(part)
        elif (
            last
            and isinstance(node, dict)
            and isinstance(part, str)
            and not part.startswith(("function-", "["))
            and part not in _union_tags(model)
        ):
            path.append(part)  # a missing key: point at where it should be
    return tuple(path), model if isinstance(model, type) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
            else:
                return tp
        else:
            return tp


def _child_type(model: Any, key: str, node: dict) -> Any:
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        for name, field in model.model_fields.items():
            if key in (name, field.alias):
                return field.annotation
        return None
    if typing.get_origin(model) is dict:
        return typing.get_args(model)[1]
    return None


def _item_type(container: Any, item: Any) -> Any:
    container = _unwrap(container)
    if typing.get_origin(container) in (tuple, list):
        tp = _unwrap(typing.get_args(container)[0])
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and isinstance(item, dict):
            for member in typing.get_args(tp):
                member = _unwrap(member)
                if item.get("op") in _union_tags(member):
                    return member
        return tp
    return None


def _union_tags(model: Any) -> set[str]:
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel) and "op" in model.model_fields:
        return set(typing.get_args(model.model_fields["op"].annotation))
    return set()


def _expected_keys(model: Any) -> list[str]:
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _message(err: Mapping[str, Any], path: tuple, doc: Any, model: Any) -> str:
    kind = err["type"]
    msg = err["msg"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        parent = _parent_model(path[:-1] if path and path[-1] == key else path, doc)
        expected = _expected_keys(parent)
        return unknown_name(
            "key", key, expected, listing="expected one of", always_list=True, keep_order=True
        )
    if kind == "missing":
        return f"required key {err['loc'][-1]!r} is missing"
    if kind == "union_tag_not_found":
        return "each change needs an `op`: set, shift, scale, add_actor, remove_actor or relation"
    if kind == "union_tag_invalid":
        return (
            (
                f"unknown op {err['input'].get('op')!r}; expected set, shift, scale, add_actor, "
                "remove_actor or relation"
            )
            if isinstance(err["input"], dict)
            else msg
        )
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value), got {_kind(err['input'])}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {_kind(err['input'])}"
    if kind == "too_short" and isinstance(err.get("ctx"), dict):
        return f"must not be empty (at least {err['ctx'].get('min_length', 1)} item needed)"
    if kind == "string_type":
        return f"expected text, got {_kind(err['input'])}"
    if kind.startswith("literal_error"):
        return f"{msg}; got {err['input']!r}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        msg = f"{msg}; got {err['input']!r}"
    return msg


def _parent_model(path: tuple, doc: Any) -> Any:
    model: Any = Scenario
    node = doc
    for part in path:
        if isinstance(node, dict):
            model = _child_type(model, part, node)
            node = node.get(part)
        elif isinstance(node, list):
            model = _item_type(model, node[part])
            node = node[part]
    return model
