"""Fair capacity: seats per site and day, cohort quotas, priority tiers and the seeded lottery.

This is the reference implementation of the published rule (docs/allocation.md). It favours
clarity over speed; `corredor.allocation` is the vectorized twin for large runs, and property tests
prove the two give the same assignment.

The rule, in order:

1. A request is one person or one household; it needs as many seats as it has people, all on the
   same day at the same site. A person may be in one active request only.
2. A request takes part in a run if its site has capacity in the run and its cohort (the phase of
   the policy it qualifies under) is open on the run date. Others are set aside, with the reason.
3. Every request gets a tier: urgent (medical or protection need) first, then long wait (waiting
   at least `long_wait_days`), then everyone else. It gets one lottery ticket, plus one for every
   full `days_per_ticket` days waited, up to `max_tickets`. The draw (`lottery`) ranks
   requests by tier, then by draw key.
4. Each site's days are filled in date order. On each day, the seats reserved for a cohort (its
   quota) go first to that cohort's requests in rank order; whatever is left of the day, including
   quota seats the cohort did not use, then goes to every remaining request in rank order.
   "In rank order" means: walk the ranking, give seats to each request that fits in what is left,
   skip one that does not fit (a household larger than the seats left) and keep walking.
5. Requests not given a seat stay on the site's waiting list, in rank order. When a request is
   cancelled or its holder does not show up, its seats go to the next in line by the same walk.
   Moving an appointment to another day keeps the request's tier and draw.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corredor.allocation.domain.lottery import MAX_TICKETS, draw_key, rank_key
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.predicates import Labels
from corredor.screening.domain.rules import evaluate_tree

RULE_VERSION = "corredor-allocation/1"
OPEN_POOL = "open"  # the pool of a day's seats not reserved for a cohort


class Tier(IntEnum):
    URGENT = 0
    LONG_WAIT = 1
    STANDARD = 2


TIER_LABELS: Mapping[Tier, Labels] = {
    Tier.URGENT: {
        "en": "Urgent medical or protection need",
        "es": "Necesidad médica o de protección urgente",
    },
    Tier.LONG_WAIT: {"en": "Long wait", "es": "Espera larga"},
    Tier.STANDARD: {"en": "Standard", "es": "General"},
}


class Status(StrEnum):
    ASSIGNED = "assigned"
    WAITLISTED = "waitlisted"
    NOT_OPEN = "not_open"  # the request's cohort is not open on the run date
    NO_CAPACITY = "no_capacity"  # the run has no seats at the request's site
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class AllocationRule(BaseModel):
    """The published parameters of the rule; a run record carries them so a re-run uses them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal["corredor-allocation/1"] = "corredor-allocation/1"
    long_wait_days: int = Field(default=90, gt=0)
    days_per_ticket: int = Field(default=30, gt=0)
    max_tickets: int = Field(default=MAX_TICKETS, ge=1, le=MAX_TICKETS)

    def tier(self, urgent: bool, waited_days: int) -> Tier:
        if urgent:
            return Tier.URGENT
        return Tier.LONG_WAIT if waited_days >= self.long_wait_days else Tier.STANDARD

    def tickets(self, waited_days: int) -> int:
        return min(self.max_tickets, 1 + waited_days // self.days_per_ticket)


def waited_days(waiting_since: date, run_date: date) -> int:
    return max(0, (run_date - waiting_since).days)


class AllocationInputError(ValueError):
    """Bad requests or capacity; each problem names the request, person or field."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class BookingError(ValueError):
    """A release or reschedule that the state of the booking does not allow."""


@dataclass(frozen=True)
class Request:
    """One person's or one household's request for seats at a site.

    `waiting_since` is the first day the person asked (kept when a request is carried to a later
    window or rescheduled, so waiting time is never lost). `cohort` is the id of the policy phase
    the household qualifies under (see `cohort_of`).
    """

    id: str
    site: str
    people: tuple[str, ...]
    waiting_since: date
    cohort: str | None = None
    urgent: bool = False

    def __post_init__(self) -> None:
        if not self.id:
            raise AllocationInputError(["request_id: must not be empty"])
        if not self.people:
            raise AllocationInputError([f"request {self.id}: people: at least one person"])
        if len(set(self.people)) != len(self.people):
            raise AllocationInputError([f"request {self.id}: people: a person is listed twice"])

    @property
    def size(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class SiteDay:
    """The seats at one site on one day, with the seats reserved per cohort."""

    site: str
    day: date
    seats: int
    quotas: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        where = f"capacity {self.site} {self.day.isoformat()}"
        if self.seats < 0:
            raise AllocationInputError([f"{where}: seats: must not be negative"])
        if any(seats < 0 for _, seats in self.quotas):
            raise AllocationInputError([f"{where}: quotas: must not be negative"])
        cohorts = [cohort for cohort, _ in self.quotas]
        if len(set(cohorts)) != len(cohorts):
            raise AllocationInputError([f"{where}: quotas: a cohort is listed twice"])
        if sum(seats for _, seats in self.quotas) > self.seats:
            raise AllocationInputError([f"{where}: quotas: more seats reserved than the day has"])


@dataclass(frozen=True)
class Ranked:
    """Where the draw put a request: the facts behind "your tier, your draw number"."""

    request_id: str
    site: str
    tier: Tier
    tickets: int
    key: int
    draw_number: int  # 1-based position in the draw among requests of the same site and tier


@dataclass(frozen=True)
class Assignment:
    request_id: str
    site: str
    day: date
    pool: str  # a cohort id, or OPEN_POOL
    seats: int


@dataclass(frozen=True)
class Position:
    """What one person may see about their own request."""

    request_id: str
    status: Status
    tier: Tier | None
    tier_label: Labels | None
    tickets: int | None
    draw_number: int | None
    draw_key: str | None  # hex, so the person can check it against the revealed seed
    assignment: Assignment | None
    waitlist_position: int | None


@dataclass(frozen=True)
class TierCount:
    """Published counts for one site and tier; no ids, no names."""

    site: str
    tier: str
    requests: int
    people: int
    assigned_requests: int
    assigned_people: int
    waitlisted_requests: int


@dataclass(frozen=True)
class RunSummary:
    tiers: tuple[TierCount, ...]
    set_aside: Mapping[str, int]  # status -> number of requests not in the draw


def check_requests(requests: Iterable[Request]) -> None:
    """Unique request ids, and one active request per person."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    holder: dict[str, str] = {}
    for request in requests:
        if request.id in seen_ids:
            problems.append(f"request_id: {request.id} appears twice")
        seen_ids.add(request.id)
        for person in request.people:
            if person in holder:
                problems.append(
                    f"people: person {person} is in requests {holder[person]} and {request.id};"
                    " a person may have one active request"
                )
            else:
                holder[person] = request.id
    if problems:
        raise AllocationInputError(problems)


def check_capacity(capacity: Iterable[SiteDay]) -> None:
    seen: set[tuple[str, date]] = set()
    problems = []
    for site_day in capacity:
        slot = (site_day.site, site_day.day)
        if slot in seen:
            problems.append(f"capacity {site_day.site} {site_day.day.isoformat()}: listed twice")
        seen.add(slot)
    if problems:
        raise AllocationInputError(problems)


def cohort_of(policy: Policy, facts: Mapping[str, Any], as_of: date) -> str | None:
    """The first phase of the policy whose cohort the household belongs to, open or not yet.

    Fixed at registration, so a household waiting for phase 2 is ready the day it opens.
    """
    for phase in policy.phases:
        if phase.cohort is None or evaluate_tree(phase.cohort, facts, as_of).value is True:
            return phase.id
    return None


def open_cohorts(policy: Policy, run_date: date) -> frozenset[str] | None:
    """The cohorts a run on this date may serve; None when the policy is not staged."""
    if not policy.phases:
        return None
    return frozenset(phase.id for phase in policy.open_phases(run_date))


def daily_capacity(
    policy: Policy, days: Iterable[date], quotas: Mapping[str, Mapping[str, int]] | None = None
) -> list[SiteDay]:
    """Seats per site and day from the policy's daily caps; `quotas` is site -> cohort -> seats."""
    return [
        SiteDay(
            site=cap.site,
            day=day,
            seats=cap.limit,
            quotas=tuple(sorted((quotas or {}).get(cap.site, {}).items())),
        )
        for cap in policy.caps
        if cap.per == "day" and cap.site is not None
        for day in days
    ]


def allocate(
    requests: Sequence[Request],
    capacity: Sequence[SiteDay],
    *,
    seed: bytes,
    rule: AllocationRule,
    run_date: date,
    cohorts_open: frozenset[str] | None = None,
) -> Allocation:
    """One allocation run: rank every request, then fill each site's days in order."""
    check_requests(requests)
    check_capacity(capacity)
    sites = {site_day.site for site_day in capacity}
    status: dict[str, Status] = {}
    candidates: list[tuple[tuple[int, int, bytes], Request, Tier, int, int]] = []
    for request in requests:
        if request.site not in sites:
            status[request.id] = Status.NO_CAPACITY
            continue
        if cohorts_open is not None and request.cohort not in cohorts_open:
            status[request.id] = Status.NOT_OPEN
            continue
        waited = waited_days(request.waiting_since, run_date)
        tier = rule.tier(request.urgent, waited)
        tickets = rule.tickets(waited)
        key = draw_key(seed, request.id, tickets)
        candidates.append((rank_key(tier, key, request.id), request, tier, tickets, key))
        status[request.id] = Status.WAITLISTED
    candidates.sort(key=lambda candidate: candidate[0])

    ranking: dict[str, Ranked] = {}
    order: dict[str, list[str]] = defaultdict(list)
    drawn: Counter[tuple[str, Tier]] = Counter()
    for _, request, tier, tickets, key in candidates:
        drawn[(request.site, tier)] += 1
        ranking[request.id] = Ranked(
            request.id, request.site, tier, tickets, key, drawn[(request.site, tier)]
        )
        order[request.site].append(request.id)

    allocation = Allocation(
        requests={request.id: request for request in requests},
        capacity=capacity,
        ranking=ranking,
        order=dict(order),
        status=status,
        cohorts_open=cohorts_open,
    )
    allocation.run()
    return allocation


@dataclass
class Allocation:
    """The outcome of a run, and the booking state that cancellations and moves change."""

    requests: Mapping[str, Request]
    capacity: Sequence[SiteDay]
    ranking: Mapping[str, Ranked]
    order: Mapping[str, list[str]]  # site -> request ids in rank order
    status: dict[str, Status]
    cohorts_open: frozenset[str] | None
    assignments: dict[str, Assignment] = field(default_factory=dict)
    open_seats_left: dict[tuple[str, date], int] = field(default_factory=dict)

    def run(self) -> None:
        for site_day in sorted(self.capacity, key=lambda s: (s.site, s.day)):
            used_by_cohorts = 0
            for cohort, reserved in site_day.quotas:
                if self.cohorts_open is None or cohort in self.cohorts_open:
                    left = self._fill(site_day.site, site_day.day, cohort, reserved)
                    used_by_cohorts += reserved - left
            open_seats = site_day.seats - used_by_cohorts
            slot = (site_day.site, site_day.day)
            self.open_seats_left[slot] = self._fill(*slot, OPEN_POOL, open_seats)

    def _fill(self, site: str, day: date, pool: str, seats: int) -> int:
        """Walk the site's ranking and seat each waiting request that fits; return seats left."""
        for request_id in self.order.get(site, []):
            if seats == 0:
                break
            if self.status[request_id] is not Status.WAITLISTED:
                continue
            request = self.requests[request_id]
            if pool not in (OPEN_POOL, request.cohort):
                continue
            if request.size <= seats:
                self.assignments[request_id] = Assignment(request_id, site, day, pool, request.size)
                self.status[request_id] = Status.ASSIGNED
                seats -= request.size
        return seats

    def _refill(self, site: str, day: date, pool: str, seats: int) -> list[Assignment]:
        """Give freed seats to the next in line: the cohort's own first, then anyone."""
        before = set(self.assignments)
        slot = (site, day)
        if pool != OPEN_POOL:
            seats = self._fill(site, day, pool, seats)
        self.open_seats_left[slot] += seats
        self.open_seats_left[slot] = self._fill(site, day, OPEN_POOL, self.open_seats_left[slot])
        return [
            self.assignments[rid]
            for rid in self.order[site]
            if rid not in before and rid in self.assignments
        ]

    def release(
        self, request_id: str, reason: Literal[Status.CANCELLED, Status.NO_SHOW]
    ) -> list[Assignment]:
        """Cancel a request or record a no-show; returns the requests promoted into its seats."""
        current = self.status.get(request_id)
        if current is None:
            raise BookingError(f"request {request_id}: not in this run")
        if current is Status.WAITLISTED:
            self.status[request_id] = reason
            return []
        if current is not Status.ASSIGNED:
            raise BookingError(f"request {request_id}: cannot be released, it is {current.value}")
        freed = self.assignments.pop(request_id)
        self.status[request_id] = reason
        return self._refill(freed.site, freed.day, freed.pool, freed.seats)

    def reschedule(self, request_id: str, day: date) -> tuple[Assignment, list[Assignment]]:
        """Move an appointment to another day with free seats; tier and draw are unchanged.

        Returns the new appointment and the requests promoted into the seats it gave up.
        """
        current = self.assignments.get(request_id)
        if current is None:
            raise BookingError(f"request {request_id}: has no appointment to move")
        target = (current.site, day)
        if target not in self.open_seats_left:
            raise BookingError(f"day: {current.site} has no capacity on {day.isoformat()}")
        if day == current.day:
            return current, []
        if self.open_seats_left[target] < current.seats:
            raise BookingError(
                f"day: {current.site} has {self.open_seats_left[target]} free seats on "
                f"{day.isoformat()}, the request needs {current.seats}"
            )
        self.open_seats_left[target] -= current.seats
        moved = Assignment(request_id, current.site, day, OPEN_POOL, current.seats)
        self.assignments[request_id] = moved
        promoted = self._refill(current.site, current.day, current.pool, current.seats)
        return moved, promoted

    def waitlist(self, site: str) -> list[str]:
        return [rid for rid in self.order.get(site, []) if self.status[rid] is Status.WAITLISTED]

    def position(self, request_id: str) -> Position:
        status = self.status.get(request_id)
        if status is None:
            raise BookingError(f"request {request_id}: not in this run")
        ranked = self.ranking.get(request_id)
        if ranked is None:
            return Position(request_id, status, None, None, None, None, None, None, None)
        waitlist_position = None
        if status is Status.WAITLISTED:
            waitlist_position = self.waitlist(ranked.site).index(request_id) + 1
        return Position(
            request_id=request_id,
            status=status,
            tier=ranked.tier,
            tier_label=TIER_LABELS[ranked.tier],
            tickets=ranked.tickets,
            draw_number=ranked.draw_number,
            draw_key=f"{ranked.key:016x}",
            assignment=self.assignments.get(request_id),
            waitlist_position=waitlist_position,
        )

    def summary(self) -> RunSummary:
        """The published results of the run: counts per site and tier, nothing personal."""
        rows = []
        for site in sorted(self.order):
            for tier in Tier:
                ids = [rid for rid in self.order[site] if self.ranking[rid].tier is tier]
                if not ids:
                    continue
                assigned = [rid for rid in ids if rid in self.assignments]
                rows.append(
                    TierCount(
                        site=site,
                        tier=tier.name.lower(),
                        requests=len(ids),
                        people=sum(self.requests[rid].size for rid in ids),
                        assigned_requests=len(assigned),
                        assigned_people=sum(self.requests[rid].size for rid in assigned),
                        waitlisted_requests=sum(
                            self.status[rid] is Status.WAITLISTED for rid in ids
                        ),
                    )
                )
        set_aside = Counter(
            status.value
            for status in self.status.values()
            if status in (Status.NOT_OPEN, Status.NO_CAPACITY)
        )
        return RunSummary(tiers=tuple(rows), set_aside=dict(sorted(set_aside.items())))

    def check_integrity(self) -> None:
        """No seat given twice: per day, per pool and per person. Raises on any breach."""
        used: Counter[tuple[str, date]] = Counter()
        by_pool: Counter[tuple[str, date, str]] = Counter()
        people: Counter[str] = Counter()
        for assignment in self.assignments.values():
            used[(assignment.site, assignment.day)] += assignment.seats
            by_pool[(assignment.site, assignment.day, assignment.pool)] += assignment.seats
            people.update(self.requests[assignment.request_id].people)
        for site_day in self.capacity:
            slot = (site_day.site, site_day.day)
            if used[slot] > site_day.seats:
                raise AssertionError(f"{slot}: {used[slot]} seats given, {site_day.seats} exist")
        twice = [person for person, count in people.items() if count > 1]
        if twice:
            raise AssertionError(f"people with two appointments: {twice[:5]}")
