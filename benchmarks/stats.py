"""Benchmark: refreshing every indicator of the monitoring portal over a large history.

    .venv/bin/python benchmarks/stats.py [--cases 1000000] [--shelters 200] [--days 730] [--repeat 3] [--write]
    .venv/bin/python benchmarks/stats.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/stats_bench --write

Builds, untimed, a database (a temporary SQLite file, or the empty PostgreSQL database named by
`--database-url`: `createdb -h 127.0.0.1 stats_bench` first, `dropdb` after) with a synthetic
history: `--cases` households registered at the INM border points and moving through the
corridor over `--days` days (registered, TVRH, parole applied, granted or denied, admitted:
about 3.3 events a case, written straight into cases and case_events), one document check per
ten cases in the audit log, people per step counted per day and nationality, screenings
counted per day, language and result, and `--shelters`
shelters with a daily occupancy report each over the same days (through the shelters' bulk
import, so every report keeps the rules). Then times `portal.use_cases.compute` (every
indicator, monthly and weekly: the SQL aggregates, the bucketing and the disclosure control)
and the `/data` page as a browser gets it: computing every figure on the request (as before
the figures were kept), and answered from the kept figures (as now).
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.config import Settings
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.engine import upgrade
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from corredor.portal import use_cases
from corredor.portal.domain.indicators import Period
from corredor.portal.tables import PublishedFigures
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
BORDER_POINTS = (  # where the synthetic households register, most at the first
    "mx-chp-ciudad-hidalgo",
    "mx-chp-ciudad-hidalgo",
    "mx-chp-talisman",
    "mx-tab-el-ceibo",
    "mx-chp-frontera-corozal",
)
LANGUAGES = ("es", "es", "es", "en", "fr", "ht", "ht", "pt")
SCREENING_RESULTS = ("eligible", "unknown", "not_eligible")


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


def cases(count: int, seed: int) -> list[tuple[str, ...]]:
    """(id, kind, pathway_id, state, site_id, created_by, facts, created_at, updated_at, version)
    rows: the registration site is what the TVRH table counts by."""
    rng = np.random.default_rng(seed + 1)
    site = rng.integers(0, len(BORDER_POINTS), count)
    moment = datetime.combine(TODAY, datetime.min.time()).strftime(SQLITE_TIME)
    return [
        (
            f"case-{n:07d}",
            "corridor",
            "corridor",
            "registered",
            BORDER_POINTS[site[n]],
            "bench",
            "{}",
            moment,
            moment,
            "1",
        )
        for n in range(count)
    ]


def screenings(days: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(day, language, result, count): what the screener's counter holds after `days` days."""
    rng = np.random.default_rng(seed + 2)
    first = TODAY - timedelta(days=days - 1)
    return [
        ((first + timedelta(days=d)).isoformat(), language, result, str(int(n)))
        for d in range(days)
        for language in sorted(set(LANGUAGES))
        for result, n in zip(
            SCREENING_RESULTS, rng.poisson(LANGUAGES.count(language) * 20, 3), strict=True
        )
    ]


NATIONALITIES = ("HN", "HN", "GT", "GT", "SV", "VE", "VE", "HT", "HT", "CU", "NI", "CO", "EC")


