"""Erasing a person, and applying the retention policy. Each opens its own unit of work.

Erasing destroys the person's data key (`kernel.data_keys`): their fields, their documents'
tokens, the vetting results and stored replies that name them all become unreadable at once,
in the database and in every backup. Their documents are revoked, the row keeps no sealed value
nor lookup hash, the erasure is appended to the ledger outside the database (so a restore
re-applies it) and audited without any personal value. When the case's principal person is
erased, the case is unlinked from the applicant's account (the account itself stays: it may
hold other cases, and an administrator can disable it).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from corredor.cases import records
from corredor.documents import issuance
from corredor.identity import register
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.data_keys import data_keys, record_erasure
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, NotFound
from corredor.kernel.idempotency import count_replays, purge_replays
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.retention.domain.policy import DataKind, RetentionPolicy, Rule
from corredor.retention.policy_file import load_policy
from corredor.retention.schemas import ErasureOut, RetentionReport, RuleOutcome

if TYPE_CHECKING:
    from corredor.cases.tables import Case, Person

__all__ = ["apply_retention", "erase", "erase_person", "load_policy"]
OPERATOR = audit.Actor(user_id=None, role="operator")  # the command line
RETENTION = audit.Actor(user_id=None, role="retention")  # the daily job


def _erase_people(
    p: Platform,
    s: Session,
    by: audit.Actor,
    case: Case,
    people: list[Person],
    *,
    reason: str,
    at: datetime,
) -> ErasureOut:
    keys = data_keys(s, p.cipher)
    records.seal_household_legacy(p, s, case.id)
    erased, already = [], []
    for person in people:
        if keys.erased_at(person.id) is not None:
            already.append(person.id)
            continue
        issuance.erase_holder(p, s, by, person.id)
        records.erase_person_fields(person)
        register.forget(s, person.id)
        keys.destroy(person.id, at)
        # on disk before the transaction commits: a restore must never bring this person back
        record_erasure(p.settings.ledger_dir, person.id, at)
        erased.append(person.id)
    principal = next((x for x in people if x.position == 0), None)
    unlinked = (
        principal is not None and principal.id in erased and case.applicant_user_id is not None
    )
    if unlinked:
        case.applicant_user_id = None
    if erased:
        audit.append(
            s,
            by,
            AuditTag.PERSON_ERASE,
            case_id=case.id,
            detail={"persons": erased, "reason": reason, "applicant_unlinked": unlinked},
            at=at,
        )
    s.flush()
    return ErasureOut(
        case_id=case.id,
        erased=erased,
        already=already,
        erased_at=at,
        applicant_unlinked=unlinked,
    )


def _target(s: Session, target: str) -> tuple[Case, list[Person]]:
    """A person id names that person; a case id names every person of the case."""
    person = records.person_named(s, target)
    if person is not None:
        return records.load_case(s, person.case_id), [person]
    try:
        case = records.load_case(s, target)
    except NotFound:
        raise NotFound(f"no case or person {target}") from None
    return case, records.persons_of(s, case.id)


def erase(p: Platform, by: audit.Actor, target: str, reason: str) -> ErasureOut:
    """Erase a person, or every person of a case (the command line's `person erase`)."""
    with unit_of_work(p) as s:
        case, people = _target(s, target)
        done = _erase_people(p, s, by, case, people, reason=reason, at=p.now())
    if not done.erased:
        raise Conflict(f"{target}: already erased", state="erased")
    return done


def erase_person(p: Platform, who: Principal, person_id: str, reason: str) -> ErasureOut:
    """The administrators' API: one person, by id."""
    who.require(Permission.PERSON_ERASE)
    with unit_of_work(p) as s:
        person = records.person_named(s, person_id)
        if person is None:
            raise NotFound(f"no person {person_id}")
        case = records.load_case(s, person.case_id)
        by = audit.Actor(user_id=who.user_id, role=str(who.role))
        done = _erase_people(p, s, by, case, [person], reason=reason, at=p.now())
    if not done.erased:
        raise Conflict(f"person {person_id} is already erased", state="erased")
    return done


# ---- retention ----


def _states(kind: DataKind) -> dict[str, list[str]]:
    if kind is DataKind.REFUSED_TVRH:
        return {"corridor": ["tvrh_refused"]}
    closed = records.closed_states()
    # a refused TVRH has its own, shorter rule
    return {k: [s for s in v if s != "tvrh_refused"] for k, v in closed.items()}


def _cases_rule(
    p: Platform, s: Session, policy: RetentionPolicy, rule: Rule, *, now: datetime, apply: bool
) -> RuleOutcome:
    outcome = RuleOutcome(
        kind=rule.kind,
        keep_days=rule.keep_days,
        assumption=rule.assumption,
        cutoff=rule.cutoff(now),
    )
    keys = data_keys(s, p.cipher)
    for case in records.cases_left_in(s, _states(rule.kind), rule.cutoff(now)):
        live = [x for x in records.persons_of(s, case.id) if keys.erased_at(x.id) is None]
        if not live:
            continue
        outcome.cases.append(case.id)
        outcome.persons += len(live)
        if apply:
            reason = f"retention {policy.version}: {rule.kind} after {rule.keep_days} days"
            _erase_people(p, s, RETENTION, case, live, reason=reason, at=now)
    return outcome


def apply_retention(
    p: Platform, policy: RetentionPolicy, now: datetime, *, apply: bool = False
) -> RetentionReport:
    """What the policy makes due at `now`; with `apply`, erase and delete it. Both the dry run
    and the application are audited, with counts only."""
    outcomes = []
    with unit_of_work(p) as s:
        for kind in (DataKind.CLOSED_CASES, DataKind.REFUSED_TVRH):
            outcomes.append(_cases_rule(p, s, policy, policy.rules[kind], now=now, apply=apply))
    replays = policy.rules[DataKind.IDEMPOTENCY_REPLAYS]
    due = count_replays(p.db, now, replays.keep_days)
    if apply:
        due = purge_replays(p.db, now, replays.keep_days)
    outcomes.append(
        RuleOutcome(
            kind=replays.kind,
            keep_days=replays.keep_days,
            assumption=replays.assumption,
            cutoff=replays.cutoff(now),
            replays=due,
        )
    )
    logs = policy.rules[DataKind.VERIFICATION_LOGS]
    outcomes.append(
        RuleOutcome(
            kind=logs.kind,
            keep_days=logs.keep_days,
            assumption=logs.assumption,
            cutoff=logs.cutoff(now),
            note=f"outside the database: rotate the servers' logs with maxage {logs.keep_days}",
        )
    )
    with unit_of_work(p) as s:
        audit.append(
            s,
            RETENTION if apply else OPERATOR,
            AuditTag.RETENTION_APPLY if apply else AuditTag.RETENTION_REVIEW,
            detail={
                "policy_version": policy.version,
                "counts": {
                    o.kind: {"cases": len(o.cases), "persons": o.persons, "replays": o.replays}
                    for o in outcomes
                },
            },
            at=now,
        )
    return RetentionReport(policy_version=policy.version, applied=apply, at=now, rules=outcomes)
