"""The scalar rule engine: one person, one policy, every clause explained.

Logic is three-valued (Kleene): a clause whose fact is unknown is unknown; ``all`` is false as
soon as one part is false, ``any`` is true as soon as one part is true, otherwise unknown wins.
The vectorized twin (corredor.screening.bulk.vectorized) computes the same values over a table;
property tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from corredor.screening.domain.explain import describe_actual, describe_requirement
from corredor.screening.domain.facts import FACTS, FactKind, HouseholdMember, IrregularEntry
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.predicates import (
    AllOf,
    AnyOf,
    Clause,
    EntryMatch,
    Labels,
    MemberMatch,
    NotOf,
    Predicate,
)

Tri = bool | None  # True, False, or None for unknown
_MISSING = object()


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: Tri) -> Outcome:
        if value is None:
            return cls.UNKNOWN
        return cls.ELIGIBLE if value else cls.NOT_ELIGIBLE


@dataclass(frozen=True)
class ClauseResult:
    """The outcome of one node of the tree, with its parts."""

    path: str
    id: str | None
    kind: str  # "all", "any", "not" or "clause"
    value: Tri
    label: Labels | None = None
    fact: str | None = None
    operator: str | None = None
    expected: Any = None
    actual: Any = None
    parts: tuple[ClauseResult, ...] = ()
    needs_advice: bool = False  # not met, but the law needs judgement: reads unknown

    @property
    def ref(self) -> str:
        """How a decision cites this clause: its id, else its path in the tree."""
        return self.id or self.path

    def walk(self) -> Iterator[ClauseResult]:
        yield self
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation. `key` and `params` are what a translation needs."""

    key: str
    text: str
    clause: str | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    pathway: str
    version: str | None
    as_of: date
    outcome: Outcome
    reasons: tuple[Reason, ...]
    missing_facts: tuple[str, ...] = ()
    result: ClauseResult | None = None

    def clauses(self) -> list[ClauseResult]:
        """Every clause's outcome, depth first."""
        return list(self.result.walk()) if self.result else []


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def evaluate_tree(
    node: Predicate, facts: Mapping[str, Any], as_of: date, path: str = ""
) -> ClauseResult:
    if isinstance(node, Clause):
        return _evaluate_clause(node, facts, as_of, path or "eligibility")
    parts = tuple(
        evaluate_tree(part, facts, as_of, f"{path or 'eligibility'}.{index}")
        for index, part in enumerate(_parts(node))
    )
    values = [part.value for part in parts]
    value: Tri
    if isinstance(node, AllOf):
        kind, value = "all", _all(values)
    elif isinstance(node, AnyOf):
        kind, value = "any", _any(values)
    else:
        kind, value = "not", (None if values[0] is None else not values[0])
    needs_advice = node.judgement and value is False
    return ClauseResult(
        path=path or "eligibility",
        id=node.id,
        kind=kind,
        value=None if needs_advice else value,
        label=node.label,
        parts=parts,
        needs_advice=needs_advice,
    )


def _parts(node: AllOf | AnyOf | NotOf) -> list[Predicate]:
    if isinstance(node, AllOf):
        return node.all
    if isinstance(node, AnyOf):
        return node.any
    return [node.not_]


def _all(values: list[Tri]) -> Tri:
    if any(value is False for value in values):
        return False
    return None if any(value is None for value in values) else True


def _any(values: list[Tri]) -> Tri:
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


def _evaluate_clause(
    clause: Clause, facts: Mapping[str, Any], as_of: date, path: str
) -> ClauseResult:
    actual = _fact_value(clause.fact, facts)
    value = None if actual is _MISSING else _compare(clause, actual, as_of)
    needs_advice = clause.judgement and value is False
    return ClauseResult(
        path=path,
        id=clause.id,
        kind="clause",
        value=None if needs_advice else value,
        needs_advice=needs_advice,
        label=clause.label,
        fact=clause.fact,
        operator=clause.operator,
        expected=clause.operand,
        actual=None if actual is _MISSING else actual,
    )


def _fact_value(fact: str, facts: Mapping[str, Any]) -> Any:
    name, _, field_name = fact.partition(".")
    value = facts.get(name, _MISSING)
    if not field_name or value is _MISSING or value is None:
        return value
    return getattr(value, field_name)


