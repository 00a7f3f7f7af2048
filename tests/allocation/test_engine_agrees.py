"""The vectorized engine gives exactly the reference's assignment, draw and waiting lists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corredor.allocation.domain.record import assignment_row
from corredor.allocation.domain.rule import AllocationRule, Request, SiteDay, allocate
from corredor.allocation.engine import STATUS_OF_CODE, Code, allocate_columns
from corredor.allocation.files import columns_from_requests

from .strategies import RUN_DATE, capacity, cohorts_open, requests, seeds

RULES = st.builds(
    AllocationRule,
    long_wait_days=st.integers(1, 200),
    days_per_ticket=st.integers(1, 60),
    max_tickets=st.integers(1, 8),
)


@settings(max_examples=300, deadline=None)
@given(requests(), capacity(), seeds, RULES, cohorts_open)
def test_engine_matches_reference(
    wanted: list[Request],
    seats: list[SiteDay],
    seed: bytes,
    rule: AllocationRule,
    cohorts: frozenset[str] | None,
) -> None:
    reference = allocate(
        wanted, seats, seed=seed, rule=rule, run_date=RUN_DATE, cohorts_open=cohorts
    )
    columns = columns_from_requests(wanted)
    fast = allocate_columns(
        columns, seats, seed=seed, rule=rule, run_date=RUN_DATE, cohorts_open=cohorts
    )

    assert fast.rows(columns) == {
        rid: assignment_row(a) for rid, a in reference.assignments.items()
    }
    for index, request in enumerate(wanted):
        assert STATUS_OF_CODE[Code(int(fast.status[index]))] is reference.status[request.id]
        ranked = reference.ranking.get(request.id)
        if ranked is not None:
            assert int(fast.draw_number[index]) == ranked.draw_number
            assert int(fast.key[index]) == ranked.key
            assert int(fast.tier[index]) == ranked.tier
    for site, order in reference.order.items():
        fast_order = [
            columns.ids[i] for i in fast.rank.tolist() if columns.sites[columns.site[i]] == site
        ]
        assert fast_order == order
