"""Eligibility predicate trees, as written in policy files.

A tree is made of groups (``all``, ``any``, ``not``) and clauses. A clause names one fact and one
operator, for example ``{fact: nationality, in: [CU, HT, NI, VE]}``. Which operators a fact takes
depends on its kind (see `facts.FactKind`); a policy file that pairs them wrongly is refused when
it is loaded, with the path of the clause.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from corredor.screening.domain.facts import FACTS, RELATIONS, FactKind, check_country

Labels = dict[str, str]  # language code -> plain-language text


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str | None = Field(default=None, description="stable clause id, cited in decisions")
    label: Labels | None = Field(default=None, description="the requirement in plain language")
    source: str | None = Field(
        default=None, description="the legal source of this clause's dates, lists or rule"
    )
    judgement: bool = Field(
        default=False,
        description=(
            "the law needs a lawyer's judgement where this part is not met: it then reads "
            "unknown ('get legal advice'), never a flat 'not met'"
        ),
    )


class MemberMatch(BaseModel):
    """A household member who matches: relation and, optionally, an age bound."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relation_in: list[str]
    age_below: int | None = Field(default=None, ge=0, le=130)
    age_at_least: int | None = Field(default=None, ge=0, le=130)

    @field_validator("relation_in")
    @classmethod
    def _relations(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - RELATIONS)
        if unknown or not value:
            raise ValueError(f"expected relations from {sorted(RELATIONS)}, got {value}")
        return value


class EntryMatch(BaseModel):
    """An irregular entry into one of the countries, strictly after a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country_in: list[str]
    after: date

    @field_validator("country_in")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("expected at least one country")
        return [check_country(code) for code in value]


Scalar = bool | str

# operator name -> the fact kinds it applies to
OPERATOR_KINDS: dict[str, frozenset[FactKind]] = {
    "equals": frozenset(
        {FactKind.BOOLEAN, FactKind.COUNTRY, FactKind.REGION, FactKind.RECORD_FIELD}
    ),
    "in": frozenset({FactKind.COUNTRY, FactKind.REGION, FactKind.RECORD_FIELD}),
    "not_in": frozenset({FactKind.COUNTRY, FactKind.REGION, FactKind.RECORD_FIELD}),
    "contains_any": frozenset({FactKind.TERMS}),
    "on_or_before": frozenset({FactKind.DATE}),
    "after": frozenset({FactKind.DATE}),
    "age_at_least": frozenset({FactKind.DATE}),
    "age_below": frozenset({FactKind.DATE}),
    "within_years": frozenset({FactKind.DATE}),
    "any_member": frozenset({FactKind.HOUSEHOLD}),
    "any_entry": frozenset({FactKind.ENTRIES}),
    "no_entry": frozenset({FactKind.ENTRIES}),
    "exists": frozenset({FactKind.RECORD}),
}


def fact_kind(fact: str) -> FactKind:
    """The kind of a fact name, including record fields such as ``job_offer.visa_class``."""
    name, _, field = fact.partition(".")
    spec = FACTS.get(name)
    if spec is None:
        raise ValueError(f"unknown fact {name!r}; expected one of {', '.join(sorted(FACTS))}")
    if not field:
        return spec.kind
    if spec.kind is not FactKind.RECORD or field not in spec.fields:
        raise ValueError(f"fact {name!r} has no field {field!r}")
    return FactKind.RECORD_FIELD


class Clause(_Node):
    """One fact compared by one operator."""

    fact: str
    equals: Scalar | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    contains_any: list[str] | None = None
    on_or_before: date | None = None
    after: date | None = None
    age_at_least: int | None = Field(default=None, ge=0, le=130)
    age_below: int | None = Field(default=None, ge=0, le=130)
    within_years: int | None = Field(
        default=None,
        ge=0,
        le=130,
        description="on or after the same day N years before the as-of date (anniversary kept)",
    )
    any_member: MemberMatch | None = None
    any_entry: EntryMatch | None = None
    no_entry: EntryMatch | None = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _one_operator_that_fits_the_fact(self) -> Clause:
        kind = fact_kind(self.fact)
        given = [name for name in OPERATOR_KINDS if getattr(self, _attr(name)) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a clause on {self.fact!r} needs exactly one operator, got {given or 'none'}; "
                f"operators: {', '.join(OPERATOR_KINDS)}"
            )
        operator = given[0]
        if kind not in OPERATOR_KINDS[operator]:
            fitting = [name for name, kinds in OPERATOR_KINDS.items() if kind in kinds]
            raise ValueError(
                f"operator {operator!r} does not apply to {self.fact!r} ({kind}); "
                f"use one of {', '.join(fitting)}"
            )
        if operator == "equals" and (kind is FactKind.BOOLEAN) != isinstance(self.equals, bool):
            raise ValueError(
                f"{self.fact!r} equals needs a {'boolean' if kind is FactKind.BOOLEAN else 'text'}"
                " value"
            )
        return self

    @property
    def operator(self) -> str:
        return next(name for name in OPERATOR_KINDS if getattr(self, _attr(name)) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, _attr(self.operator))


def _attr(operator: str) -> str:
    return "in_" if operator == "in" else operator


class AllOf(_Node):
    all: list[Predicate]


class AnyOf(_Node):
    any: list[Predicate]


class NotOf(_Node):
    not_: Predicate = Field(alias="not")


def _node_type(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not", Clause: "clause"}.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "clause"
    return None


Predicate = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Clause, Tag("clause")],
    Discriminator(_node_type),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()

NodeKind = Literal["all", "any", "not", "clause"]


def children(node: Predicate) -> list[Predicate]:
    if isinstance(node, AllOf):
        return node.all
    if isinstance(node, AnyOf):
        return node.any
    if isinstance(node, NotOf):
        return [node.not_]
    return []


def facts_used(node: Predicate) -> set[str]:
    """Every fact (top-level name) a tree reads."""
    if isinstance(node, Clause):
        return {node.fact.partition(".")[0]}
    found: set[str] = set()
    for child in children(node):
        found |= facts_used(child)
    return found
