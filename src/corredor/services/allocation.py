"""Fair capacity: capacity per site and day, request windows, registration, the run, the seed.

The run applies the published rule of `allocation.domain.rule` as it is; this module only reads its
inputs from the database and writes its outcome back, with every change in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import RequestStatus
from corredor.allocation.domain.lottery import commitment, new_seed
from corredor.allocation.domain.rule import (
    AllocationRule,
    cohort_of,
)
from corredor.allocation.tables import (
    ACTIVE,
    AllocationRequest,
    AllocationRequestPerson,
    AllocationWindow,
    CapacityDay,
)
from corredor.domain.policy import Policy
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput
from corredor.services.allocation_schemas import (
    CapacityDayOut,
    CapacityIn,
    RequestIn,
    WindowIn,
    WindowOut,
)
from corredor.services.allocation_store import (
    begin_writing,
    load_window,
    lock_days,
    request_out,
    request_view,
    require_site_officer,
    run_of_window,
    seats_taken,
    site_agency,
)
from corredor.services.platform import Platform, actor, new_id, now

Answer = tuple[int, dict[str, Any]]
SEED_COLUMN = "allocation_windows.seed"
RECORDS_URGENCY = frozenset({Role.CASEWORKER, Role.INM_OFFICER})


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


# ---- capacity ----


def set_capacity(p: Platform, s: Session, who: Principal, body: CapacityIn) -> Answer:
    """Seats and quotas for a run of days at a site; each change is audited with its old value."""
    who.require(Permission.CAPACITY_UPDATE)
    require_site_officer(who, p.reference, body.site_id)
    begin_writing(s)
    days = days_between(body.from_day, body.last_day)
    existing = lock_days(s, body.site_id, days)
    taken = seats_taken(s, body.site_id, days)
    before: dict[str, Any] = {}
    for day in days:
        if body.seats < taken.get(day, 0):
            raise Conflict(
                f"seats: {taken[day]} seats are already given on {day.isoformat()}; "
                "cancel bookings before lowering capacity below that"
            )
        row = existing.get(day)
        if row is None:
            row = CapacityDay(site_id=body.site_id, day=day)
            s.add(row)
        else:
            before[day.isoformat()] = {"seats": row.seats, "quotas": dict(row.quotas)}
        row.seats, row.quotas = body.seats, dict(sorted(body.quotas.items()))
        row.updated_by, row.updated_at = who.user_id, now()
    audit.append(
        s,
        actor(s, who),
        AuditTag.CAPACITY_UPDATE,
        detail={
            "site": body.site_id,
            "from": body.from_day.isoformat(),
            "until": body.last_day.isoformat(),
            "seats": body.seats,
            "quotas": body.quotas,
            "before": before,
        },
    )
    s.flush()
    return 200, {"days": [d.model_dump(mode="json") for d in capacity_view(s, body.site_id, days)]}


def capacity_view(s: Session, site_id: str, days: list[date]) -> list[CapacityDayOut]:
    rows = (
        s.execute(
            select(CapacityDay)
            .where(CapacityDay.site_id == site_id, CapacityDay.day.in_(days))
            .order_by(CapacityDay.day)
        )
        .scalars()
        .all()
    )
    taken = seats_taken(s, site_id, days)
    return [
        CapacityDayOut(
            site_id=row.site_id,
            day=row.day,
            seats=row.seats,
            quotas=dict(row.quotas),
            seats_taken=taken.get(row.day, 0),
        )
        for row in rows
    ]


def list_capacity(
    p: Platform, s: Session, site_id: str, first: date, last: date
) -> list[CapacityDayOut]:
    site_agency(p.reference, site_id)  # a clear 422 for an unknown site
    if last < first or (last - first).days > 366:
        raise InvalidInput("until", "expected a date 0 to 366 days after from")
    return capacity_view(s, site_id, days_between(first, last))


# ---- windows ----


def window_out(s: Session, window: AllocationWindow) -> WindowOut:
    run = run_of_window(s, window.id)
    return WindowOut(
        id=window.id,
        state=window.state,
        site_ids=list(window.sites),
        first_day=window.first_day,
        last_day=window.last_day,
        opens_at=audit.as_utc(window.opens_at),
        closes_at=audit.as_utc(window.closes_at),
        policy_id=window.policy_id,
        rule=AllocationRule.model_validate(window.rule),
        seed_commitment=window.seed_commitment,
        seed=window.seed,
        run_id=run.id if run else None,
    )


def staged_policy(p: Platform, policy_id: str | None, on: date) -> Policy | None:
    if policy_id is None:
        return None
    if policy_id not in p.catalogue.pathway_ids():
        raise InvalidInput("policy_id", f"unknown pathway {policy_id}")
    policy = p.catalogue.in_effect(policy_id, on)
    if policy is None:
        raise InvalidInput("policy_id", f"{policy_id} is not in effect on {on.isoformat()}")
    return policy


def open_window(p: Platform, s: Session, who: Principal, body: WindowIn) -> Answer:
    """Open a request window; the seed's SHA-256 is fixed (and public) from this moment."""
    who.require(Permission.ALLOCATION_WINDOW)
    for site_id in body.site_ids:
        require_site_officer(who, p.reference, site_id)
    begin_writing(s)
    opens_at = body.opens_at or now()
    if body.closes_at <= opens_at:
        raise InvalidInput("closes_at", "must be after the window opens")
    staged_policy(p, body.policy_id, p.today())
    clash = s.execute(
        select(AllocationWindow.id, AllocationWindow.sites).where(
            AllocationWindow.first_day <= body.last_day,
            AllocationWindow.last_day >= body.first_day,
        )
    ).all()
    for other_id, sites in clash:
        shared = sorted(set(sites) & set(body.site_ids))
        if shared:
            raise Conflict(
                f"window {other_id} already fills days of {', '.join(shared)} in this range"
            )
    seed_enc = None
    if body.seed_commitment is None:
        seed = new_seed()
        seed_enc = p.cipher.encrypt(seed.hex(), SEED_COLUMN)
        committed = commitment(seed)
    else:
        committed = body.seed_commitment
    window = AllocationWindow(
        id=new_id(),
        state="open",
        sites=list(body.site_ids),
        first_day=body.first_day,
        last_day=body.last_day,
        opens_at=opens_at,
        closes_at=body.closes_at,
        policy_id=body.policy_id,
        rule=body.rule.model_dump(mode="json"),
        seed_commitment=committed,
        seed_enc=seed_enc,
        created_by=who.user_id,
        created_at=now(),
    )
    s.add(window)
    s.flush()
    audit.append(
        s,
        actor(s, who),
        AuditTag.WINDOW_OPEN,
        detail={"window": window.id, "sites": window.sites, "commitment": committed},
    )
    return 201, window_out(s, window).model_dump(mode="json")


