"""The scenario format: a stakeholder model whose every number can cite its evidence.

A scenario is the only way into Kingmaker: importers turn other tools' files into one, models
read its compiled arrays, results record its hash. The classes here check the *shape* of a
document (types, ranges, unknown keys); :mod:`kingmaker.scenario.checks` checks what spans the
document (references between ids, positions inside scales, dates).

Conventions (also in docs/reference/scenario-format.md):

* **capability** >= 0, on any scale the analyst likes (only ratios between actors matter);
  given per actor, optionally overridden per issue;
* **position** on the issue's own scale (default 0-100), inside ``scale.min..scale.max``;
* **salience** on a **0-1** scale (1 = the issue matters more than anything else to the actor).
  Importers convert tools that use percentages;
* any number may be a bare value or a mapping with ``value``, an uncertainty ``range``
  (``low``, ``high``, optional ``mode`` and ``distribution``), ``evidence`` items (source id,
  verbatim ``quote``, ``note``) and/or an analyst ``judgement`` saying why.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

FORMAT_VERSION: Literal[1] = 1

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            "an id must start with a letter or digit and contain only letters, digits, "
            f"'_', '-' and '.'; got {value!r}"
        )
    return value


def _number(value: Any) -> Any:
    """Accept real numbers only: YAML's `yes`, strings and NaN/inf are mistakes here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    if isinstance(value, int) and not -1e300 < value < 1e300:
        raise ValueError(
            f"expected a number of sensible size, got one of {len(str(abs(value)))} digits"
        )
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return float(value)


def _partial_date(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if not isinstance(value, str) or not _PARTIAL_DATE_RE.match(value):
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Number = Annotated[float, BeforeValidator(_number)]
PartialDate = Annotated[str, BeforeValidator(_partial_date)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base of every scenario class: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- evidence


class Evidence(Strict):
    """Where a number comes from: a registered source and, ideally, its exact words.

    ``known_by`` dates what the quote reports when that is earlier than the source itself: an
    article written after the scenario's ``as_of`` may still justify an input number with a
    fact that was public by then (a speech "last month", an attack "days before the talks").
    """

    source: Id
    quote: Text | None = None
    locator: Text | None = Field(
        default=None, description="page, section or table within the source"
    )
    known_by: PartialDate | None = Field(
        default=None,
        description="date by which what the quote reports was public (a partial date counts "
        "as the end of its month or year)",
    )
    note: Text | None = None


class Range(Strict):
    """An analyst's uncertainty about a number: plausible low/high and the most likely value."""

    low: Number
    high: Number
    mode: Number | None = None
    distribution: Literal["uniform", "triangular", "pert"] = "pert"

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"range low ({self.low:g}) is above high ({self.high:g})")
        if self.mode is not None and not (self.low <= self.mode <= self.high):
            raise ValueError(
                f"range mode {self.mode:g} is outside low..high ({self.low:g}..{self.high:g})"
            )
        return self


class Quantity(Strict):
    """A number with its uncertainty and its justification.

    In a file it may be written as a bare number; it is written back that way when it carries
    nothing but a value, so imported files stay compact and round-trip exactly.
    """

    value: Number
    range: Range | None = None
    evidence: tuple[Evidence, ...] = ()
    judgement: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_bare_number(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"value": data}
        if not isinstance(data, dict) and not isinstance(data, Quantity):
            shown = f"{type(data).__name__} {data!r}" if data is not None else "nothing"
            raise ValueError(
                "expected a number, or a mapping with value (and range, evidence, judgement); "
                f"got {shown}"
            )
        return data

    @model_validator(mode="after")
    def _value_in_range(self) -> Quantity:
        if self.range is not None and not (self.range.low <= self.value <= self.range.high):
            raise ValueError(
                f"value {self.value:g} is outside its range {self.range.low:g}..{self.range.high:g}"
            )
        return self

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler) -> Any:
        if self.range is None and not self.evidence and self.judgement is None:
            return self.value
        return handler(self)

    @property
    def sourced(self) -> bool:
        """True when the number cites evidence or states an analyst judgement."""
        return bool(self.evidence) or self.judgement is not None

    @property
    def low(self) -> float:
        return self.range.low if self.range else self.value

    @property
    def high(self) -> float:
        return self.range.high if self.range else self.value

    @property
    def mode(self) -> float:
        """Most likely value: the range's mode if given, else the value itself."""
        if self.range is not None and self.range.mode is not None:
            return self.range.mode
        return self.value


