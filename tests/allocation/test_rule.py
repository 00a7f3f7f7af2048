"""The published rule (reference implementation): integrity, tiers, quotas, release, reschedule."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corredor.allocation.domain.lottery import rank_key
from corredor.allocation.domain.rule import (
    OPEN_POOL,
    Allocation,
    AllocationInputError,
    AllocationRule,
    BookingError,
    Request,
    SiteDay,
    Status,
    Tier,
    allocate,
    cohort_of,
    daily_capacity,
    open_cohorts,
)
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import Profile

from .strategies import RUN_DATE, capacity, cohorts_open, requests, seeds

SITE = "mx-cmx-assisted-site"
RULE = AllocationRule()
SEED = bytes(range(32))
DAY = RUN_DATE + timedelta(days=1)


def person(
    n: int, *, size: int = 1, waited: int = 0, urgent: bool = False, cohort: str | None = None
) -> Request:
    return Request(
        id=f"r{n:03d}",
        site=SITE,
        people=tuple(f"p{n}-{m}" for m in range(size)),
        waiting_since=RUN_DATE - timedelta(days=waited),
        cohort=cohort,
        urgent=urgent,
    )


def run(
    wanted: list[Request], seats: list[SiteDay], cohorts_open: frozenset[str] | None = None
) -> Allocation:
    return allocate(
        wanted, seats, seed=SEED, rule=RULE, run_date=RUN_DATE, cohorts_open=cohorts_open
    )


@settings(max_examples=200, deadline=None)
@given(requests(), capacity(), seeds, cohorts_open, st.data())
def test_no_seat_is_given_twice_even_after_releases_and_moves(
    wanted: list[Request],
    seats: list[SiteDay],
    seed: bytes,
    cohorts: frozenset[str] | None,
    data: st.DataObject,
) -> None:
    result = allocate(wanted, seats, seed=seed, rule=RULE, run_date=RUN_DATE, cohorts_open=cohorts)
    result.check_integrity()
    for _ in range(data.draw(st.integers(0, 6))):
        assigned = sorted(result.assignments)
        if not assigned:
            break
        chosen = data.draw(st.sampled_from(assigned))
        if data.draw(st.booleans()):
            result.release(chosen, Status.CANCELLED)
            assert result.status[chosen] is Status.CANCELLED
        else:
            current = result.assignments[chosen]
            days = sorted({s.day for s in seats if s.site == current.site})
            day = data.draw(st.sampled_from(days))
            if day == current.day or result.open_seats_left[(current.site, day)] >= current.seats:
                assert result.reschedule(chosen, day)[0].day == day
            else:
                with pytest.raises(BookingError, match="free seats"):
                    result.reschedule(chosen, day)
        result.check_integrity()
        seated = Counter(
            p for a in result.assignments.values() for p in result.requests[a.request_id].people
        )
        assert all(count == 1 for count in seated.values())


@settings(max_examples=200, deadline=None)
@given(requests(), capacity(), seeds, cohorts_open)
def test_quotas_are_never_exceeded(
    wanted: list[Request], seats: list[SiteDay], seed: bytes, cohorts: frozenset[str] | None
) -> None:
    result = allocate(wanted, seats, seed=seed, rule=RULE, run_date=RUN_DATE, cohorts_open=cohorts)
    used = Counter()
    for a in result.assignments.values():
        used[(a.site, a.day, a.pool)] += a.seats
        if a.pool != OPEN_POOL:
            assert result.requests[a.request_id].cohort == a.pool
    for site_day in seats:
        for cohort, reserved in site_day.quotas:
            assert used[(site_day.site, site_day.day, cohort)] <= reserved
        assert (
            sum(n for (s, d, _), n in used.items() if (s, d) == (site_day.site, site_day.day))
            <= site_day.seats
        )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 300), st.booleans()), max_size=80), st.integers(0, 40), seeds
)
def test_tiers_then_lottery_decide_who_is_seated(
    people: list[tuple[int, bool]], seats: int, seed: bytes
) -> None:
    """Single people, no quota: everyone seated ranks above everyone still waiting."""
    wanted = [person(n, waited=w, urgent=u) for n, (w, u) in enumerate(people)]
    result = allocate(wanted, [SiteDay(SITE, DAY, seats)], seed=seed, rule=RULE, run_date=RUN_DATE)

    def key(rid: str) -> tuple[int, int, bytes]:
        ranked = result.ranking[rid]
        return rank_key(ranked.tier, ranked.key, rid)

    seated = [key(rid) for rid in result.assignments]
    waiting = [key(rid) for rid in result.waitlist(SITE)]
    assert len(seated) == min(seats, len(wanted))
    if seated and waiting:
        assert max(seated) < min(waiting)
    for rid in result.assignments:
        r = result.requests[rid]
        assert result.ranking[rid].tier == (
            Tier.URGENT
            if r.urgent
            else Tier.LONG_WAIT
            if (RUN_DATE - r.waiting_since).days >= 90
            else Tier.STANDARD
        )


def test_urgent_before_long_wait_before_standard() -> None:
    wanted = [person(1), person(2, waited=200), person(3, urgent=True), person(4, waited=10)]
    result = run(wanted, [SiteDay(SITE, DAY, 2)])
    assert set(result.assignments) == {"r003", "r002"}
    assert result.waitlist(SITE)[0] in {"r001", "r004"}
    assert result.ranking["r002"].tickets == RULE.tickets(200) == 7


def test_quota_seats_go_to_the_cohort_and_unused_ones_to_everyone() -> None:
    families = [person(n, cohort="phase-1") for n in range(3)]
    others = [person(n, urgent=True, cohort="phase-3") for n in range(10, 20)]
    result = run(families + others, [SiteDay(SITE, DAY, 6, (("phase-1", 4),))])
    pools = Counter(a.pool for a in result.assignments.values())
    # three families fill 3 of the 4 reserved seats; the 4th joins the open pool (3 open seats).
    assert pools == {"phase-1": 3, OPEN_POOL: 3}
    assert all(
        result.requests[rid].urgent for rid, a in result.assignments.items() if a.pool == OPEN_POOL
    )


def test_a_household_is_one_request_seated_together_or_skipped() -> None:
    family, single = person(1, size=4, urgent=True), person(2)
    result = run(
        [family, single], [SiteDay(SITE, DAY, 3), SiteDay(SITE, DAY + timedelta(days=1), 5)]
    )
    assert result.assignments["r002"].day == DAY  # the family does not fit on day 1: skipped
    assert result.assignments["r001"].day == DAY + timedelta(days=1)
    assert result.assignments["r001"].seats == 4


def test_one_active_request_per_person() -> None:
    a = person(1)
    b = Request(id="r002", site=SITE, people=("p1-0", "q"), waiting_since=RUN_DATE)
    with pytest.raises(AllocationInputError, match="person p1-0 is in requests r001 and r002"):
        run([a, b], [SiteDay(SITE, DAY, 5)])
    with pytest.raises(AllocationInputError, match="request_id: r001 appears twice"):
        run([a, a], [SiteDay(SITE, DAY, 5)])
    with pytest.raises(AllocationInputError, match="people: a person is listed twice"):
        Request(id="x", site=SITE, people=("p", "p"), waiting_since=RUN_DATE)


def test_cancel_and_no_show_release_seats_to_the_next_in_line() -> None:
    wanted = [person(n, waited=n) for n in range(6)]
    result = run(wanted, [SiteDay(SITE, DAY, 2)])
    line = result.waitlist(SITE)
    first = sorted(result.assignments)[0]
    promoted = result.release(first, Status.NO_SHOW)
    assert [a.request_id for a in promoted] == [line[0]]
    assert promoted[0].day == DAY
    assert result.status[first] is Status.NO_SHOW
    assert result.waitlist(SITE) == line[1:]
    # A waiting request that withdraws frees nothing and leaves the line.
    assert result.release(line[1], Status.CANCELLED) == []
    assert result.waitlist(SITE) == line[2:]
    with pytest.raises(BookingError, match="cannot be released"):
        result.release(first, Status.CANCELLED)


def test_released_quota_seats_go_to_the_same_cohort_first() -> None:
    wanted = [
        person(1, cohort="phase-1"),
        person(2, cohort="phase-1"),
        person(3, urgent=True, cohort="phase-3"),
    ]
    result = run(wanted, [SiteDay(SITE, DAY, 1, (("phase-1", 1),))])
    seated = next(iter(result.assignments))
    assert result.requests[seated].cohort == "phase-1"
    promoted = result.release(seated, Status.CANCELLED)
    assert [result.requests[a.request_id].cohort for a in promoted] == ["phase-1"]


def test_rescheduling_keeps_tier_and_draw_and_frees_the_old_seat() -> None:
    days = [SiteDay(SITE, DAY, 1), SiteDay(SITE, DAY + timedelta(days=1), 2)]
    wanted = [person(1, urgent=True), person(2, waited=100), person(3)]
    result = run(wanted, days)
    before = result.position("r001")
    assert before.assignment is not None and before.assignment.day == DAY
    with pytest.raises(BookingError, match="free seats"):
        result.reschedule("r001", DAY + timedelta(days=1))  # day 2 is full
    result.release("r003", Status.CANCELLED)  # frees a seat on day 2
    moved, promoted = result.reschedule("r001", DAY + timedelta(days=1))
    after = result.position("r001")
    assert moved.day == DAY + timedelta(days=1)
    assert (after.tier, after.draw_number, after.draw_key) == (
        before.tier,
        before.draw_number,
        before.draw_key,
    )
    assert promoted == []  # nobody was waiting for day 1's seat
    with pytest.raises(BookingError, match="no capacity"):
        result.reschedule("r001", DAY + timedelta(days=9))


def test_each_person_sees_their_tier_and_draw_number() -> None:
    wanted = [person(n) for n in range(5)]
    result = run(wanted, [SiteDay(SITE, DAY, 2)])
    waiting = result.waitlist(SITE)
    notice = result.position(waiting[0])
    assert notice.status is Status.WAITLISTED
    assert notice.tier is Tier.STANDARD and notice.tier_label is not None
    assert notice.draw_number == 3 and notice.waitlist_position == 1
    assert notice.draw_key == f"{result.ranking[waiting[0]].key:016x}"


def test_published_summary_has_counts_per_tier_and_no_ids() -> None:
    wanted = [person(n, waited=100 * (n % 2)) for n in range(8)] + [
        Request(id="elsewhere", site="mx-other", people=("e",), waiting_since=RUN_DATE)
    ]
    summary = run(wanted, [SiteDay(SITE, DAY, 5)]).summary()
    assert {(t.tier, t.requests) for t in summary.tiers} == {("long_wait", 4), ("standard", 4)}
    assert sum(t.assigned_requests for t in summary.tiers) == 5
    assert summary.set_aside == {"no_capacity": 1}
    assert "r00" not in repr(summary)


def test_cohorts_and_capacity_come_from_the_policy(catalogue: Catalogue) -> None:
    corridor = catalogue.in_effect("mx-us-joint-corridor", date(2026, 3, 1))
    assert corridor is not None
    assert open_cohorts(corridor, date(2026, 3, 1)) == {"phase-1"}
    assert open_cohorts(corridor, date(2027, 9, 1)) == {"phase-1", "phase-2", "phase-3"}

    def facts(birth_dates: list[str]) -> dict[str, object]:
        household = [{"relation": "child", "birth_date": born} for born in birth_dates]
        return Profile.model_validate({"household": household}).known_facts()

    assert cohort_of(corridor, facts(["2024-05-01"]), date(2026, 3, 1)) == "phase-1"
    assert cohort_of(corridor, facts(["2012-05-01"]), date(2026, 3, 1)) == "phase-2"
    assert cohort_of(corridor, facts([]), date(2026, 3, 1)) == "phase-3"
    seats = daily_capacity(corridor, [DAY], {SITE: {"phase-1": 600}})
    assert {(s.site, s.seats, s.quotas) for s in seats} == {
        ("mx-cmx-assisted-site", 1450, (("phase-1", 600),)),
        ("mx-chp-ciudad-hidalgo", 500, ()),
    }
    requests_ = [person(1, cohort="phase-2"), person(2, cohort="phase-1")]
    result = run(requests_, seats, cohorts_open=open_cohorts(corridor, RUN_DATE))
    assert result.status == {"r001": Status.NOT_OPEN, "r002": Status.ASSIGNED}


def test_bad_capacity_names_the_field() -> None:
    with pytest.raises(AllocationInputError, match="quotas: more seats reserved"):
        SiteDay(SITE, DAY, 2, (("phase-1", 3),))
    with pytest.raises(AllocationInputError, match="seats: must not be negative"):
        SiteDay(SITE, DAY, -1)