# ---- registration ----


@dataclass(frozen=True)
class _Known:
    """What the store already holds about a registration's people, read in one query."""

    replay_id: str | None  # this caller's request under this idempotency key
    active_status: str | None  # the status of an active request holding one of the people
    waiting_since: date | None  # the earliest first request of any of them


def _known(s: Session, who: Principal, keys: list[str], key: str | None) -> _Known:
    rows = s.execute(
        select(
            AllocationRequest.id,
            AllocationRequest.registered_by,
            AllocationRequest.idempotency_key,
            AllocationRequest.status,
            AllocationRequest.waiting_since,
            AllocationRequestPerson.active,
        )
        .join(AllocationRequestPerson, AllocationRequestPerson.request_id == AllocationRequest.id)
        .where(AllocationRequestPerson.person_key.in_(keys))
    ).all()
    mine = (
        row.id
        for row in rows
        if key is not None and (row.registered_by, row.idempotency_key) == (who.user_id, key)
    )
    return _Known(
        replay_id=next(mine, None),
        active_status=next((row.status for row in rows if row.active), None),
        waiting_since=min((row.waiting_since for row in rows), default=None),
    )


def _answer_known(s: Session, known: _Known) -> Answer | None:
    """Replay this caller's earlier answer, refuse a person already active, or None to go on."""
    if known.replay_id is not None:
        earlier = s.get(AllocationRequest, known.replay_id)
        assert earlier is not None, "it was just read"
        return 201, request_view(s, earlier).model_dump(mode="json")
    if known.active_status is not None:
        raise Conflict(
            "people: a person in this request already has an active request; "
            "it must end (be cancelled) before they ask again",
            state=known.active_status,
            allowed=["cancel"],
        )
    return None