def _compare(clause: Clause, actual: Any, as_of: date) -> bool:
    operator, operand = clause.operator, clause.operand
    record_fact = FACTS[clause.fact.partition(".")[0]].kind is FactKind.RECORD
    if record_fact and operator != "exists" and actual is None:
        # a field of a record the person does not have ("no job offer") meets no requirement
        return False
    match operator:
        case "exists":
            return bool((actual is not None) == operand)
        case "equals":
            return bool(actual == operand)
        case "in":
            return bool(actual in operand)
        case "not_in":
            return bool(actual not in operand)
        case "contains_any":
            return bool(set(actual) & set(operand))
        case "on_or_before":
            return bool(actual <= operand)
        case "after":
            return bool(actual > operand)
        case "age_at_least":
            return bool(actual <= years_before(as_of, operand))
        case "age_below":
            return bool(actual > years_before(as_of, operand))
        case "within_years":
            return bool(actual >= years_before(as_of, operand))
        case "any_member":
            return any(_member_matches(member, operand, as_of) for member in actual)
        case "any_entry":
            return any(_entry_matches(entry, operand) for entry in actual)
        case "no_entry":
            return not any(_entry_matches(entry, operand) for entry in actual)
    raise AssertionError(f"unhandled operator {operator}")  # pragma: no cover - schema forbids it


def _member_matches(member: HouseholdMember, match: MemberMatch, as_of: date) -> bool:
    if member.relation not in match.relation_in:
        return False
    if match.age_below is not None and member.birth_date <= years_before(as_of, match.age_below):
        return False
    return not (
        match.age_at_least is not None
        and member.birth_date > years_before(as_of, match.age_at_least)
    )


def _entry_matches(entry: IrregularEntry, match: EntryMatch) -> bool:
    return entry.country in match.country_in and entry.date > match.after


def decisive(result: ClauseResult) -> list[ClauseResult]:
    """The clauses that decided a node's value: why it is what it is.

    An ``all`` that is false is decided by its false parts; an ``any`` that is true by its true
    parts; an unknown node by its unknown parts; otherwise by every part.
    """
    if result.kind == "clause" or result.needs_advice:
        return [result]
    relevant = [part for part in result.parts if part.value is result.value]
    if result.kind == "any" and result.value is False:
        # Policy files write per-group rules as `any: [{all: [condition, rule]}, ...]`; a branch
        # whose condition (its first part) is false does not apply to this person, so it
        # explains nothing, unless no branch applies at all.
        applicable = [part for part in relevant if not _branch_does_not_apply(part)]
        relevant = applicable or relevant
    if not relevant:  # an empty group: nothing below it decided anything
        return [result]
    return [leaf for part in relevant for leaf in decisive(part)]


def _branch_does_not_apply(branch: ClauseResult) -> bool:
    return branch.kind == "all" and bool(branch.parts) and branch.parts[0].value is False


def evaluate(policy: Policy, facts: Mapping[str, Any], as_of: date) -> Decision:
    """Decide one policy version for one person on a date, with reasons."""
    result = evaluate_tree(policy.predicate_at(as_of), facts, as_of)
    outcome = Outcome.of(result.value)
    deciding = decisive(result)
    reasons = [_reason(clause) for clause in deciding]
    if outcome is Outcome.NOT_ELIGIBLE and policy.phases:
        reasons.extend(_later_phases(policy, facts, as_of))
    missing = (
        tuple(
            dict.fromkeys(
                c.fact.partition(".")[0]
                for c in deciding
                if c.fact and not c.needs_advice and c.fact.partition(".")[0] not in facts
            )
        )
        if outcome is Outcome.UNKNOWN
        else ()
    )
    return Decision(
        pathway=policy.id,
        version=policy.version,
        as_of=as_of,
        outcome=outcome,
        reasons=tuple(reasons),
        missing_facts=missing,
        result=result,
    )


def _reason(clause: ClauseResult) -> Reason:
    state = {True: "met", False: "not_met", None: "unknown"}[clause.value]
    requirement = describe_requirement(clause)
    params = {"requirement": requirement}
    if clause.needs_advice:
        actual = describe_actual(clause)
        if actual:
            params["actual"] = actual
        text = f"Needs legal advice: {requirement}" + (f" (you: {actual})" if actual else "")
        return Reason(key="clause.needs_advice", text=text, clause=clause.ref, params=params)
    if clause.value is None:
        text = f"Not known yet: {requirement}"
    else:
        actual = describe_actual(clause)
        params["actual"] = actual
        text = f"{'Met' if clause.value else 'Not met'}: {requirement}" + (
            f" (you: {actual})" if actual else ""
        )
    return Reason(key=f"clause.{state}", text=text, clause=clause.ref, params=params)


def _later_phases(policy: Policy, facts: Mapping[str, Any], as_of: date) -> list[Reason]:
    """If only the staged roll-out stands in the way, say when the person's group opens."""
    base = evaluate_tree(policy.eligibility, facts, as_of).value
    if base is False:
        return []
    for phase in policy.phases:
        if phase.opens <= as_of:
            continue
        in_cohort = phase.cohort is None or evaluate_tree(phase.cohort, facts, as_of).value
        if in_cohort:
            title = phase.title["en"]
            return [
                Reason(
                    key="phase.opens_later",
                    text=f"Your group opens on {phase.opens.isoformat()}: {title}",
                    clause=f"{policy.id}.{phase.id}",
                    params={"phase": phase.id, "opens": phase.opens.isoformat(), "title": title},
                )
            ]
    return []
