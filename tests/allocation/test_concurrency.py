"""Many callers at once, over HTTP against the real server: nothing given twice, nothing lost.

Each test fires 32 concurrent calls at uvicorn (which serves them from its thread pool, each in
its own database transaction) on SQLite and on PostgreSQL, then counts what the database holds.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from corredor.allocation.tables import (
    AllocationRequest,
    AllocationRequestPerson,
    AllocationSeat,
)
from corredor.demo.walk import free_port, running
from corredor.kernel import audit
from corredor.platform import Platform
from tests.allocation.booking_helpers import (
    CASEWORKER,
    OFFICER,
    SITE,
    ok,
    open_window,
    request_body,
)
from tests.platform.conftest import Api

THREADS = 32


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    with running(api.platform, "127.0.0.1", free_port("127.0.0.1")) as base:
        yield base


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


def poster(base: str, token: str) -> Callable[..., Callable[[], httpx.Response]]:
    def call(path: str, body: Any = None, key: str | None = None) -> Callable[[], httpx.Response]:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key or uuid.uuid4().hex}

        def send() -> httpx.Response:
            return httpx.post(f"{base}/api/v1{path}", json=body, headers=headers, timeout=60)

        return send

    return call


def count(platform: Platform, query: Any) -> int:
    with platform.db.transaction() as s:
        return int(s.execute(query).scalar_one())


def chain_holds(platform: Platform) -> bool:
    with platform.db.transaction() as s:
        return audit.verify(s).ok


def test_one_person_registered_by_many_callers_at_once(api: Api, server: str) -> None:
    window = open_window(api, seats=[1])
    post = poster(server, api.user(*CASEWORKER)["token"])
    body = request_body(api, window.id)
    answers = at_once([post("/allocation/requests", body) for _ in range(THREADS)])
    codes = Counter(answer.status_code for answer in answers)
    assert codes == {201: 1, 409: THREADS - 1}
    stored = count(
        api.platform,
        select(func.count())
        .select_from(AllocationRequest)
        .where(AllocationRequest.window_id == window.id),
    )
    assert stored == 1
    assert chain_holds(api.platform)


def test_one_registration_retried_at_once_is_stored_once(api: Api, server: str) -> None:
    window = open_window(api, seats=[1])
    post = poster(server, api.user(*CASEWORKER)["token"])
    body = request_body(api, window.id, 2)
    key = uuid.uuid4().hex
    answers = at_once([post("/allocation/requests", body, key) for _ in range(THREADS)])
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    stored = count(
        api.platform,
        select(func.count())
        .select_from(AllocationRequest)
        .where(AllocationRequest.idempotency_key == key),
    )
    assert stored == 1


def test_every_acknowledged_registration_is_stored_exactly_once(api: Api, server: str) -> None:
    window = open_window(api, seats=[1])
    post = poster(server, api.user(*CASEWORKER)["token"])
    calls = [post("/allocation/requests", request_body(api, window.id)) for _ in range(THREADS * 2)]
    answers = at_once(calls)
    acknowledged = [ok(answer, 201)["id"] for answer in answers]
    with api.platform.db.transaction() as s:
        stored = Counter(
            s.execute(
                select(AllocationRequest.id).where(AllocationRequest.window_id == window.id)
            ).scalars()
        )
        people = s.execute(
            select(func.count())
            .select_from(AllocationRequestPerson)
            .where(AllocationRequestPerson.request_id.in_(acknowledged))
        ).scalar_one()
    assert stored == Counter(acknowledged)
    assert set(stored.values()) == {1}
    assert people == THREADS * 2
    assert chain_holds(api.platform)


def seats_held(platform: Platform, run_id: str) -> list[tuple[Any, int, str]]:
    with platform.db.transaction() as s:
        rows = s.execute(
            select(AllocationSeat.day, AllocationSeat.seat_number, AllocationSeat.request_id).where(
                AllocationSeat.run_id == run_id, AllocationSeat.active
            )
        ).all()
    return [(day, number, request) for day, number, request in rows]


def test_many_bookers_racing_for_three_seats_get_three(api: Api, server: str) -> None:
    window = open_window(api, seats=[THREADS, 3])
    for _ in range(THREADS):
        ok(window.register(), 201)
    window.run()  # everyone is seated on the first day; the second day's 3 seats are free
    assert window.run_id is not None
    post = poster(server, api.user(*CASEWORKER)["token"])
    second_day = {"day": window.days[1].isoformat()}
    answers = at_once(
        [post(f"/allocation/requests/{rid}/reschedule", second_day) for rid in window.requests]
    )
    codes = Counter(answer.status_code for answer in answers)
    assert codes == {200: 3, 409: THREADS - 3}
    held = seats_held(api.platform, window.run_id)
    on_second = [seat for seat in held if seat[0] == window.days[1]]
    assert sorted(number for _, number, _ in on_second) == [1, 2, 3]
    assert len({(day, number) for day, number, _ in held}) == len(held) == THREADS


def test_cancellations_at_once_give_each_freed_seat_to_one_person(api: Api, server: str) -> None:
    window = open_window(api, seats=[16])
    for _ in range(THREADS):
        ok(window.register(), 201)
    window.run()
    assert window.run_id is not None
    statuses = window.statuses()
    seated = [rid for rid, status in statuses.items() if status == "assigned"]
    assert len(seated) == 16
    post = poster(server, api.user(*OFFICER)["token"])
    answers = at_once([post(f"/allocation/requests/{rid}/cancellation") for rid in seated])
    assert sum(ok(answer)["promoted"] for answer in answers) == 16
    held = seats_held(api.platform, window.run_id)
    assert sorted(number for _, number, _ in held) == list(range(1, 17))
    holders = {request for _, _, request in held}
    assert holders.isdisjoint(seated)
    after = window.statuses()
    assert {rid for rid, status in after.items() if status == "assigned"} == holders
    assert Counter(after.values()) == {"assigned": 16, "cancelled": 16}
    assert chain_holds(api.platform)


def test_the_same_seat_written_at_once_is_stored_once(api: Api) -> None:
    """Straight at the database, without the service's locks: the index alone decides."""
    window = open_window(api, seats=[THREADS])
    for _ in range(THREADS):
        ok(window.register(), 201)
    window.run()
    assert window.run_id is not None
    with api.platform.db.transaction() as s:
        s.execute(
            AllocationSeat.__table__.update()
            .where(AllocationSeat.run_id == window.run_id)
            .values(active=False)
        )
    day, run_id = window.days[0], window.run_id

    def take(request_id: str) -> Callable[[], bool]:
        def attempt() -> bool:
            try:
                with api.platform.db.transaction() as s:
                    s.add(
                        AllocationSeat(
                            run_id=run_id,
                            request_id=request_id,
                            holder=0,
                            site_id=SITE,
                            day=day,
                            seat_number=1,
                            pool="open",
                            active=True,
                            given_at=datetime.now(UTC),
                        )
                    )
                return True
            except IntegrityError:
                return False

        return attempt

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        won = list(pool.map(lambda attempt: attempt(), [take(rid) for rid in window.requests]))
    assert won.count(True) == 1
    assert len(seats_held(api.platform, run_id)) == 1
