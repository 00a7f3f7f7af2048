"""Requests: a person or a household asks for a place in an open window's draw, and reads their
own requests ("your tier, your draw number", the booking they won).

A request names persons of a case by their ids (never typed document numbers): an applicant
only their own household, a caseworker only a case assigned to them with the person's consent in
force. A person may hold one active request; each is stored as a keyed hash of their id.

An applicant sees only their own requests: those registered for them (`applicant_user_id`) or by
them (`registered_by`); anyone else's are NotFound, as for an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from corredor.allocation.domain.booking import ACTIVE as STILL_ACTIVE
from corredor.allocation.domain.booking import RequestStatus, actions_open_to
from corredor.allocation.domain.rule import TIER_LABELS, Tier, cohort_of
from corredor.allocation.schemas import (
    HouseholdChoice,
    HouseholdPerson,
    MyRequests,
    PositionOut,
    RequestForm,
    RequestIn,
    RequestOut,
    RequestStanding,
    WindowOut,
)
from corredor.allocation.store import (
    RECORDS_URGENCY,
    active_seats,
    appointment_of,
    begin_writing,
    current_windows,
    entry_of,
    load_window,
    request_out,
    request_view,
    staged_policy,
    taking_requests,
    visible_request,
    window_out,
)
from corredor.allocation.tables import (
    ACTIVE,
    AllocationRequest,
    AllocationRequestPerson,
    AllocationRunEntry,
    AllocationWindow,
)
from corredor.allocation.use_cases.runs import results_of
from corredor.cases.records import (
    case_actor,
    cases_in_scope,
    decrypt_person,
    persons_of,
    visible_case,
)
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role, may
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now
from corredor.screening.domain.predicates import facts_used
from corredor.sharing.disclosures import has_consent_in_force

MAX_LISTED = 50


def register_request(
    p: Platform, who: Principal, body: RequestIn, key: str | None = None
) -> Command[RequestOut]:
    """Register a person's or household's request in an open window's draw.

    The key is also stored on the request, so a retry racing its own first attempt for the same
    people answers with the request that attempt made.
    """
    return Command(
        operation="allocation:request",
        payload=body.model_dump(mode="json"),
        output=RequestOut,
        run=lambda s: _register(p, s, who, body, key),
    )


def read_request(p: Platform, who: Principal, request_id: str) -> RequestOut:
    with unit_of_work(p) as s:
        return _read_request(s, who, request_id)


def position(p: Platform, who: Principal, request_id: str) -> PositionOut:
    """ "Your tier, your draw number": the request's place in the draw and in line; audited."""
    with unit_of_work(p) as s:
        return _position(s, who, request_id)


def my_requests_overview(p: Platform, who: Principal) -> MyRequests:
    """The caller's requests, newest first, each with its booking if it holds seats; and the
    windows taking requests now, if they may ask."""
    who.require(Permission.ALLOCATION_READ_OWN_POSITION)
    may_ask = may(who.role, Permission.ALLOCATION_REQUEST)
    with unit_of_work(p) as s:
        mine = _my_requests(s, who, MAX_LISTED)
        windows = current_windows(s, p.today()) if may_ask else []
    return MyRequests(
        requests=mine,
        has_active=any(RequestStatus(r.status) in STILL_ACTIVE for r in mine),
        may_ask=may_ask,
        windows_taking_requests=taking_requests(windows, now()),
    )


def request_standing(p: Platform, who: Principal, request_id: str) -> RequestStanding:
    """A request's status page: the request, its place in the draw (audited, as the API's
    position), its window, the run's published counts, and the moves the caller may make."""
    with unit_of_work(p) as s:
        mine = _read_request(s, who, request_id)  # others' are NotFound
        position = _position(s, who, request_id)
        window = window_out(s, load_window(s, mine.window_id))
        results = results_of(s, window.run_id) if window.run_id else None
    actions = actions_open_to(who.role, RequestStatus(mine.status))
    return RequestStanding(
        request=mine,
        position=position,
        window=window,
        results=results,
        actions=[str(action) for action in actions],
    )


def request_form(p: Platform, who: Principal) -> RequestForm:
    """What asking for a place needs: the current windows, those taking requests now, those
    whose draw needs the household's facts, and whether the caller may record an urgency."""
    who.require(Permission.ALLOCATION_REQUEST)
    with unit_of_work(p) as s:
        windows = current_windows(s, p.today())
    return RequestForm(
        windows=windows,
        taking_requests=taking_requests(windows, now()),
        household_windows=[w.id for w in windows if _needs_household(p, w)],
        records_urgency=who.role in RECORDS_URGENCY,
    )


def households(p: Platform, who: Principal) -> list[HouseholdChoice]:
    """The households the caller may ask for, each person with their name: an applicant's own
    cases, a caseworker's assigned ones with the person's consent in force (officers: none, they
    work from the case). Reading the names is audited as any read of personal data."""
    who.require(Permission.ALLOCATION_REQUEST)
    with unit_of_work(p) as s:
        cases = cases_in_scope(s, who)
        if who.role is Role.CASEWORKER:
            cases = [case for case in cases if has_consent_in_force(s, case.id)]
        chosen = []
        for case in cases:
            people = [decrypt_person(p, person) for person in persons_of(s, case.id)]
            audit.append(
                s,
                case_actor(s, who, case),
                AuditTag.CASE_READ_PERSONAL_DATA,
                case_id=case.id,
                detail={"persons": len(people), "fields": ["name"], "for": "allocation"},
            )
            chosen.append(
                HouseholdChoice(
                    case_id=case.id,
                    people=[
                        HouseholdPerson(id=str(x.id), name=x.name, relation=x.relation)
                        for x in people
                    ],
                )
            )
        return chosen


