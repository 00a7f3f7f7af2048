"""Benchmark: an HTTP intake burst of registrations against the real app on PostgreSQL.

    .venv/bin/python benchmarks/allocation_intake.py [--requests 20000] [--seconds 60]
        [--clients 64] [--workers 2] [--write]

It creates a fresh PostgreSQL database (dropped at the end), migrates it, opens a request window,
and starts the real app under uvicorn on loopback (`--workers` processes). Then `--clients`
concurrent HTTP clients (aiohttp, asyncio, in this process) register households, each as a
caseworker with a bearer token and an Idempotency-Key, each for a household of 1-4 persons of a
case given to the caseworkers' agency, with consent (seeded before the clock starts), until
`--requests` are sent or `--seconds` have passed. Every answer's latency is recorded, from sending the request to reading the reply.

Afterwards it checks the store: every acknowledged registration (201) is in the database exactly
once, and nothing else is. Target (issue 4): >= 1,000 accepted/s, p99 < 250 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import aiohttp
import httpx
import sqlalchemy as sa
from allocation_compare import RESULTS, write_section
from sqlalchemy.engine import make_url

from corredor.accounts.schemas import UserIn
from corredor.accounts.users import add_user
from corredor.allocation.schemas import CapacityIn, WindowIn
from corredor.allocation.tables import AllocationRequest
from corredor.allocation.use_cases import windows
from corredor.cases.domain.corridor import CORRIDOR_POLICY
from corredor.cases.domain.workflow import CaseKind, CaseState
from corredor.cases.records import encrypt_person
from corredor.cases.schemas import PersonIn
from corredor.cases.tables import Case, CaseAssignment
from corredor.config import Settings
from corredor.demo.walk import free_port
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.engine import upgrade
from corredor.platform import Platform
from corredor.sharing.tables import Consent

ADMIN_URL = os.environ.get(
    "CORREDOR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SITE = "mx-cmx-assisted-site"
PASSWORD = "intake-benchmark"
CASEWORKERS = 16


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)  # seconds, every answer
    accepted: list[str] = field(default_factory=list)  # request ids acknowledged with 201
    codes: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # no HTTP answer at all (connection error, timeout)
    elapsed: float = 0.0


def fresh_database() -> str:
    name = f"corredor_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


Household = tuple[str, list[str]]  # a case id and its persons' ids


def seed_households(platform_: Platform, officer_id: str, count: int) -> list[Household]:
    """`count` households of one to four people, registered, given to IOM's caseworkers at the
    assisted site, with the person's consent recorded: what a caseworker may ask for. Written
    straight to the tables (as many as the burst will send), outside the timed part."""
    made: list[Household] = []
    moment = datetime.now(UTC)
    with platform_.db.transaction() as s:
        for n in range(count):
            case = Case(
                id=str(uuid.uuid4()),
                kind=str(CaseKind.CORRIDOR),
                pathway_id=CORRIDOR_POLICY,
                state=str(CaseState.REGISTERED),
                site_id="mx-chp-ciudad-hidalgo",
                created_by=officer_id,
                facts={},
                created_at=moment,
                updated_at=moment,
            )
            s.add(case)
            people = [
                encrypt_person(
                    platform_,
                    case.id,
                    position,
                    "self" if position == 0 else "child",
                    PersonIn(name="Bench Person", birth_date=date(1990, 1, 1), nationality="HN"),
                )
                for position in range(1 + n % 4)
            ]
            s.add_all(people)
            s.add(
                CaseAssignment(
                    id=str(uuid.uuid4()),
                    case_id=case.id,
                    agency="IOM",
                    site_id=SITE,
                    reason="benchmark",
                    assigned_by=officer_id,
                    assigned_at=moment,
                )
            )
            s.add(
                Consent(
                    id=str(uuid.uuid4()),
                    case_id=case.id,
                    recipient="CBP",
                    purpose="parole",
                    fields=["name"],
                    recorded_by=officer_id,
                    given_at=moment,
                )
            )
            made.append((case.id, [person.id for person in people]))
            if n % 1000 == 999:
                s.flush()
    return made


def prepare(url: str, households: int) -> tuple[str, list[str], list[Household]]:
    """Users, a day of capacity, an open window and the households the caseworkers may ask for;
    returns the window id, the caseworkers' names and the households."""
    platform_ = Platform.build(Settings(database_url=url))
    with platform_.db.transaction() as s:
        officer = add_user(
            s,
            UserIn(
                username="cbp.bench", password=PASSWORD, role=Role.CBP_OFFICER, agency=Agency.CBP
            ),
        )
        names = []
        for n in range(CASEWORKERS):
            names.append(f"caseworker.{n:02d}")
            add_user(
                s,
                UserIn(
                    username=names[-1], password=PASSWORD, role=Role.CASEWORKER, agency=Agency.IOM
                ),
            )
    who = Principal(officer.id, officer.username, Role.CBP_OFFICER, Agency.CBP)
    day = date.today() + timedelta(days=14)
    with platform_.db.transaction() as s:
        windows.set_capacity(
            platform_, who, CapacityIn(site_id=SITE, from_day=day, seats=1450)
        ).run(s)
        window = windows.open_window(
            platform_,
            who,
            WindowIn(
                site_ids=[SITE],
                first_day=day,
                last_day=day,
                closes_at=datetime.now(UTC) + timedelta(hours=2),
            ),
        ).run(s)
    made = seed_households(platform_, officer.id, households)
    platform_.db.dispose()
    return window.id, names, made


