"""The humanitarian visitor card (TVRH): decided by the policy engine at the border point,
renewed, and expired once its validity has passed (one case, or every lapsed one daily)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.accounts.users import principal_named
from corredor.cases.decisions import case_facts, grant_number, policy_in_effect, record
from corredor.cases.domain.corridor import (
    CORRIDOR_POLICY,
    TVRH_POLICY,
    GrantKind,
    is_eligible,
    recorded_text,
    tvrh_validity,
)
from corredor.cases.domain.workflow import Action, CaseState, GuardContext
from corredor.cases.records import advance, current_tvrh, status_out, visible_case
from corredor.cases.schemas import CaseStatusOut, LapsedOut
from corredor.cases.tables import Case, Grant
from corredor.documents import issuance
from corredor.documents.domain.credentials import DocumentType
from corredor.identity import register
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, new_id, now
from corredor.screening.domain.rules import Decision, Outcome, evaluate

TVRH_DOCUMENTS = frozenset({DocumentType.TVRH})


def decide_tvrh(p: Platform, who: Principal, case_id: str) -> Command[CaseStatusOut]:
    """The policy engine decides: the TVRH issued (state `tvrh_issued`), or refused and why."""
    return Command(
        operation=f"case:{case_id}:tvrh",
        payload={},
        output=CaseStatusOut,
        run=lambda s: _decide(p, s, who, case_id),
    )


def refused(status: CaseStatusOut) -> bool:
    """The decision refused the TVRH (the API answers 200, not 201 Created)."""
    return status.state == CaseState.TVRH_REFUSED


def _decisions(p: Platform, s: Session, case: Case) -> tuple[Decision, Decision]:
    facts = case_facts(p, s, case)
    today = p.today()
    tvrh = evaluate(policy_in_effect(p, TVRH_POLICY, "ground"), facts, today)
    corridor = evaluate(policy_in_effect(p, CORRIDOR_POLICY, "pathway_id"), facts, today)
    return tvrh, corridor


def _tvrh_eligible(tvrh: Decision) -> bool | None:
    """INM's TVRH rests on its own grounds (Ley de Migración art. 52 fr. V), never on whether
    the US corridor is open to the household: those are two decisions by two agencies."""
    if tvrh.outcome is Outcome.UNKNOWN:
        return None
    return tvrh.outcome is Outcome.ELIGIBLE


def _corridor_open(corridor: Decision) -> bool:
    """The corridor's own decision: met, or nothing but vetting (criminal history) left open."""
    if corridor.outcome is Outcome.ELIGIBLE:
        return True
    pending = set(corridor.missing_facts) - {"criminal_history"}  # vetting settles that later
    return corridor.outcome is Outcome.UNKNOWN and not pending


def _decide(p: Platform, s: Session, who: Principal, case_id: str) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.TVRH_ISSUE)
    if case.state != CaseState.REGISTERED:  # let the workflow explain before evaluating
        advance(s, who, case, Action.ISSUE_TVRH, context=GuardContext(today=p.today()))
    tvrh, corridor = _decisions(p, s, case)
    eligible = _tvrh_eligible(tvrh)
    if eligible is None:
        missing = sorted(set(tvrh.missing_facts))
        raise InvalidInput("facts", f"not enough known to decide; missing: {', '.join(missing)}")
    if eligible:
        _one_card_per_person(p, s, case)
    record(s, case, "tvrh", tvrh, who, note=None)
    record(s, case, "corridor", corridor, who, note=None)  # its own pathway, its own decision
    corridor_open = _corridor_open(corridor)
    if not eligible:
        reasons = [recorded_text(r) for r in tvrh.reasons if r.key.endswith("not_met")]
        reason = "; ".join(reasons) or "not eligible"
        advance(
            s,
            who,
            case,
            Action.REFUSE_TVRH,
            context=GuardContext(today=p.today(), eligible=False, reason=reason),
            data={"policy": f"{tvrh.pathway}@{tvrh.version}"},
        )
        return status_out(s, case)
    valid_from, valid_until = tvrh_validity(policy_in_effect(p, TVRH_POLICY, "ground"), p.today())
    grant = Grant(
        id=new_id(),
        case_id=case.id,
        kind=str(GrantKind.TVRH),
        number=grant_number("TVRH"),
        valid_from=valid_from,
        valid_until=valid_until,
        details={
            "authorizes": ["stay_in_mexico", "travel_to_mexico_city", "work_authorization"]
            if corridor_open
            else ["stay_in_mexico", "work_authorization"],
            "corridor": corridor_open,
            "site_id": case.site_id,
            "renewals": 0,
            "policy": f"{tvrh.pathway}@{tvrh.version}",
        },
        granted_by=who.user_id,
        granted_at=now(),
    )
    s.add(grant)
    advance(
        s,
        who,
        case,
        Action.ISSUE_TVRH,
        context=GuardContext(today=p.today(), eligible=True),
        data={"tvrh": grant.number, "valid_until": valid_until.isoformat()},
    )
    issuance.issue_latest(p, s, who, case.id, GrantKind.TVRH)
    return status_out(s, case)


