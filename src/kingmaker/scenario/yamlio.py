"""YAML and JSON documents with line numbers, strict about duplicate keys.

PyYAML silently keeps the last of two equal keys, which hides typos; here a duplicate is an
error. Merge keys (``<<: *base``), which analysts write to share a block, are honoured: a key
given beside a merge overrides the merged one, as YAML intends. The node tree is kept so that a
path into the document can be turned into a line. libyaml's parser is used when PyYAML has it
(the flagship parses four times faster); the checks are the same either way.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from .document import Locator

_MERGE = "tag:yaml.org,2002:merge"


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def construct_mapping(self, node, deep=False):
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text", key_node.start_mark
                ) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    f"key {key!r} first given on line {seen[key].start_mark.line + 1}",
                    seen[key].start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen[key] = key_node
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # merged keys first, explicit ones override them
        return super().construct_mapping(node, deep=deep)


def _locator(root: yaml.Node | None) -> Locator:
    def locate(path: tuple) -> tuple[int, int | None] | None:
        node = root
        if node is None:
            return None
        mark = node.start_mark
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        node, mark = value_node, key_node.start_mark  # point at the key
                        break
                else:
                    return None
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return None
                node = node.value[part]
                mark = node.start_mark
            else:
                return None
        return mark.line + 1, mark.column + 1

    return locate


def parse_yaml(text: str, file: str | None) -> tuple[Any, Locator]:
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or str(exc)
        if exc.context and "first given" in exc.context:
            what = f"{what} ({exc.context})"
        raise ScenarioError(
            [
                Problem(
                    f"not valid YAML: {what}",
                    file=file,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(f"not valid YAML: {exc}", file=file)]) from None
    finally:
        loader.dispose()
    return data, _locator(root)


def parse_json(text: str, file: str | None) -> tuple[Any, Locator]:
    def no_duplicates(pairs):
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"duplicate key {key!r}")
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [Problem(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno)]
        ) from None
    except ValueError as exc:
        what = "a number with thousands of digits" if "digits" in str(exc) else str(exc)
        raise ScenarioError([Problem(f"not valid JSON: {what}", file=file)]) from None
    except RecursionError:
        raise ScenarioError(
            [Problem("not valid JSON: nested too deeply for a scenario", file=file)]
        ) from None
    try:  # JSON is YAML; borrow YAML's marks for line numbers
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        root = None
    return data, _locator(root)


class _Dumper(yaml.SafeDumper):
    """Block style, keys in schema order, long text folded readably."""


_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def _str_presenter(dumper: yaml.SafeDumper, value: str):
    # PyYAML folds YAML's rarer line breaks inside single-quoted text; escape them instead
    style = '"' if any(b in value for b in _BREAKS) else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump_json(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