def tallies(days: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(day, state, nationality, people): what the step tallies hold after `days` days."""
    rng = np.random.default_rng(seed + 3)
    first = TODAY - timedelta(days=days - 1)
    shares = {"registered": 4.0, "tvrh_issued": 3.4, "parole_requested": 2.4}
    shares |= {"parole_granted": 1.8, "parole_denied": 0.3, "work_authorized": 1.4}
    return [
        ((first + timedelta(days=d)).isoformat(), state, nationality, str(int(n)))
        for d in range(days)
        for state, share in shares.items()
        for nationality in sorted(set(NATIONALITIES))
        for n in [rng.poisson(share * NATIONALITIES.count(nationality))]
        if n
    ]


CASE_COLUMNS = (
    "id, kind, pathway_id, state, site_id, created_by, facts, created_at, updated_at, version"
)
EVENT_COLUMNS = "case_id, name, state, actor_id, actor_role, data, at"
AUDIT_COLUMNS = "seq, at, actor_role, action, detail, prev_hash, hash"


@contextmanager
def raw(url: str, path: Path | None) -> Iterator[tuple[str, object]]:
    """The database's own driver connection, foreign keys not enforced (the synthetic events
    name no real user): ("sqlite", connection) or ("postgresql", connection)."""
    if path is not None:
        with sqlite3.connect(path) as connection:
            yield "sqlite", connection
        return
    import psycopg  # noqa: PLC0415 - only the PostgreSQL run needs it

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("SET session_replication_role = replica")
        connection.execute("SET TIME ZONE 'UTC'")
        yield "postgresql", connection


def insert(kind: str, connection: object, table: str, columns: str, rows: Sequence[tuple]) -> None:  # type: ignore[type-arg]
    if kind == "sqlite":
        marks = ", ".join("?" for _ in columns.split(","))
        connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # type: ignore[attr-defined]
        return
    with connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)


def load(url: str, path: Path | None, args: argparse.Namespace) -> Platform:
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
    with raw(url, path) as (kind, connection):
        insert(kind, connection, "cases", CASE_COLUMNS, cases(args.cases, args.seed))
        insert(kind, connection, "case_events", EVENT_COLUMNS, events)
        head = connection.execute("SELECT seq FROM audit_head").fetchone()[0]  # type: ignore[attr-defined]
        insert(
            kind,
            connection,
            "audit_entries",
            AUDIT_COLUMNS,
            [
                (head + 1 + n, at, "airline_agent", action, "{}", "", "")
                for n, (action, at) in enumerate(checks)
            ],
        )
        insert(
            kind,
            connection,
            "screener_use",
            "day, language, result, count",
            screenings(args.days, args.seed),
        )
        insert(
            kind,
            connection,
            "case_step_tallies",
            "day, state, nationality, people",
            tallies(args.days, args.seed),
        )
        if kind == "postgresql":
            connection.execute("ANALYZE")  # type: ignore[attr-defined]
    print(f"loaded {len(events):,} case events, {len(checks):,} checks", flush=True)
    return built


def forget_kept_figures(built: Platform) -> None:
    """As before the figures were kept: every request computes them."""
    with unit_of_work(built) as s:
        s.query(PublishedFigures).delete()


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
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to load and time (default: a temporary SQLite file)",
    )
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    load_before = os.getloadavg()
    uptime_before = uptime()
    with tempfile.TemporaryDirectory() as directory:
        path = None if args.database_url else Path(directory) / "stats.db"
        url = args.database_url or f"sqlite:///{path}"
        started = time.perf_counter()
        built = load(url, path, args)
        print(f"built the history in {time.perf_counter() - started:.0f} s", flush=True)
        monthly = timed(lambda: use_cases.compute(built, Period.MONTH), args.repeat)
        weekly = timed(lambda: use_cases.compute(built, Period.WEEK), args.repeat)
        client = TestClient(create_app(platform=built))

        def computed_page() -> None:
            forget_kept_figures(built)
            client.get("/data?lang=es").raise_for_status()

        page_before = timed(computed_page, args.repeat)
        refresh = timed(lambda: use_cases.refresh(built), 1)
        page_after = timed(lambda: client.get("/data?lang=es").raise_for_status(), args.repeat)
        files = timed(lambda: use_cases.publication(built, Period.MONTH), args.repeat)
        reports = shelters.reports_held(built)
        built.db.dispose()
    load_after = os.getloadavg()
    uptime_after = uptime()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    lines = [
        f"## {backend}",
        "",
        f"Command: `.venv/bin/python benchmarks/stats.py --cases {args.cases} --shelters "
        f"{args.shelters} --days {args.days} --repeat {args.repeat} --seed {args.seed}"
        + (" --database-url postgresql+psycopg://…/stats_bench" if args.database_url else "")
        + " --write`",
        "",
        f"{backend}; {args.cases:,} synthetic cases over {args.days} days (about 3.3 events each "
        f"in case_events), {args.cases // 10:,} document checks in the audit log, {args.shelters} "
        f"shelters with {reports:,} daily reports, the daily tallies by nationality and the "
        "screener's daily counters. Seconds, "
        f"median of {args.repeat} (min–max):",
        "",
        "| what | median | min | max | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, runs, target in (
        ("every indicator, by month (`use_cases.compute`)", monthly, 5.0),
        ("every indicator, by ISO week", weekly, 5.0),
        ("`/data` page, computing every figure on the request (before)", page_before, None),
        ("`corredor stats refresh` (both periods, computed and kept)", refresh, None),
        ("`/data` page from the kept figures (after)", page_after, None),
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
        f"`uptime` before: `{uptime_before}`; after: `{uptime_after}`",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(backend, text)


def uptime() -> str:
    import subprocess  # noqa: PLC0415

    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def write_section(backend: str, text: str) -> None:
    """Replace this backend's section of the results, keeping the other's."""
    title = "# Monitoring portal: refreshing every indicator and serving /data\n\n"
    sections: dict[str, str] = {}
    if RESULTS.exists():
        for part in RESULTS.read_text(encoding="utf-8").split("\n## ")[1:]:
            name = part.split("\n", 1)[0].strip()
            sections[name] = "## " + part.rstrip("\n") + "\n"
    sections[backend] = text
    ordered = [sections[name] for name in ("SQLite", "PostgreSQL") if name in sections]
    RESULTS.write_text(title + "\n".join(ordered), encoding="utf-8")


if __name__ == "__main__":
    main()
