"""Hypothesis strategies: small random runs with households, cohorts, quotas and urgent cases."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from corredor.allocation.domain.rule import Request, SiteDay

RUN_DATE = date(2026, 3, 1)
SITES = ("mx-cmx-assisted-site", "mx-chp-ciudad-hidalgo", "mx-tab-el-ceibo")
COHORTS = ("phase-1", "phase-2", "phase-3")


@st.composite
def requests(draw: st.DrawFn, max_size: int = 60) -> list[Request]:
    count = draw(st.integers(min_value=0, max_value=max_size))
    out = []
    for number in range(count):
        size = draw(st.sampled_from((1, 1, 1, 2, 3, 4, 6)))
        out.append(
            Request(
                id=f"r{number:04d}-{draw(st.text('abcdef', max_size=3))}",
                site=draw(st.sampled_from(SITES)),
                people=tuple(f"p{number}-{member}" for member in range(size)),
                waiting_since=RUN_DATE - timedelta(days=draw(st.integers(-5, 400))),
                cohort=draw(st.sampled_from((*COHORTS, None))),
                urgent=draw(st.booleans()),
            )
        )
    return out


@st.composite
def capacity(draw: st.DrawFn) -> list[SiteDay]:
    sites = draw(st.lists(st.sampled_from((*SITES[:2], "mx-nobody")), min_size=1, unique=True))
    out = []
    for site in sites:
        for offset in range(draw(st.integers(1, 4))):
            seats = draw(st.integers(0, 25))
            phase_1 = draw(st.integers(0, seats))
            phase_2 = draw(st.integers(0, seats - phase_1))
            quotas = tuple((c, q) for c, q in (("phase-1", phase_1), ("phase-2", phase_2)) if q)
            out.append(SiteDay(site, RUN_DATE + timedelta(days=offset), seats, quotas))
    return out


cohorts_open = st.sampled_from(
    (None, frozenset({"phase-1"}), frozenset({"phase-1", "phase-2"}), frozenset(COHORTS))
)
seeds = st.binary(min_size=32, max_size=32)
