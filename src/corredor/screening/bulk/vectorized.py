"""The vectorized evaluator: the same predicate trees as `domain.rules`, over a Polars table.

Unknown is null. Polars' `&`, `|`, `all_horizontal` and `any_horizontal` follow the same
three-valued (Kleene) logic as the scalar engine, so each node compiles to one expression and
the whole catalogue to one lazy query that Polars runs in parallel, sharing common parts.

Table layout (`FRAME_SCHEMA`): one column per fact; a missing column or a null cell is unknown.
The record facts (`job_offer`, `us_relative`) are structs: a null struct is unknown, a struct
whose fields are all null means "has none".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import FACTS, FactKind, Profile
from corredor.screening.domain.predicates import (
    AllOf,
    AnyOf,
    Clause,
    EntryMatch,
    MemberMatch,
    Predicate,
)
from corredor.screening.domain.rules import Outcome, years_before

OUTCOME = pl.Enum([outcome.value for outcome in Outcome])

_KIND_DTYPES: dict[FactKind, pl.DataType] = {
    FactKind.BOOLEAN: pl.Boolean(),
    FactKind.COUNTRY: pl.String(),
    FactKind.REGION: pl.String(),
    FactKind.DATE: pl.Date(),
    FactKind.TERMS: pl.List(pl.String()),
    FactKind.HOUSEHOLD: pl.List(pl.Struct({"relation": pl.String(), "birth_date": pl.Date()})),
    FactKind.ENTRIES: pl.List(pl.Struct({"country": pl.String(), "date": pl.Date()})),
}


def _dtype(name: str) -> pl.DataType:
    spec = FACTS[name]
    if spec.kind is FactKind.RECORD:
        return pl.Struct({field: pl.String() for field in spec.fields})
    return _KIND_DTYPES[spec.kind]


FRAME_SCHEMA: dict[str, pl.DataType] = {name: _dtype(name) for name in FACTS}


def normalize(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add every fact column the table lacks (as unknown) and cast the ones it has."""
    present = set(frame.collect_schema().names())
    return frame.with_columns(
        [
            pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in FRAME_SCHEMA.items()
        ]
    )


def compile_predicate(node: Predicate, as_of: date) -> pl.Expr:
    """A boolean expression, null where the outcome is unknown."""
    value = _compile_node(node, as_of)
    if node.judgement:  # not met, but the law needs judgement: unknown
        return pl.when(value.not_()).then(pl.lit(None, dtype=pl.Boolean())).otherwise(value)
    return value


def _compile_node(node: Predicate, as_of: date) -> pl.Expr:
    if isinstance(node, AllOf):
        parts = [compile_predicate(part, as_of) for part in node.all]
        return pl.all_horizontal(parts) if parts else pl.lit(True)
    if isinstance(node, AnyOf):
        parts = [compile_predicate(part, as_of) for part in node.any]
        return pl.any_horizontal(parts) if parts else pl.lit(False)
    if isinstance(node, Clause):
        return _compile_clause(node, as_of)
    return ~compile_predicate(node.not_, as_of)


def _compile_clause(clause: Clause, as_of: date) -> pl.Expr:
    name, _, field = clause.fact.partition(".")
    column = pl.col(name)
    operator, operand = clause.operator, clause.operand
    if FACTS[name].kind is FactKind.RECORD:
        first_field = FACTS[name].fields[0]
        has_record = column.struct.field(first_field).is_not_null()
        if operator == "exists":
            value = has_record == pl.lit(operand)
        else:
            value = _compare(column.struct.field(field), operator, operand, as_of).fill_null(False)
        return pl.when(column.is_null()).then(pl.lit(None, dtype=pl.Boolean())).otherwise(value)
    return _compare(column, operator, operand, as_of)


def _compare(column: pl.Expr, operator: str, operand: Any, as_of: date) -> pl.Expr:
    match operator:
        case "equals":
            return column == pl.lit(operand)
        case "in":
            return column.is_in(operand)
        case "not_in":
            return ~column.is_in(operand)
        case "contains_any":
            return column.list.eval(pl.element().is_in(operand)).list.any()
        case "on_or_before":
            return column <= pl.lit(operand)
        case "after":
            return column > pl.lit(operand)
        case "age_at_least":
            return column <= pl.lit(years_before(as_of, operand))
        case "age_below":
            return column > pl.lit(years_before(as_of, operand))
        case "within_years":
            return column >= pl.lit(years_before(as_of, operand))
        case "any_member":
            return column.list.eval(_member_matches(operand, as_of)).list.any()
        case "any_entry":
            return column.list.eval(_entry_matches(operand)).list.any()
        case "no_entry":
            return ~column.list.eval(_entry_matches(operand)).list.any()
    raise AssertionError(f"unhandled operator {operator}")  # pragma: no cover - schema forbids it


def _member_matches(match: MemberMatch, as_of: date) -> pl.Expr:
    member = pl.element().struct
    condition = member.field("relation").is_in(match.relation_in)
    if match.age_below is not None:
        condition &= member.field("birth_date") > pl.lit(years_before(as_of, match.age_below))
    if match.age_at_least is not None:
        condition &= member.field("birth_date") <= pl.lit(years_before(as_of, match.age_at_least))
    return condition


def _entry_matches(match: EntryMatch) -> pl.Expr:
    entry = pl.element().struct
    return entry.field("country").is_in(match.country_in) & (
        entry.field("date") > pl.lit(match.after)
    )


def outcome_expression(value: pl.Expr) -> pl.Expr:
    return (
        pl.when(value)
        .then(pl.lit(Outcome.ELIGIBLE.value))
        .when(~value)
        .then(pl.lit(Outcome.NOT_ELIGIBLE.value))
        .otherwise(pl.lit(Outcome.UNKNOWN.value))
        .cast(OUTCOME)
    )


def pathway_expressions(catalogue: Catalogue, as_of: date) -> list[pl.Expr]:
    """One outcome column per pathway; a pathway not in effect on `as_of` is not_eligible."""
    expressions = []
    for pathway in catalogue.pathway_ids():
        policy = catalogue.in_effect(pathway, as_of)
        value = (
            pl.lit(False)
            if policy is None
            else compile_predicate(policy.predicate_at(as_of), as_of)
        )
        expressions.append(outcome_expression(value).alias(pathway))
    return expressions


def screen_frame(
    catalogue: Catalogue,
    frame: pl.DataFrame | pl.LazyFrame,
    as_of: date,
    keep: Iterable[str] = (),
) -> pl.DataFrame:
    """Screen every row against every pathway. Columns: `keep`, then one per pathway id."""
    lazy = normalize(frame.lazy())
    return lazy.select(
        [*(pl.col(name) for name in keep), *pathway_expressions(catalogue, as_of)]
    ).collect()


def profiles_to_frame(profiles: Iterable[Profile]) -> pl.DataFrame:
    """A table of profiles in `FRAME_SCHEMA` layout (for tests and small batches)."""
    columns: dict[str, list[Any]] = {name: [] for name in FACTS}
    for profile in profiles:
        known = profile.known_facts()
        for name, values in columns.items():
            values.append(_cell(name, known.get(name, _UNKNOWN)))
    return pl.DataFrame(columns, schema=FRAME_SCHEMA)


_UNKNOWN = object()


def _cell(name: str, value: Any) -> Any:
    if value is _UNKNOWN:
        return None
    spec = FACTS[name]
    if spec.kind is FactKind.RECORD:
        return dict.fromkeys(spec.fields) if value is None else value.model_dump()
    if isinstance(value, list):
        return [item.model_dump() if hasattr(item, "model_dump") else item for item in value]
    return value