def _add_people(s: Session, request_id: str, keys: list[str]) -> bool:
    """Insert the people as active; False when one of them is already active elsewhere.

    ON CONFLICT DO NOTHING on the partial unique index, rather than a savepoint around a plain
    insert: the same guarantee, two round trips fewer on the hottest path of a registration burst.
    """
    dialect = s.get_bind().dialect.name
    insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert_into(AllocationRequestPerson)
        .values(
            [
                {"request_id": request_id, "position": i, "person_key": k, "active": True}
                for i, k in enumerate(keys)
            ]
        )
        .on_conflict_do_nothing(index_elements=["person_key"], index_where=ACTIVE)
        .returning(AllocationRequestPerson.id)  # counted: rowcount is not reliable here
    )
    return len(s.execute(statement).all()) == len(keys)


def _cohort(p: Platform, window: AllocationWindow, body: RequestIn) -> str | None:
    policy = staged_policy(p, window.policy_id, p.today())
    if policy is None or not policy.phases:
        return None
    if body.facts is None:
        raise InvalidInput(
            "facts", f"this window serves the phases of {policy.id}: household facts are needed"
        )
    return cohort_of(policy, body.facts.known_facts(), p.today())


def _check_window_open(window: AllocationWindow, moment: datetime) -> None:
    if window.state != "open":
        raise Conflict(f"window {window.id} is {window.state}", state=window.state)
    if moment < audit.as_utc(window.opens_at):
        raise Conflict(f"window {window.id} opens at {window.opens_at}", state="not_yet_open")
    if moment >= audit.as_utc(window.closes_at):
        raise Conflict(f"window {window.id} closed at {window.closes_at}", state="closed")


def register(
    p: Platform, s: Session, who: Principal, body: RequestIn, key: str | None = None
) -> Answer:
    """Register a person's or household's request in an open window."""
    who.require(Permission.ALLOCATION_REQUEST)
    begin_writing(s)
    window = load_window(s, body.window_id, lock="key_share")
    _check_window_open(window, p.now())
    if body.site_id not in window.sites:
        raise InvalidInput("site_id", f"window {window.id} serves {', '.join(window.sites)}")
    applicant = body.applicant_user_id
    if who.role is Role.APPLICANT:
        if applicant not in (None, who.user_id):
            raise Forbidden("an applicant registers only for themselves")
        applicant = who.user_id
    if body.urgent and who.role not in RECORDS_URGENCY:
        raise InvalidInput("urgent", "an urgent need is recorded by a caseworker or INM officer")
    keys = [p.lookup.digest(f"person:{ref}") for ref in body.people]
    known = _known(s, who, keys, key)
    answer = _answer_known(s, known)
    if answer is not None:
        return answer
    cohort = _cohort(p, window, body)
    moment = now()
    request = AllocationRequest(
        id=new_id(),
        window_id=window.id,
        site_id=body.site_id,
        size=len(keys),
        cohort=cohort,
        urgent=body.urgent,
        # Waiting time is never lost: it counts from the person's first request.
        waiting_since=min(known.waiting_since or p.today(), p.today()),
        status=str(RequestStatus.REGISTERED),
        case_id=body.case_id,
        applicant_user_id=applicant,
        registered_by=who.user_id,
        idempotency_key=key,
        created_at=moment,
        updated_at=moment,
    )
    s.add(request)
    s.flush()
    if not _add_people(s, request.id, keys):
        # A concurrent call registered one of these people first (or this very call, retried):
        # take this request back and answer as if it had come second.
        s.execute(
            delete(AllocationRequestPerson).where(AllocationRequestPerson.request_id == request.id)
        )
        s.delete(request)
        s.flush()
        answer = _answer_known(s, _known(s, who, keys, key))
        assert answer is not None, "a conflict means another active request holds a person"
        return answer
    audit.append(
        s,
        actor(s, who),
        AuditTag.REQUEST_REGISTER,
        case_id=body.case_id,
        detail={
            "request": request.id,
            "window": window.id,
            "site": body.site_id,
            "size": len(keys),
        },
    )
    return 201, request_out(request).model_dump(mode="json")


def current_windows(p: Platform, s: Session) -> list[WindowOut]:
    """Windows still open, or whose appointment days have not all passed."""
    rows = s.execute(
        select(AllocationWindow)
        .where(or_(AllocationWindow.state == "open", AllocationWindow.last_day >= p.today()))
        .order_by(AllocationWindow.first_day, AllocationWindow.id)
        .limit(200)
    ).scalars()
    return [window_out(s, row) for row in rows]