def _one_card_per_person(p: Platform, s: Session, case: Case) -> None:
    """No second TVRH for one person: refused while an officer's "same person" decision links
    someone of this household to a case whose card is still valid, or while a possible
    duplicate waits for review."""
    same, review = register.same_person_elsewhere(s, case.id)
    if review:
        raise Conflict(
            "a person of this household is referred for review as a possible duplicate; "
            "decide the referral (same person or different people) before issuing a TVRH"
        )
    today = p.today()
    for other_case in sorted(set(register.cases_of_persons(s, same).values())):
        card = current_tvrh(s, other_case)
        if card is not None and card.valid_from <= today <= card.valid_until:
            raise Conflict(
                f"a person of this household is the same person as in case {other_case}, "
                f"whose TVRH {card.number} is valid until {card.valid_until.isoformat()}: "
                "one person holds one card (renew that one instead)"
            )


def renew_tvrh(p: Platform, who: Principal, case_id: str) -> Command[CaseStatusOut]:
    return Command(
        operation=f"case:{case_id}:tvrh_renewal",
        payload={},
        output=CaseStatusOut,
        run=lambda s: _renew(p, s, who, case_id),
    )


def _renew(p: Platform, s: Session, who: Principal, case_id: str) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.TVRH_RENEW)
    previous = current_tvrh(s, case.id)
    tvrh = evaluate(policy_in_effect(p, TVRH_POLICY, "ground"), case_facts(p, s, case), p.today())
    eligible = is_eligible(tvrh)
    advance(
        s, who, case, Action.RENEW_TVRH, context=GuardContext(today=p.today(), eligible=eligible)
    )
    record(s, case, "tvrh_renewal", tvrh, who, note=None)
    assert previous is not None  # the workflow only renews a case that holds a TVRH
    start = max(previous.valid_until + timedelta(days=1), p.today())
    valid_from, valid_until = tvrh_validity(policy_in_effect(p, TVRH_POLICY, "ground"), start)
    s.add(
        Grant(
            id=new_id(),
            case_id=case.id,
            kind=str(GrantKind.TVRH),
            number=grant_number("TVRH"),
            valid_from=valid_from,
            valid_until=valid_until,
            details={
                **previous.details,
                "renewals": previous.details.get("renewals", 0) + 1,
                "renews": previous.number,
            },
            granted_by=who.user_id,
            granted_at=now(),
        )
    )
    s.flush()
    issuance.issue_latest(p, s, who, case.id, GrantKind.TVRH)
    return status_out(s, case)


def expire_tvrh(p: Platform, who: Principal, case_id: str) -> Command[CaseStatusOut]:
    return Command(
        operation=f"case:{case_id}:tvrh_expiry",
        payload={},
        output=CaseStatusOut,
        run=lambda s: _expire(p, s, who, case_id),
    )


def _expire(p: Platform, s: Session, who: Principal, case_id: str) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.TVRH_EXPIRE)
    card = current_tvrh(s, case.id)
    context = GuardContext(today=p.today(), tvrh_valid_until=card.valid_until if card else None)
    advance(s, who, case, Action.EXPIRE_TVRH, context=context)
    issuance.revoke_case_documents(s, who, case.id, "TVRH expired", TVRH_DOCUMENTS)
    return status_out(s, case)


def expire_lapsed(p: Platform, acting_as: str) -> LapsedOut:
    """Expire every TVRH whose validity ended, acting as the named INM account (the daily job
    of an officer or a scheduler); each expiry is audited under that account."""
    with unit_of_work(p) as s:
        who = principal_named(s, acting_as)
        who.require(Permission.TVRH_EXPIRE)
        # One query for the cases whose latest card (the one current_tvrh reads) has lapsed,
        # read in full before any of them changes state.
        lapsed = list(
            s.execute(
                select(Grant.case_id)
                .join(Case, Case.id == Grant.case_id)
                .where(Case.state == str(CaseState.TVRH_ISSUED), Grant.kind == str(GrantKind.TVRH))
                .group_by(Grant.case_id)
                .having(func.max(Grant.valid_until) < p.today())
                .order_by(Grant.case_id)
            ).scalars()
        )
        for case_id in lapsed:
            _expire(p, s, who, case_id)
    return LapsedOut(today=p.today(), case_ids=lapsed)
