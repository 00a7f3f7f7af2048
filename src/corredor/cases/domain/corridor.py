"""Case facts for the policy engine, travel modes and grants: the corridor's vocabulary.

The INM officer records a legal ground as a clause id of the TVRH policy
(e.g. ``tvrh.ground.asylum-seeker``); the policy file itself says which fact that clause reads,
so a new ground in a new policy version needs no code.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from corredor.screening.domain.policy import Policy
from corredor.screening.domain.predicates import Clause, Predicate, children
from corredor.screening.domain.rules import Decision, Outcome, Reason, decisive

TVRH_POLICY = "mx-tvrh"
CORRIDOR_POLICY = "mx-us-joint-corridor"
GROUND_PREFIX = "tvrh.ground."
PAROLE_DAYS = 730  # two years, the CHNV parole period; CBP may set another on the grant


class TravelMode(StrEnum):
    PORT_OF_ENTRY = "port_of_entry"
    FLIGHT = "flight"


class GrantKind(StrEnum):
    TVRH = "tvrh"
    PAROLE = "parole"
    WORK_AUTHORIZATION = "work_authorization"


class UnknownGround(ValueError):
    pass


def _clauses(node: Predicate) -> list[Clause]:
    found = [node] if isinstance(node, Clause) else []
    for child in children(node):
        found.extend(_clauses(child))
    return found


def grounds(policy: Policy) -> dict[str, str]:
    """Every legal ground of the TVRH policy: clause id -> the fact it reads."""
    return {
        clause.id: clause.fact
        for clause in _clauses(policy.eligibility)
        if clause.id is not None and clause.id.startswith(GROUND_PREFIX)
    }


def ground_fact(policy: Policy, ground: str) -> str:
    known = grounds(policy)
    if ground not in known:
        raise UnknownGround(
            f"unknown legal ground {ground!r}; expected one of {', '.join(sorted(known))}"
        )
    return known[ground]


def cited_clauses(decision: Decision) -> list[str]:
    """The clause ids that decided the outcome, for the record and the applicant."""
    if decision.result is None:
        return []
    return list(dict.fromkeys(clause.ref for clause in decisive(decision.result)))


def recorded_text(reason: Reason) -> str:
    """A reason as a decision records it: what was required and whether it was met, without
    the person's own value ("you: 1992-04-11"). Decisions are read by officers who may not see
    personal data (CBP's case lists), and the values stay sealed with the person."""
    actual = reason.params.get("actual")
    return reason.text.removesuffix(f" (you: {actual})") if actual else reason.text


def citation(decision: Decision) -> dict[str, Any]:
    return {
        "policy_id": decision.pathway,
        "policy_version": decision.version,
        "outcome": str(decision.outcome),
        "clauses": cited_clauses(decision),
        "reasons": [recorded_text(reason) for reason in decision.reasons],
        "missing_facts": list(decision.missing_facts),
    }


def is_eligible(decision: Decision) -> bool | None:
    return {Outcome.ELIGIBLE: True, Outcome.NOT_ELIGIBLE: False}.get(decision.outcome)


def tvrh_validity(policy: Policy, start: date) -> tuple[date, date]:
    days = policy.validity.days if policy.validity else 365
    return start, start + timedelta(days=days - 1)