def _non_negative(q: Quantity) -> Quantity:
    if q.value < 0 or (q.range is not None and q.range.low < 0):
        raise ValueError(f"capability must be >= 0, got {q.low:g}")
    return q


def _unit_interval(q: Quantity) -> Quantity:
    lo, hi = q.low, q.high
    if lo < 0 or hi > 1:
        bad = hi if hi > 1 else lo
        hint = f" (did you mean {bad / 100:g}?)" if 1 < bad <= 100 else ""
        raise ValueError(f"salience is on a 0-1 scale (Kingmaker's convention), got {bad:g}{hint}")
    return q


Capability = Annotated[Quantity, AfterValidator(_non_negative)]
Salience = Annotated[Quantity, AfterValidator(_unit_interval)]


# --------------------------------------------------------------------------- sources


class Source(Strict):
    """A document the scenario cites. `file` is a text copy shipped beside the scenario."""

    id: Id
    title: Text
    author: Text | None = None
    publisher: Text | None = None
    date: PartialDate | None = None
    url: Text | None = None
    file: Text | None = Field(
        default=None, description="clean text of the source, relative to the scenario file"
    )
    raw_file: Text | None = Field(
        default=None, description="the capture as obtained (e.g. a web page with boilerplate)"
    )
    role: Literal["input", "outcome", "background"] = Field(
        default="input",
        description="input: may justify the scenario's numbers; outcome: only observed "
        "outcomes (documents dated after as_of); background: context only",
    )
    note: Text | None = None


class ScenarioInfo(Strict):
    id: Id
    title: Text
    description: Text | None = None
    as_of: _dt.date | None = None
    sources: tuple[Source, ...] = ()


# --------------------------------------------------------------------------- issues


class ScaleAnchor(Strict):
    """A labelled point on an issue's scale, saying in words what the number means."""

    value: Number
    label: Text


class Scale(Strict):
    min: Number = 0.0
    max: Number = 100.0
    unit: Text | None = None
    anchors: tuple[ScaleAnchor, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"scale min ({self.min:g}) must be below max ({self.max:g})")
        for a in self.anchors:
            if not self.min <= a.value <= self.max:
                raise ValueError(
                    f"anchor {a.value:g} ({a.label!r}) is outside the scale "
                    f"{self.min:g}..{self.max:g}"
                )
        return self

    def contains(self, x: float) -> bool:
        return self.min <= x <= self.max

    def nearest_anchor(self, x: float) -> ScaleAnchor | None:
        """The labelled point closest to ``x`` (the lower one on a tie), to say it in words."""
        if not self.anchors or not math.isfinite(x):
            return None
        return min(self.anchors, key=lambda a: (abs(a.value - x), a.value))


class Observation(Strict):
    """A dated fact on the way to the outcome (e.g. an announced troop level)."""

    value: Number
    date: PartialDate
    label: Text | None = None
    evidence: tuple[Evidence, ...] = ()
    note: Text | None = None


class Outcome(Strict):
    """What was actually decided, on the issue's scale, for backtests."""

    value: Number
    range: Range | None = None
    date: PartialDate | None = None
    source: Id | None = None
    rationale: Text | None = None
    evidence: tuple[Evidence, ...] = ()
    observations: tuple[Observation, ...] = ()


class Issue(Strict):
    id: Id
    question: Text
    description: Text | None = None
    scale: Scale = Scale()
    status_quo: Quantity | None = Field(
        default=None, description="the reference point: what happens if nothing is agreed"
    )
    outcome: Outcome | None = None


# --------------------------------------------------------------------------- actors


class Stance(Strict):
    """An actor's numbers on one issue. Capability falls back to the actor's own."""

    position: Quantity
    salience: Salience
    capability: Capability | None = None
    note: Text | None = None


class Actor(Strict):
    id: Id
    name: Text
    aliases: tuple[Text, ...] = ()
    description: Text | None = None
    capability: Capability | None = None
    issues: dict[Id, Stance] = Field(default_factory=dict)

    def capability_on(self, issue_id: str) -> Quantity | None:
        stance = self.issues.get(issue_id)
        if stance is not None and stance.capability is not None:
            return stance.capability
        return self.capability


