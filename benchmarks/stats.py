"""Benchmark: refreshing every indicator of the monitoring portal over a large history.

    .venv/bin/python benchmarks/stats.py [--cases 1000000] [--shelters 200] [--days 730] [--repeat 3] [--write]

Builds, untimed, a SQLite database with a synthetic history: `--cases` households moving
through the corridor over `--days` days (registered, TVRH, parole applied, granted or denied,
admitted: about 3.3 events a case, written straight into case_events), one document check per
ten cases in the audit log, and `--shelters` shelters with a daily occupancy report each over
the same days (through the shelters' bulk import, so every report keeps the rules). Then times
`portal.use_cases.statistics` (every indicator, monthly and weekly: the SQL aggregates, the
bucketing and the disclosure control) and the `/data` page as a browser gets it.
Target (issue 18): a refresh under 5 seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.config import Settings
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.engine import upgrade
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.indicators import Period
from corredor.shelters import use_cases as shelters
from corredor.shelters.domain.illustrative import illustrative_history
from corredor.shelters.domain.registry import (
    MEXICO_CITY,
    NORTHERN_BORDER,
    SOUTHERN_BORDER,
    Access,
    Operator,
    Service,
    Shelter,
)

TODAY = date(2026, 11, 30)
RESULTS = Path(__file__).parent / "results" / "stats.md"
REGIONS = sorted(NORTHERN_BORDER) + sorted(SOUTHERN_BORDER) + [MEXICO_CITY, "MX-JAL", "MX-PUE"]
STEPS = (  # state, share of cases reaching it, days after the previous step (low, high)
    ("tvrh_issued", 0.85, (0, 3)),
    ("parole_requested", 0.70, (1, 30)),
    ("parole_granted", 0.75, (10, 90)),
    ("work_authorized", 0.80, (5, 60)),
)
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy writes a DateTime into SQLite


def synthetic_shelters(count: int) -> tuple[Shelter, ...]:
    return tuple(
        Shelter(
            id=f"bench-{n:04d}",
            name=f"Benchmark shelter {n}",
            operator=Operator.NGO,
            region=REGIONS[n % len(REGIONS)],
            municipality="Benchmark",
            latitude=20.0,
            longitude=-100.0,
            services=frozenset({Service.BEDS, Service.MEALS}),
            accessibility=frozenset({Access.STEP_FREE}),
            contact=None,
            day_capacity=150,
            night_capacity=40 + 5 * (n % 30),
            illustrative=True,
        )
        for n in range(count)
    )


def case_events(cases: int, days: int, seed: int) -> list[tuple[str, str, str, str, str, str, str]]:
    """(case_id, name, state, actor_id, actor_role, data, at) rows: each case registers on a
    random day and takes each later step with some probability, some days later."""
    rng = np.random.default_rng(seed)
    start = datetime.combine(TODAY - timedelta(days=days - 1), datetime.min.time())
    alive = np.ones(cases, dtype=bool)
    moment = np.array(
        [start + timedelta(seconds=int(s)) for s in rng.integers(0, days * 86400, cases)]
    )
    rows = []
    ids = [f"case-{n:07d}" for n in range(cases)]
    for n in range(cases):
        rows.append(
            (
                ids[n],
                "registered",
                "registered",
                "bench",
                "inm_officer",
                "{}",
                moment[n].strftime(SQLITE_TIME),
            )
        )
    for state, share, (low, high) in STEPS:
        alive &= rng.random(cases) < share
        moment = moment + np.array(
            [timedelta(days=int(d)) for d in rng.integers(low, high + 1, cases)]
        )
        mode = rng.random(cases) < 0.6
        limit = datetime.combine(TODAY, datetime.max.time())
        for n in np.flatnonzero(alive):
            if moment[n] > limit:
                alive[n] = False
                continue
            data = (
                '{"travel_mode": "%s"}' % ("flight" if mode[n] else "land")
                if state == "parole_granted"
                else "{}"
            )
            rows.append(
                (
                    ids[n],
                    state,
                    state,
                    "bench",
                    "cbp_officer",
                    data,
                    moment[n].strftime(SQLITE_TIME),
                )
            )
    return rows


def load(url: str, path: Path, args: argparse.Namespace) -> Platform:
    upgrade(url)
    built = Platform.build(Settings(database_url=url))
    built.today = lambda: TODAY
    registry = synthetic_shelters(args.shelters)
    shelters.seed_registry(built, registry)
    first = TODAY - timedelta(days=args.days - 1)
    shelters.import_history(built, illustrative_history(registry, first, TODAY, seed=args.seed))
    events = case_events(args.cases, args.days, args.seed)
    checks = [
        (
            str(AuditTag.DOCUMENT_VERIFY_TRAVEL if n % 3 else AuditTag.DOCUMENT_VERIFY_WORK),
            (first + timedelta(days=n % args.days)).strftime(SQLITE_TIME),
        )
        for n in range(args.cases // 10)
    ]
    with sqlite3.connect(path) as connection:  # foreign keys off: the events name no real case
        connection.executemany(
            "INSERT INTO case_events (case_id, name, state, actor_id, actor_role, data, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        head = connection.execute("SELECT seq FROM audit_head").fetchone()[0]
        connection.executemany(
            "INSERT INTO audit_entries (seq, at, actor_id, actor_role, action, detail, prev_hash, hash) "
            "VALUES (?, ?, NULL, 'airline_agent', ?, '{}', '', '')",
            [(head + 1 + n, at, action) for n, (action, at) in enumerate(checks)],
        )
    print(f"loaded {len(events):,} case events, {len(checks):,} checks", flush=True)
    return built


def timed(action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        found.append(time.perf_counter() - started)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--shelters", type=int, default=200)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "stats.db"
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        built = load(url, path, args)
        print(f"built the history in {time.perf_counter() - started:.0f} s", flush=True)
        monthly = timed(lambda: use_cases.statistics(built, Period.MONTH), args.repeat)
        weekly = timed(lambda: use_cases.statistics(built, Period.WEEK), args.repeat)
        client = TestClient(create_app(platform=built))
        page = timed(lambda: client.get("/data?lang=es").raise_for_status(), args.repeat)
        files = timed(lambda: use_cases.publication(built, Period.MONTH), args.repeat)
        reports = shelters.reports_held(built)
        built.db.dispose()
    load_after = os.getloadavg()
    lines = [
        "# Monitoring portal: refreshing every indicator",
        "",
        f"Command: `.venv/bin/python benchmarks/stats.py --cases {args.cases} --shelters "
        f"{args.shelters} --days {args.days} --repeat {args.repeat} --seed {args.seed} --write`",
        "",
        f"SQLite; {args.cases:,} synthetic cases over {args.days} days (about 3.3 events each in "
        f"case_events), {args.cases // 10:,} document checks in the audit log, {args.shelters} "
        f"shelters with {reports:,} daily reports. Seconds, median of {args.repeat} "
        "(min–max):",
        "",
        "| what | median | min | max | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, runs, target in (
        ("every indicator, by month (`use_cases.statistics`)", monthly, 5.0),
        ("every indicator, by ISO week", weekly, 5.0),
        ("`/data` page, by month (figures, charts, HTML)", page, None),
        ("open-data files: CSV+HXL, JSON, Parquet, datapackage.json", files, None),
    ):
        verdict = (
            ""
            if target is None
            else ("< 5 s: met" if statistics.median(runs) < target else "< 5 s: NOT met")
        )
        lines.append(
            f"| {name} | {statistics.median(runs):.2f} | {min(runs):.2f} | {max(runs):.2f} | {verdict} |"
        )
    lines += [
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"machine load (1/5/15 min) {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f} "
        f"before, {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} after (the machine's "
        f"2 cores are shared with other work); {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
