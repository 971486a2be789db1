"""Which models an analysis runs, with which validated settings.

Which models: those the caller names, else the scenario's ``models.default``, else the
registry's defaults. Settings are layered: the scenario's ``models.settings.<model>``, then a
model reference's variant (``eum:corrected``), then the call's ``variant``/``rounds``, then
explicit per-model ``settings``. A model listed twice (two variants of one model) is reported
under its reference (``eum:corrected``), otherwise under its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelSettingsError
from ..models import registry
from ..models.base import ModelParams, ModelSpec, run_model
from ..randomness import generator
from ..results import ModelInfo
from ..scenario.compile import ScenarioArrays
from ..scenario.schema import Scenario


@dataclass(frozen=True)
class PlannedModel:
    """A model to run, under the key its results are reported by."""

    key: str
    spec: ModelSpec
    params: ModelParams

    @property
    def stochastic(self) -> bool:
        return self.spec.is_stochastic(self.params)

    def info(self) -> ModelInfo:
        """The model as records describe it (every validated parameter included)."""
        return ModelInfo(
            key=self.key,
            model=self.spec.name,
            variant=getattr(self.params, "variant", None),
            params=self.params.model_dump(mode="json"),
            title=self.spec.title,
            dynamic=self.spec.dynamic,
            stochastic=self.stochastic,
        )


def resolve_models(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[PlannedModel]:
    """Validated models to run, in order (see the module docstring)."""
    refs = list(models or scenario.models.default or registry.DEFAULT_MODELS)
    parsed = [registry.parse_model_ref(r) for r in refs]
    specs = [registry.get(name) for name, _ in parsed]
    if variant is not None and not any(variant in s.variants for s in specs):
        known = sorted({v for s in specs for v in s.variants})
        raise ModelSettingsError(
            f"no selected model has a variant {variant!r}"
            + (f"; variants: {', '.join(known)}" if known else " (they have no variants)")
        )
    if rounds is not None and not any("rounds" in s.params.model_fields for s in specs):
        raise ModelSettingsError(
            "applies to models that run in rounds; none of "
            f"{', '.join(s.name for s in specs)} does",
            parameter="rounds",
        )
    names = [name for name, _ in parsed]
    out: list[PlannedModel] = []
    seen: set[str] = set()
    for (name, ref_variant), spec, ref in zip(parsed, specs, refs, strict=True):
        key = name if names.count(name) == 1 else ref
        if key in seen:
            raise ModelSettingsError(f"model {ref!r} is listed twice")
        seen.add(key)
        call: dict[str, Any] = {}
        chosen = ref_variant or (variant if variant in spec.variants else None)
        if ref_variant is not None and ref_variant not in spec.variants:
            raise ModelSettingsError(
                f"model {name!r} has no variant {ref_variant!r}"
                + (f"; variants: {', '.join(spec.variants)}" if spec.variants else "")
            )
        if chosen is not None:
            call["variant"] = chosen
        if rounds is not None and "rounds" in spec.params.model_fields:
            call["rounds"] = rounds
        params = registry.make_params(
            spec, scenario.models.settings.get(name), call, (settings or {}).get(name)
        )
        out.append(PlannedModel(key, spec, params))
    return out


def plan_models(
    scenario: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[PlannedModel, ...]:
    """Validated models to run: registry names (as :func:`resolve_models`) and/or ModelSpecs.

    A ModelSpec (a model outside the registry, e.g. one under development) runs with its
    default settings updated by ``settings[spec.name]``.
    """
    if not models or not any(isinstance(m, ModelSpec) for m in models):
        names = [m for m in models or () if isinstance(m, str)]
        return tuple(
            resolve_models(scenario, names, variant=variant, rounds=rounds, settings=settings)
        )
    planned: list[PlannedModel] = []
    for m in models:
        if isinstance(m, ModelSpec):
            params = registry.make_params(m, (settings or {}).get(m.name))
            planned.append(PlannedModel(m.name, m, params))
        else:
            planned.extend(
                plan_models(scenario, [m], variant=variant, rounds=rounds, settings=settings)
            )
    keys = [p.key for p in planned]
    if len(set(keys)) != len(keys):
        raise ModelSettingsError(f"a model is listed twice: {', '.join(keys)}")
    return tuple(planned)


def point_forecasts(
    arrays: ScenarioArrays, models: Sequence[PlannedModel], seed: np.random.SeedSequence
) -> dict[str, np.ndarray]:
    """Each model's forecast at the point values (what ``kingmaker forecast --seed`` gives)."""
    batch = arrays.batch(1)
    out = {}
    for m in models:
        rng = generator(seed, "forecast", m.key) if m.stochastic else None
        out[m.key] = run_model(m.spec, batch, m.params, rng, keep_trajectory=False).forecast[0]
    return out
