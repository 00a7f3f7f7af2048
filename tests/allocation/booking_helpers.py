"""Building blocks for the allocation API tests: capacity, a window, requests, a run."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from corredor.kernel.domain.permissions import Role
from tests.allocation.conftest import after_close
from tests.case_kit import Household, household_of
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


def household(api: Api, size: int = 1, who: tuple[str, Role] = CASEWORKER) -> Household:
    """A real household the caller may ask for (see tests/case_kit.py)."""
    return household_of(api.platform, api.user(*who)["id"], who[1], size)


def request_body(
    api: Api, window_id: str, size: int = 1, who: tuple[str, Role] = CASEWORKER
) -> dict[str, Any]:
    house = household(api, size, who)
    return {
        "window_id": window_id,
        "site_id": SITE,
        "case_id": house.case_id,
        "people": house.people,
    }


@dataclass
class Window:
    api: Api
    id: str
    days: list[date]
    body: dict[str, Any]
    run_id: str | None = None
    requests: list[str] = field(default_factory=list)

    def register(self, people: int = 1, who: tuple[str, Role] = CASEWORKER, **extra: Any) -> Any:
        """A request for a new household of `people` persons the caller may ask for."""
        body = request_body(self.api, self.id, people, who)
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