RELATION_KINDS = ("patron", "proxy", "ally", "rival")


class Relation(Strict):
    """A tie between two actors: `from` is the `kind` of `to` (Iran is patron of KH)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: Id = Field(alias="from")
    to: Id
    kind: Literal["patron", "proxy", "ally", "rival"]
    strength: Annotated[Number, Field(ge=0, le=1)]
    issues: tuple[Id, ...] = Field(default=(), description="issues it bears on; empty = all")
    description: Text | None = None
    evidence: tuple[Evidence, ...] = ()
    judgement: Text | None = None


# --------------------------------------------------------------------------- interventions


class _Change(Strict):
    rationale: Text | None = None


class _ParameterChange(_Change):
    actor: Id
    issue: Id | None = Field(default=None, description="None: every issue the actor has")
    parameter: Literal["position", "salience", "capability"]


class SetParameter(_ParameterChange):
    """Set an actor's parameter to a value (on one issue, or on every issue it has)."""

    op: Literal["set"]
    to: Number


class ShiftParameter(_ParameterChange):
    """Move an actor's parameter by an amount (clipped to the parameter's bounds)."""

    op: Literal["shift"]
    by: Number


class ScaleParameter(_ParameterChange):
    """Multiply an actor's parameter (typically capability) by a factor >= 0."""

    op: Literal["scale"]
    factor: Annotated[Number, Field(ge=0)]


class AddActor(_Change):
    """Bring a new actor to the table (e.g. a PMF representative in a delegation)."""

    op: Literal["add_actor"]
    actor: Actor


class RemoveActor(_Change):
    op: Literal["remove_actor"]
    actor: Id


class SetRelation(_Change):
    """Add or change a relation; strength 0 removes it."""

    model_config = ConfigDict(populate_by_name=True)

    op: Literal["relation"]
    from_: Id = Field(alias="from")
    to: Id
    kind: Literal["patron", "proxy", "ally", "rival"]
    strength: Annotated[Number, Field(ge=0, le=1)]


Change = Annotated[
    SetParameter | ShiftParameter | ScaleParameter | AddActor | RemoveActor | SetRelation,
    Field(discriminator="op"),
]


class Intervention(Strict):
    """A named, composable set of changes to a scenario: a lever an actor can pull."""

    id: Id
    name: Text
    actor: Id | None = Field(default=None, description="who pulls this lever")
    description: Text | None = None
    rationale: Text | None = None
    evidence: tuple[Evidence, ...] = ()
    judgement: Text | None = None
    changes: tuple[Change, ...] = Field(min_length=1)


# --------------------------------------------------------------------------- models


class ModelDefaults(Strict):
    """Which models `forecast` runs by default and their settings (validated per model)."""

    default: tuple[Text, ...] = ()
    settings: dict[Text, dict[str, Any]] = Field(default_factory=dict)


class Scenario(Strict):
    """A whole stakeholder model. Build one with :func:`kingmaker.load_scenario`."""

    kingmaker: Literal[1] = Field(
        default=FORMAT_VERSION, description="version of the scenario format"
    )
    scenario: ScenarioInfo
    issues: tuple[Issue, ...] = Field(min_length=1)
    actors: tuple[Actor, ...] = Field(min_length=1)
    relations: tuple[Relation, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    models: ModelDefaults = ModelDefaults()

    #: where the scenario was read from (resolves source files); not part of the document
    _origin: Any = PrivateAttr(default=None)

    @property
    def origin(self) -> Any:
        """Path of the file the scenario was read from, if any."""
        return self._origin

    def __eq__(self, other: object) -> bool:
        """Equal content, wherever each was read from."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable containers inside; compare, do not hash

    # ---- convenient lookups (derived, never stored)
    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def source(self, source_id: str) -> Source:
        for source in self.scenario.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def intervention(self, intervention_id: str) -> Intervention:
        for iv in self.interventions:
            if iv.id == intervention_id:
                return iv
        raise KeyError(intervention_id)

    def to_document(self) -> dict[str, Any]:
        """The scenario as plain data (what YAML/JSON files hold), compact and ordered."""
        body = self.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        body.pop("kingmaker", None)
        return {"kingmaker": FORMAT_VERSION, **body}
