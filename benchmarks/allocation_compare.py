"""Compare three rules for giving scarce seats, on the same synthetic demand.

    .venv/bin/python benchmarks/allocation_compare.py [--days 360] [--seed 2026] [--write]

The demand is shaped on the figures in the issue: a backlog of about 80,000 requests, each asking
again every day (so ~80,000 requests a day), for 1,000-1,450 seats a day; new households arrive at
about the rate the seats serve them. A quarter of the households are families with a child under 6
(2-5 people), one in twenty has an urgent medical or protection need, the rest are single adults.

Rules, each filling the day's seats in its own order (a household that does not fit is skipped):
- first come, first served: by registration date;
- the old rule: half the seats to the longest waiting, the other half by a uniform random draw;
- Corredor: the published rule (corredor.allocation.engine), with the phase-1 cohort of families
  with young children holding a quota of each day's seats (`--family-quota`, by default two runs: 50% and 70%), urgent cases first, 90 days
  of waiting for the long-wait tier, and one more lottery ticket per 30 days waited.

Waits are counted for households registering in the first half of the horizon, so every one of
them had at least half the horizon to be served; a household still waiting at the end counts with
its wait so far (a lower bound), and the share still waiting is shown.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from corredor.allocation.domain.rule import AllocationRule, SiteDay
from corredor.allocation.engine import Code, RequestColumns, allocate_columns

I64 = npt.NDArray[np.int64]
START = date(2026, 1, 15)
SITE = "mx-cmx-assisted-site"
COHORTS = ("phase-1", "phase-3")
RESULTS = Path(__file__).parent / "results" / "allocation.md"


@dataclass
class Demand:
    registered: I64  # day of registration (negative: the backlog at the start)
    size: I64
    family: npt.NDArray[np.bool_]  # a family with a child under 6
    urgent: npt.NDArray[np.bool_]
    seats: I64  # seats per day of the horizon


def synthetic_demand(days: int, seed: int, backlog: int = 80_000) -> Demand:
    rng = np.random.default_rng(seed)
    arrivals = rng.poisson(715, days)  # ~1,200 seats a day of new demand
    registered = np.concatenate(
        [np.sort(rng.integers(-180, 0, backlog)), np.repeat(np.arange(days), arrivals)]
    )
    count = len(registered)
    kind = rng.choice(3, count, p=[0.70, 0.25, 0.05])  # single, family, urgent
    size = np.select(
        [kind == 1, kind == 2], [rng.integers(2, 6, count), rng.integers(1, 4, count)], 1
    )
    return Demand(
        registered=registered.astype(np.int64),
        size=size.astype(np.int64),
        family=kind == 1,
        urgent=kind == 2,
        seats=rng.integers(1000, 1451, days).astype(np.int64),
    )


def greedy(order: I64, size: I64, seats: int) -> I64:
    """Seat households in `order` while seats last, skipping any that do not fit."""
    prefix = int(np.searchsorted(np.cumsum(size[order]), seats, side="right"))
    chosen = [order[:prefix]]
    left = seats - int(size[order[:prefix]].sum())
    rest = order[prefix:]
    while left > 0 and len(rest):
        fits = np.flatnonzero(size[rest] <= left)
        if not len(fits):
            break
        pick = rest[fits[0]]
        chosen.append(np.array([pick]))
        left -= int(size[pick])
        rest = rest[fits[0] + 1 :]
    return np.concatenate(chosen)


Rule = Callable[[Demand, I64, int, int, np.random.Generator], I64]


def first_come(demand: Demand, waiting: I64, day: int, seats: int, _: np.random.Generator) -> I64:
    order = waiting[np.argsort(demand.registered[waiting], kind="stable")]
    return greedy(order, demand.size, seats)


def old_rule(demand: Demand, waiting: I64, day: int, seats: int, rng: np.random.Generator) -> I64:
    oldest = waiting[np.argsort(demand.registered[waiting], kind="stable")]
    first = greedy(oldest, demand.size, seats // 2)
    rest = np.setdiff1d(waiting, first)
    second = greedy(rng.permutation(rest), demand.size, seats - int(demand.size[first].sum()))
    return np.concatenate([first, second])


def corredor(
    demand: Demand, waiting: I64, day: int, seats: int, _: np.random.Generator, family_quota: float
) -> I64:
    today = START + timedelta(days=day)
    columns = RequestColumns(
        ids=[f"h{index}" for index in waiting.tolist()],
        sites=(SITE,),
        site=np.zeros(len(waiting), dtype=np.int64),
        cohorts=COHORTS,
        cohort=np.where(demand.family[waiting], 0, 1).astype(np.int64),
        size=demand.size[waiting],
        urgent=demand.urgent[waiting],
        waiting_since=np.datetime64(START, "D") + demand.registered[waiting],
    )
    quota = (("phase-1", int(seats * family_quota)),)
    run = allocate_columns(
        columns,
        [SiteDay(SITE, today, seats, quota)],
        seed=hashlib.sha256(f"window {day}".encode()).digest(),
        rule=AllocationRule(),
        run_date=today,
    )
    return waiting[run.status == Code.ASSIGNED]


def simulate(demand: Demand, rule: Rule, days: int, seed: int) -> I64:
    """The day each household was seated (-1: still waiting at the end)."""
    rng = np.random.default_rng(seed)
    seated_on = np.full(len(demand.registered), -1, dtype=np.int64)
    arrived = np.searchsorted(demand.registered, np.arange(days), side="right")
    for day in range(days):
        candidates = np.arange(arrived[day])
        waiting = candidates[seated_on[candidates] < 0]
        chosen = rule(demand, waiting, day, int(demand.seats[day]), rng)
        seated_on[chosen] = day
    return seated_on


def wait_stats(demand: Demand, seated_on: I64, days: int, mask: npt.NDArray[np.bool_]) -> str:
    cohort = mask & (demand.registered >= 0) & (demand.registered < days // 2)
    end = np.where(seated_on[cohort] >= 0, seated_on[cohort], days)
    waits = end - demand.registered[cohort]
    still = float((seated_on[cohort] < 0).mean())
    return f"{np.median(waits):.0f} | {np.percentile(waits, 90):.0f} | {100 * still:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=360)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--family-quota", type=float, nargs="+", default=[0.5, 0.7])
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS}")
    args = parser.parse_args()

    demand = synthetic_demand(args.days, args.seed)
    everyone = np.ones(len(demand.registered), dtype=bool)
    lines = [
        "| Rule | Median wait, all (days) | P90, all | Still waiting, all "
        "| Median, families with a child under 6 | P90, families | Still waiting, families "
        "| Median, urgent | P90, urgent |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rules: list[tuple[str, Rule]] = [
        ("First come, first served", first_come),
        ("Old rule: ½ longest waiting, ½ random", old_rule),
    ]
    rules += [
        (
            f"Corredor: tiers, {quota:.0%} family quota, weighted lottery",
            partial(corredor, family_quota=quota),
        )
        for quota in args.family_quota
    ]
    for name, rule in rules:
        seated_on = simulate(demand, rule, args.days, args.seed)
        urgent = wait_stats(demand, seated_on, args.days, demand.urgent).rsplit(" | ", 1)[0]
        lines.append(
            f"| {name} | {wait_stats(demand, seated_on, args.days, everyone)} "
            f"| {wait_stats(demand, seated_on, args.days, demand.family)} | {urgent} |"
        )
        print(lines[-1], flush=True)
    daily_requests = int((demand.registered < 0).sum())
    header = (
        f"Command: `.venv/bin/python benchmarks/allocation_compare.py --days {args.days} "
        f"--seed {args.seed} --family-quota {' '.join(map(str, args.family_quota))} --write`\n\n"
        f"{len(demand.registered):,} households ({int(demand.size.sum()):,} people) over "
        f"{args.days} days; {daily_requests:,} waiting on day 0; "
        f"{int(demand.seats.sum()):,} seats ({int(demand.seats.min()):,}–"
        f"{int(demand.seats.max()):,} a day). Waits of households registering on days 0–"
        f"{args.days // 2 - 1}; still waiting at the end count with their wait so far.\n\n"
    )
    table = header + "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("compare", table)


def write_section(name: str, body: str) -> None:
    """Replace one marked section of the results file, keeping the others."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"<!-- {name} -->\n{body}<!-- /{name} -->"
    pattern = re.compile(rf"<!-- {name} -->.*?<!-- /{name} -->", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + block + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
