"""Building blocks for the allocation API tests: capacity, a window, requests, a run."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from corredor.kernel.domain.permissions import Role
from tests.allocation.conftest import after_close
from tests.platform.conftest import Api

SITE = "mx-chp-ciudad-hidalgo"  # an INM border point
OFFICER = ("inm", Role.INM_OFFICER)
CASEWORKER = ("acnur", Role.CASEWORKER)
_next_range = itertools.count()


def fresh_days(length: int) -> list[date]:
    """Days no other test's window uses (windows of one site may not share days)."""
    start = date.today() + timedelta(days=30 + 40 * next(_next_range))
    return [start + timedelta(days=i) for i in range(length)]


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def person() -> str:
    return f"HT-{uuid.uuid4().hex[:10]}"


@dataclass
class Window:
    api: Api
    id: str
    days: list[date]
    body: dict[str, Any]
    run_id: str | None = None
    requests: list[str] = field(default_factory=list)

    def register(self, people: int = 1, who: tuple[str, Role] = CASEWORKER, **extra: Any) -> Any:
        body = {"window_id": self.id, "site_id": SITE, "people": [person() for _ in range(people)]}
        answer = self.api.post("/allocation/requests", *who, body | extra)
        if answer.status_code == 201:
            self.requests.append(answer.json()["id"])
        return answer

    def run(self, **body: Any) -> Any:
        """Run the window once its published close has passed (on the platform's clock)."""
        with after_close(self.api.platform, self.body["closes_at"]):
            answer = ok(self.api.post(f"/allocation/windows/{self.id}/run", *OFFICER, body), 201)
        self.run_id = answer["run_id"]
        return answer

    def request(self, request_id: str) -> Any:
        return ok(self.api.get(f"/allocation/requests/{request_id}", *CASEWORKER))

    def statuses(self) -> dict[str, str]:
        return {rid: self.request(rid)["status"] for rid in self.requests}


def open_window(
    api: Api, seats: list[int], quotas: dict[str, int] | None = None, **extra: Any
) -> Window:
    days = fresh_days(len(seats))
    for day, count in zip(days, seats, strict=True):
        body = {"site_id": SITE, "from": day.isoformat(), "seats": count, "quotas": quotas or {}}
        ok(api.post("/allocation/capacity", *OFFICER, body))
    window = {
        "site_ids": [SITE],
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        "closes_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    } | extra
    answer = ok(api.post("/allocation/windows", *OFFICER, window), 201)
    return Window(api=api, id=answer["id"], days=days, body=answer)
