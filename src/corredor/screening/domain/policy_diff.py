"""What changed between two versions of a pathway, clause by clause, in words a reader can check.

A clause is matched across versions by its `id` (the same rule, possibly with new dates or
lists); clauses without an id are matched by what they ask (fact and plain-language label).
Dates and lists are shown as written in the policy file, so a caseworker can compare them with
the cited source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from corredor.screening.domain.policy import Policy
from corredor.screening.domain.predicates import Clause, Labels, Predicate, children


@dataclass(frozen=True)
class ClauseRow:
    """One clause of a version: what it asks, the value it compares with, and its source."""

    key: str
    label: Labels | None
    fact: str
    requirement: str  # operator and operand, language-neutral (codes, dates, numbers)
    source: str | None
    judgement: bool


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "removed", "changed"]
    label: Labels | None
    before: str | None = None
    after: str | None = None


def clause_rows(policy: Policy) -> list[ClauseRow]:
    """Every clause of the pathway's rule (phases' cohorts included), in file order."""
    rows: list[ClauseRow] = []
    trees: list[Predicate] = [policy.eligibility]
    trees += [phase.cohort for phase in policy.phases if phase.cohort is not None]
    for tree in trees:
        rows.extend(_rows(tree))
    return rows


def _rows(node: Predicate) -> list[ClauseRow]:
    if isinstance(node, Clause):
        label_en = (node.label or {}).get("en", "")
        return [
            ClauseRow(
                key=node.id or f"{node.fact}|{label_en}",
                label=node.label,
                fact=node.fact,
                requirement=requirement(node),
                source=node.source,
                judgement=node.judgement,
            )
        ]
    found: list[ClauseRow] = []
    for child in children(node):
        found.extend(_rows(child))
    return found


def requirement(clause: Clause) -> str:
    """`nationality in CU, HT, NI, VE`; `irregular_entries no_entry US, MX, PA after 2022-10-19`."""
    return f"{clause.fact} {clause.operator} {_shown(clause.operand)}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, BaseModel):
        parts = [
            f"{name} {_shown(item)}"
            for name, item in value.model_dump().items()
            if item is not None
        ]
        return "; ".join(parts)
    return str(value)


def changes(before: Policy, after: Policy) -> list[Change]:
    """What a reader of `after` should know changed since `before`."""
    found: list[Change] = []
    old = {row.key: row for row in clause_rows(before)}
    new = {row.key: row for row in clause_rows(after)}
    for key, row in new.items():
        if key not in old:
            found.append(Change("added", row.label, after=row.requirement))
        elif (old[key].requirement, old[key].judgement) != (row.requirement, row.judgement):
            found.append(
                Change("changed", row.label, before=old[key].requirement, after=row.requirement)
            )
    for key, row in old.items():
        if key not in new:
            found.append(Change("removed", row.label, before=row.requirement))
    return found


def history(versions: list[Policy]) -> list[tuple[Policy, list[Change]]]:
    """Each version with what changed since the one before (the first: nothing to compare)."""
    result: list[tuple[Policy, list[Change]]] = []
    previous: Policy | None = None
    for policy in versions:
        result.append((policy, changes(previous, policy) if previous else []))
        previous = policy
    return result
