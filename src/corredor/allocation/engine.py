"""One allocation run over columns: the rule of `corredor.allocation.domain.rule`, vectorized.

Requests are rows of arrays (site and cohort as integer codes). The ranking is one sort; filling a
day's pool walks the ranking in slices: a cumulative sum finds the prefix that fits, and when a
household does not fit, a vectorized search finds the next request that does. After the first
skip fewer seats are left than the largest household, so the walk ends after a few steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from corredor.allocation.domain.lottery import check_seed
from corredor.allocation.domain.record import AssignmentRow
from corredor.allocation.domain.rule import (
    OPEN_POOL,
    AllocationRule,
    SiteDay,
    Status,
    check_capacity,
)
from corredor.allocation.draw import U64, draw_keys, rank_order

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
NO_COHORT = -1
OPEN = -1  # pool code of the open pool
SEARCH_BLOCK = 4096
ProgressReport = Callable[[str, int, int], None]  # stage, done, total


class Code(IntEnum):
    """Status codes in the `status` column, in the order of `Status`."""

    ASSIGNED = 0
    WAITLISTED = 1
    NOT_OPEN = 2
    NO_CAPACITY = 3


STATUS_OF_CODE = {
    Code.ASSIGNED: Status.ASSIGNED,
    Code.WAITLISTED: Status.WAITLISTED,
    Code.NOT_OPEN: Status.NOT_OPEN,
    Code.NO_CAPACITY: Status.NO_CAPACITY,
}


@dataclass(frozen=True)
class RequestColumns:
    """Requests as columns; `site` and `cohort` index into `sites` and `cohorts`."""

    ids: Sequence[str]
    sites: Sequence[str]
    site: I64
    cohorts: Sequence[str]
    cohort: I64  # NO_COHORT when the request has none
    size: I64
    urgent: Bools
    waiting_since: npt.NDArray[np.datetime64]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class RunColumns:
    """The outcome per request (same row order as the input)."""

    status: I64  # a Code
    day: npt.NDArray[np.datetime64]  # NaT unless assigned
    pool: I64  # cohort code, OPEN for the open pool, or NO_COHORT when not assigned
    tier: I64
    tickets: I64
    key: U64
    draw_number: I64  # 0 when not in the draw
    rank: I64  # indices of the drawn requests, in the published order

    def rows(self, requests: RequestColumns) -> dict[str, AssignmentRow]:
        """The assignments in the canonical form of `allocation.domain.record`."""
        assigned = np.flatnonzero(self.status == Code.ASSIGNED).tolist()
        days = np.datetime_as_string(self.day[assigned], unit="D").tolist()
        rows: dict[str, AssignmentRow] = {}
        for index, day in zip(assigned, days, strict=True):
            pool = int(self.pool[index])
            rows[requests.ids[index]] = (
                requests.ids[index],
                requests.sites[int(requests.site[index])],
                day,
                OPEN_POOL if pool == OPEN else requests.cohorts[pool],
                int(requests.size[index]),
            )
        return rows


def tiers_and_tickets(
    requests: RequestColumns, rule: AllocationRule, run_date: date
) -> tuple[I64, I64]:
    """`AllocationRule.tier` and `.tickets`, as array arithmetic."""
    waited = (np.datetime64(run_date, "D") - requests.waiting_since.astype("datetime64[D]")).astype(
        np.int64
    )
    waited = np.maximum(waited, 0)
    tier = np.where(requests.urgent, 0, np.where(waited >= rule.long_wait_days, 1, 2))
    tickets = np.minimum(rule.max_tickets, 1 + waited // rule.days_per_ticket)
    return tier.astype(np.int64), tickets.astype(np.int64)


def allocate_columns(
    requests: RequestColumns,
    capacity: Sequence[SiteDay],
    *,
    seed: bytes,
    rule: AllocationRule,
    run_date: date,
    cohorts_open: frozenset[str] | None = None,
    progress: ProgressReport | None = None,
) -> RunColumns:
    """One run, with the same arguments and outcome as `allocation.domain.rule.allocate`."""
    check_seed(seed)
    check_capacity(capacity)
    report = progress or (lambda stage, done, total: None)
    status = _set_aside(requests, capacity, cohorts_open)
    tier, tickets = tiers_and_tickets(requests, rule, run_date)

    drawn = np.flatnonzero(status == Code.WAITLISTED)
    report("draw", 0, len(drawn))
    all_drawn = len(drawn) == len(requests)
    drawn_ids = requests.ids if all_drawn else [requests.ids[i] for i in drawn.tolist()]
    key = np.zeros(len(requests), dtype=np.uint64)
    key[drawn] = draw_keys(seed, drawn_ids, tickets[drawn])
    rank = drawn[rank_order(tier[drawn], key[drawn], drawn_ids)]
    report("draw", len(drawn), len(drawn))

    seats = _Seats(requests, tier, status)
    done = 0
    for site_days in _days_by_site(capacity):
        seats.fill_site(rank, site_days, cohorts_open)
        done += len(site_days)
        report("fill", done, len(capacity))
    status[(status == Code.WAITLISTED) & seats.taken] = Code.ASSIGNED
    return RunColumns(status, seats.day, seats.pool, tier, tickets, key, seats.draw_number, rank)


def _set_aside(
    requests: RequestColumns, capacity: Sequence[SiteDay], cohorts_open: frozenset[str] | None
) -> I64:
    """WAITLISTED for requests in the draw; NO_CAPACITY or NOT_OPEN for the others."""
    served = {site_day.site for site_day in capacity}
    served_sites = np.array([name in served for name in requests.sites] + [False])
    status = np.full(len(requests), Code.WAITLISTED, dtype=np.int64)
    status[~served_sites[requests.site]] = Code.NO_CAPACITY
    if cohorts_open is not None:
        # The extra last entry is what NO_COHORT (-1) indexes: a request with no cohort.
        open_codes = np.array([name in cohorts_open for name in requests.cohorts] + [False])
        closed = ~open_codes[requests.cohort]
        status[closed & (status == Code.WAITLISTED)] = Code.NOT_OPEN
    return status


def _days_by_site(capacity: Sequence[SiteDay]) -> list[list[SiteDay]]:
    days: dict[str, list[SiteDay]] = {}
    for site_day in sorted(capacity, key=lambda s: (s.site, s.day)):
        days.setdefault(site_day.site, []).append(site_day)
    return list(days.values())


class _Seats:
    """The seats given so far: day and pool per request, and who can no longer be seated."""

    def __init__(self, requests: RequestColumns, tier: I64, status: I64) -> None:
        n = len(requests)
        self.requests = requests
        self.tier = tier
        self.site_code = {name: code for code, name in enumerate(requests.sites)}
        self.cohort_code = {name: code for code, name in enumerate(requests.cohorts)}
        self.taken = status != Code.WAITLISTED
        self.day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        self.pool = np.full(n, NO_COHORT, dtype=np.int64)
        self.draw_number = np.zeros(n, dtype=np.int64)

    def fill_site(
        self, rank: I64, site_days: list[SiteDay], cohorts_open: frozenset[str] | None
    ) -> None:
        code = self.site_code.get(site_days[0].site)
        if code is None:
            return
        requests = self.requests
        order = rank[requests.site[rank] == code]
        _number_within_tiers(order, self.tier, self.draw_number)
        walks = {OPEN: _Walk(order, requests.size[order])}
        for site_day in site_days:
            day = np.datetime64(site_day.day, "D")
            used = 0
            for cohort, reserved in site_day.quotas:
                c = self.cohort_code.get(cohort)
                if c is None or (cohorts_open is not None and cohort not in cohorts_open):
                    continue
                if c not in walks:
                    members = order[requests.cohort[order] == c]
                    walks[c] = _Walk(members, requests.size[members])
                chosen, left = walks[c].fill(reserved, self.taken)
                self.day[chosen], self.pool[chosen] = day, c
                used += reserved - left
            chosen, _ = walks[OPEN].fill(site_day.seats - used, self.taken)
            self.day[chosen], self.pool[chosen] = day, OPEN


def _number_within_tiers(order: I64, tier: I64, draw_number: I64) -> None:
    """Draw numbers: 1, 2, 3... within each tier of one site's ranking (tiers come sorted)."""
    tiers = tier[order]
    position = np.arange(len(order))
    starts = np.flatnonzero(np.concatenate(([True], tiers[1:] != tiers[:-1])))
    first_of_tier = np.repeat(starts, np.diff(np.append(starts, len(order))))
    draw_number[order] = position - first_of_tier + 1


