"""Benchmark: one allocation run of 1,000,000 requests for 30,000 seats, tiers and lottery included.

    .venv/bin/python benchmarks/allocation.py [--requests 1000000] [--repeat 5] [--seed 2026]

The clock covers `allocate_columns` end to end: set-aside, tiers and tickets, SHA-512 tickets for
every request in the draw, the ranking sort, and filling 15 days at two sites with a cohort quota.
Building the synthetic columns is not timed. Target (issue 4): under 1 second.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date, timedelta

import numpy as np
from allocation_compare import write_section

from corredor.allocation.domain.rule import AllocationRule, SiteDay
from corredor.allocation.engine import Code, RequestColumns, allocate_columns

RUN_DATE = date(2026, 3, 1)
SITES = ("mx-chp-ciudad-hidalgo", "mx-cmx-assisted-site")
COHORTS = ("phase-1", "phase-2", "phase-3")


def synthetic_requests(count: int, seed: int) -> RequestColumns:
    rng = np.random.default_rng(seed)
    family = rng.random(count) < 0.3
    size = np.where(family, rng.integers(2, 6, count), 1)
    return RequestColumns(
        ids=[f"req-{i:08d}" for i in range(count)],
        sites=SITES,
        site=rng.choice(2, count, p=[0.3, 0.7]).astype(np.int64),
        cohorts=COHORTS,
        cohort=np.where(family, rng.choice(2, count), 2).astype(np.int64),
        size=size.astype(np.int64),
        urgent=rng.random(count) < 0.005,
        waiting_since=np.datetime64(RUN_DATE, "D") - rng.integers(0, 365, count),
    )


def capacity(days: int = 15) -> list[SiteDay]:
    """30,000 seats: 550 a day at the southern INM point, 1,450 a day at the Mexico City site."""
    out = []
    for offset in range(days):
        day = RUN_DATE + timedelta(days=offset + 1)
        out.append(SiteDay(SITES[0], day, 550))
        out.append(SiteDay(SITES[1], day, 1450, (("phase-1", 600),)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", action="store_true", help="update results/allocation.md")
    args = parser.parse_args()

    requests = synthetic_requests(args.requests, args.seed)
    seats = capacity()
    lottery_seed = np.random.default_rng(args.seed).bytes(32)
    rule = AllocationRule()
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        run = allocate_columns(requests, seats, seed=lottery_seed, rule=rule, run_date=RUN_DATE)
        timings.append(time.perf_counter() - start)
    assigned = run.status == Code.ASSIGNED
    lines = [
        f"Command: `.venv/bin/python benchmarks/allocation.py --requests {args.requests} "
        f"--repeat {args.repeat} --seed {args.seed} --write`",
        "",
        f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores. {args.requests:,} requests "
        f"({int(requests.size.sum()):,} people) for {sum(s.seats for s in seats):,} seats "
        f"(2 sites x 15 days, a 600-seat phase-1 quota a day in Mexico City).",
        "",
        "| Tier | Requests | Seated |",
        "|---|---:|---:|",
    ]
    for tier, name in enumerate(("urgent", "long_wait", "standard")):
        in_tier = run.tier == tier
        lines.append(f"| {name} | {int(in_tier.sum()):,} | {int((in_tier & assigned).sum()):,} |")
    lines += [
        "",
        f"Time per run (`allocate_columns`, tickets for every request included): "
        f"median **{statistics.median(timings):.3f} s**, best {min(timings):.3f} s, "
        f"worst {max(timings):.3f} s over {args.repeat} runs. Target: under 1 s.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section("speed", text)


if __name__ == "__main__":
    main()
