"""Which models exist, and turning user settings into validated model parameters.

Models are listed explicitly (no import-time discovery); each module exposes ``MODEL``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import ModelSettingsError, UnknownModelError, unknown_name
from .base import ModelParams, ModelSpec

#: Built-in model modules, in the order they are listed and run by default.
BUILTIN = (
    "compromise",
    "median",
    "condorcet",
    "eum",
    "smp",
    "exchange",
    "snap",
    "choice",
    "nash",
    "pivot",
)

#: Models `forecast` runs when neither the user nor the scenario names any.
DEFAULT_MODELS = ("compromise", "median", "condorcet", "eum")

_cache: dict[str, ModelSpec] = {}


def available() -> tuple[str, ...]:
    return BUILTIN


def get(name: str) -> ModelSpec:
    """The spec of a model by name, with a suggestion when the name is unknown."""
    if name not in BUILTIN:
        raise UnknownModelError(
            unknown_name(
                "model", name, BUILTIN, listing="available", always_list=True, keep_order=True
            )
        )
    if name not in _cache:
        _cache[name] = importlib.import_module(f"{__package__}.{name}").MODEL
    return _cache[name]


def specs() -> list[ModelSpec]:
    return [get(name) for name in BUILTIN]


def parse_model_ref(ref: str) -> tuple[str, str | None]:
    """``"eum:corrected"`` -> ``("eum", "corrected")``; ``"median"`` -> ``("median", None)``."""
    name, _, variant = ref.partition(":")
    return name.strip(), (variant.strip() or None)


def make_params(
    spec: ModelSpec, *layers: Mapping[str, Any] | None, where: str | None = None
) -> ModelParams:
    """Validate settings for a model; later layers override earlier ones.

    Typical layers: the scenario's ``models.settings.<name>``, then command-line options.
    Errors name the model and the setting, and list the settings the model accepts.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer:
            merged.update({k: v for k, v in layer.items() if v is not None})
    try:
        return spec.params.model_validate(merged)
    except ValidationError as exc:
        accepted = ", ".join(spec.params.model_fields) or "none"
        lines = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"]) or "(settings)"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown setting (model {spec.name!r} accepts: {accepted})"
            elif "input" in err and err["type"] != "missing":
                msg += f"; got {err['input']!r}"
            lines.append(f"{where or 'model ' + spec.name}: {key}: {msg}")
        raise ModelSettingsError("\n".join(lines)) from None


def check_model_settings(scenario) -> list[tuple[tuple, str]]:
    """Problems with a scenario's ``models`` block, as (path, message) pairs."""
    problems: list[tuple[tuple, str]] = []
    for k, ref in enumerate(scenario.models.default):
        name, variant = parse_model_ref(ref)
        try:
            spec = get(name)
        except UnknownModelError as exc:
            problems.append((("models", "default", k), str(exc)))
            continue
        if variant is not None and variant not in spec.variants:
            problems.append(
                (
                    ("models", "default", k),
                    f"model {name!r} has no variant {variant!r}"
                    + (
                        f"; variants: {', '.join(spec.variants)}"
                        if spec.variants
                        else " (it has no variants)"
                    ),
                )
            )
    for name, settings in scenario.models.settings.items():
        try:
            spec = get(name)
        except UnknownModelError as exc:
            problems.append((("models", "settings", name), str(exc)))
            continue
        try:
            make_params(spec, settings)
        except ModelSettingsError as exc:
            for line in str(exc).splitlines():
                problems.append((("models", "settings", name), line.split(": ", 1)[1]))
    return problems