class _Walk:
    """A ranking to fill from; `start` skips the prefix already seated, so days cost little."""

    def __init__(self, order: I64, sizes: I64) -> None:
        self.order = order
        self.sizes = sizes
        self.start = 0

    def fill(self, seats: int, taken: Bools) -> tuple[I64, int]:
        """Seat requests in rank order while seats last, skipping any that do not fit."""
        chosen: list[I64] = []
        n = len(self.order)
        self.start = self._next(self.start, n, taken, None)
        position = self.start
        while seats > 0 and position < n:
            stop = min(n, position + 2 * seats + 16)
            segment = self.order[position:stop]
            free = ~taken[segment]
            need = np.where(free, self.sizes[position:stop], 0)
            fits = int(np.searchsorted(np.cumsum(need), seats, side="right"))
            picked = segment[:fits][free[:fits]]
            if len(picked):
                taken[picked] = True
                chosen.append(picked)
                seats -= int(need[:fits].sum())
            if fits == len(segment):
                position = stop
                continue
            if seats == 0:
                break
            # The request at `fits` does not fit: find the next waiting one that does.
            position = self._next(position + fits + 1, n, taken, seats)
        self.start = self._next(self.start, n, taken, None)
        return (np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)), seats

    def _next(self, position: int, n: int, taken: Bools, max_size: int | None) -> int:
        """The first position from `position` still waiting (and fitting in `max_size`)."""
        while position < n:
            stop = min(n, position + SEARCH_BLOCK)
            ok = ~taken[self.order[position:stop]]
            if max_size is not None:
                ok &= self.sizes[position:stop] <= max_size
            hits = np.flatnonzero(ok)
            if len(hits):
                return position + int(hits[0])
            position = stop
        return n