def _needs_household(p: Platform, window: WindowOut) -> bool:
    """True when the window serves a staged pathway whose groups are told by the household."""
    try:
        policy = staged_policy(p, window.policy_id, p.today())
    except InvalidInput:
        return False
    used: set[str] = set()
    for phase in policy.phases if policy else []:
        if phase.cohort is not None:
            used |= facts_used(phase.cohort)
    return "household" in used


# ---- the work, inside the caller's unit of work ----


def _my_requests(s: Session, who: Principal, limit: int) -> list[RequestOut]:
    rows = (
        s.execute(
            select(AllocationRequest)
            .where(
                or_(
                    AllocationRequest.applicant_user_id == who.user_id,
                    AllocationRequest.registered_by == who.user_id,
                )
            )
            .order_by(AllocationRequest.created_at.desc(), AllocationRequest.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    seats = active_seats(s, [row.id for row in rows])
    return [request_out(row, seats.get(row.id, [])) for row in rows]


def _read_request(s: Session, who: Principal, request_id: str) -> RequestOut:
    request = visible_request(s, who, request_id, Permission.ALLOCATION_READ_OWN_POSITION)
    return request_view(s, request)


def _position(s: Session, who: Principal, request_id: str) -> PositionOut:
    request = visible_request(s, who, request_id, Permission.ALLOCATION_READ_OWN_POSITION)
    window = load_window(s, request.window_id)
    entry = entry_of(s, request.id)
    waitlist_position = None
    if entry is not None and request.status == RequestStatus.WAITLISTED:
        ahead = s.execute(
            select(func.count())
            .select_from(AllocationRunEntry)
            .join(AllocationRequest, AllocationRequest.id == AllocationRunEntry.request_id)
            .where(
                AllocationRunEntry.run_id == entry.run_id,
                AllocationRunEntry.site_id == entry.site_id,
                AllocationRunEntry.rank < (entry.rank or 0),
                AllocationRequest.status == str(RequestStatus.WAITLISTED),
            )
        ).scalar_one()
        waitlist_position = int(ahead) + 1
    tier = Tier(entry.tier) if entry is not None and entry.tier is not None else None
    audit.append(
        s,
        actor(s, who),
        AuditTag.REQUEST_READ_POSITION,
        case_id=request.case_id,
        detail={"request": request.id},
    )
    return PositionOut(
        request_id=request.id,
        status=request.status,
        tier=tier.name.lower() if tier is not None else None,
        tier_label=dict(TIER_LABELS[tier]) if tier is not None else None,
        tickets=entry.tickets if entry else None,
        draw_number=entry.draw_number if entry else None,
        draw_key=entry.draw_key if entry else None,
        waitlist_position=waitlist_position,
        appointment=appointment_of(active_seats(s, [request.id]).get(request.id, [])),
        seed_commitment=window.seed_commitment,
        seed=window.seed,
    )


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


def _answer_known(s: Session, known: _Known) -> RequestOut | None:
    """Replay this caller's earlier answer, refuse a person already active, or None to go on."""
    if known.replay_id is not None:
        earlier = s.get(AllocationRequest, known.replay_id)
        assert earlier is not None, "it was just read"
        return request_view(s, earlier)
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


# One answer for every person the caller may not name: a case that does not exist, one that is
# not theirs, a person of another case, an invented id. It tells nothing about anyone else (not
# whether they exist, nor whether they hold a request).
NOT_YOURS = "name persons of a case you may ask for: your own household, or a case assigned to you"


def _persons_the_caller_names(s: Session, who: Principal, body: RequestIn) -> str | None:
    """Check that every person named belongs to the case and that the caller may ask for it;
    the case's applicant account (whom the request belongs to), if it has one.

    An applicant asks only for their own household, a caseworker only for a case assigned to
    them whose person's consent is in force, an INM officer (who registers every case) for any
    case; anyone else lacks `allocation:request` and was refused before this.
    """
    try:
        case = visible_case(s, who, body.case_id, Permission.ALLOCATION_REQUEST)
    except NotFound:
        raise InvalidInput("people", NOT_YOURS) from None
    if not set(body.people) <= {person.id for person in persons_of(s, case.id)}:
        raise InvalidInput("people", NOT_YOURS)
    if who.role is Role.CASEWORKER and not has_consent_in_force(s, case.id):
        raise InvalidInput(
            "case_id", "the person's consent is not recorded on this case (or was withdrawn)"
        )
    if body.applicant_user_id not in (None, case.applicant_user_id):
        raise InvalidInput("applicant_user_id", "the request belongs to the case's own applicant")
    return case.applicant_user_id


def _register(
    p: Platform, s: Session, who: Principal, body: RequestIn, key: str | None
) -> RequestOut:
    who.require(Permission.ALLOCATION_REQUEST)
    begin_writing(s)
    window = load_window(s, body.window_id, lock="key_share")
    _check_window_open(window, p.now())
    if body.site_id not in window.sites:
        raise InvalidInput("site_id", f"window {window.id} serves {', '.join(window.sites)}")
    if body.urgent and who.role not in RECORDS_URGENCY:
        raise InvalidInput("urgent", "an urgent need is recorded by a caseworker or INM officer")
    applicant = _persons_the_caller_names(s, who, body)
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
    return request_out(request)