def start_server(url: str, port: int, workers: int, app: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = os.environ | {"CORREDOR_DATABASE_URL": url}
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start")


async def fire(
    base: str,
    window_id: str,
    tokens: list[str],
    households: list[Household],
    *,
    total: int,
    seconds: float,
    clients: int,
) -> Burst:
    """`clients` coroutines sharing one aiohttp session: each sends, waits, sends again."""
    burst = Burst()
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(number: int, http: aiohttp.ClientSession) -> None:
        nonlocal sent
        token = tokens[number % len(tokens)]
        while sent < total and time.monotonic() < deadline:
            case_id, people = households[sent]  # each household asks once
            sent += 1
            body = {"window_id": window_id, "site_id": SITE, "case_id": case_id, "people": people}
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            began = time.perf_counter()
            try:
                async with http.post(
                    "/api/v1/allocation/requests", json=body, headers=headers
                ) as answer:
                    reply = await answer.json()
            except (aiohttp.ClientError, TimeoutError):
                burst.failures += 1
                continue
            burst.latencies.append(time.perf_counter() - began)
            burst.codes[answer.status] += 1
            if answer.status == 201:
                burst.accepted.append(reply["id"])

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(clients)))
        burst.elapsed = time.perf_counter() - began
    return burst


def stored_ids(url: str, window_id: str) -> Counter[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        ids = connection.execute(
            sa.select(AllocationRequest.id).where(AllocationRequest.window_id == window_id)
        ).scalars()
        counted = Counter(ids)
    engine.dispose()
    return counted


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--app", default="corredor.app:create_app", help="app factory (for profiling)"
    )
    parser.add_argument("--write", action="store_true", help="update results/allocation.md")
    args = parser.parse_args()

    url = fresh_database()
    try:
        upgrade(url)
        window_id, names, households = prepare(url, args.requests)
        port = free_port("127.0.0.1")
        server = start_server(url, port, args.workers, args.app)
        try:
            base = f"http://127.0.0.1:{port}"
            tokens = [
                httpx.post(
                    f"{base}/api/v1/auth/token", json={"username": name, "password": PASSWORD}
                ).json()["access_token"]
                for name in names
            ]
            burst = asyncio.run(
                fire(
                    base,
                    window_id,
                    tokens,
                    households,
                    total=args.requests,
                    seconds=args.seconds,
                    clients=args.clients,
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = stored_ids(url, window_id)
    finally:
        drop_database(url)

    acknowledged = Counter(burst.accepted)
    exactly_once = all(stored[rid] == 1 for rid in acknowledged) and set(stored) == set(
        acknowledged
    )
    rate = len(burst.accepted) / burst.elapsed
    p50, p99 = percentile(burst.latencies, 0.50), percentile(burst.latencies, 0.99)
    text = (
        f"Command: `.venv/bin/python benchmarks/allocation_intake.py --requests {args.requests} "
        f"--seconds {args.seconds:g} --clients {args.clients} --workers {args.workers} --write`\n\n"
        f"Python {platform.python_version()}, PostgreSQL on loopback, uvicorn with "
        f"{args.workers} worker process(es), {args.clients} concurrent HTTP/1.1 clients "
        f"(aiohttp, asyncio, one process) on the same {os.cpu_count()}-core machine. Each call: "
        "a caseworker's bearer token, an Idempotency-Key, a household of 1-4 persons of a case "
        "given to the caseworker's agency; the app checks the case's scope and consent and that "
        "the persons are the case's, the window, the one-active-request rule, stores the request and its people, "
        "appends to the hash-chained audit log and stores the idempotency answer, in one "
        "transaction, before it answers.\n\n"
        "| Sent | Accepted (201) | Other answers | No answer | Time | Accepted/s | p50 | p99 | max |\n"
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|\n"
        f"| {sum(burst.codes.values()) + burst.failures:,} | {len(burst.accepted):,} | "
        f"{dict(sorted((c, n) for c, n in burst.codes.items() if c != 201)) or '-'} | "
        f"{burst.failures} | {burst.elapsed:.1f} s | **{rate:,.0f}** | {p50 * 1000:.1f} ms | "
        f"{p99 * 1000:.1f} ms | {max(burst.latencies) * 1000:.0f} ms |\n\n"
        f"Store check: {len(acknowledged):,} acknowledged, {sum(stored.values()):,} stored; every "
        f"acknowledged registration stored exactly once and nothing else: "
        f"**{'yes' if exactly_once else 'NO'}**. Mean latency "
        f"{statistics.fmean(burst.latencies) * 1000:.1f} ms.\n"
    )
    print(text)
    if args.write:
        if "<!-- intake -->" not in RESULTS.read_text(encoding="utf-8"):
            with RESULTS.open("a", encoding="utf-8") as results:
                results.write("\n## HTTP intake burst (`benchmarks/allocation_intake.py`)\n\n")
        write_section("intake", text)
    if not exactly_once:
        raise SystemExit("the store check failed")


if __name__ == "__main__":
    main()
