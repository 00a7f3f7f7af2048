"""The security review's finding 7, as it happened: a window advertised "open until 8 Dec" was
run on 1 Dec with one unconfirmed click. Now a window runs before its published close only when
one officer asked for an early close, with a reason, and a *different* officer of the site's
agency confirmed it; both steps are audited and the early close is published with the results.

On SQLite and PostgreSQL (the `api` fixture's two backends); the day is the platform's injected
clock, pinned for the test, never the wall clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from corredor.kernel.tables import AuditEntry
from tests.allocation.booking_helpers import OFFICER, ok, open_window
from tests.allocation.conftest import after_close
from tests.platform.conftest import Api

SECOND_OFFICER = ("inm-second", Role.INM_OFFICER)
OTHER_AGENCY = ("cbp-early", Role.CBP_OFFICER)
REASON = "The shelter at the site closes on 2 December for repairs."


@pytest.fixture
def day_1(api: Api) -> Iterator[datetime]:
    """The platform's clock stands still on day 1 for the test."""
    moment = api.platform.now()
    before = api.platform.now
    api.platform.now = lambda: moment
    yield moment
    api.platform.now = before


def audited(api: Api, action: str, window_id: str) -> list[AuditEntry]:
    with api.platform.db.transaction() as s:
        found = [
            entry
            for entry in s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars()
            if entry.detail.get("window") == window_id
        ]
        for entry in found:
            s.expunge(entry)
    return found


def test_a_window_closing_on_day_8_is_not_run_on_day_1_by_one_officer(
    api: Api, day_1: datetime, database_url: str
) -> None:
    day_8 = day_1 + timedelta(days=7)
    window = open_window(api, seats=[2], closes_at=day_8.isoformat())
    for _ in range(3):
        ok(window.register(), 201)
    run = f"/allocation/windows/{window.id}/run"
    confirm = f"/allocation/windows/{window.id}/early-close/confirmation"

    one_click = api.post(run, *OFFICER, {})
    assert one_click.status_code == 409, one_click.text
    assert one_click.json()["allowed_transitions"] == ["early-close"]
    assert "another officer must confirm" in one_click.json()["detail"]
    assert ok(api.client.get(f"/api/v1/allocation/windows/{window.id}"))["state"] == "open"

    asked = ok(
        api.post(f"/allocation/windows/{window.id}/early-close", *OFFICER, {"reason": REASON}),
        201,
    )
    assert asked["confirmed_by"] is None and asked["closed_at"] is None
    waiting = api.post(run, *OFFICER, {})
    assert waiting.status_code == 409
    assert waiting.json()["allowed_transitions"] == ["early-close/confirmation"]

    own = api.post(confirm, *OFFICER)
    assert own.status_code == 409, own.text
    assert "cannot confirm it" in own.json()["detail"]
    assert api.post(confirm, *OTHER_AGENCY).status_code == 403  # not their agency's site
    assert api.post(run, *OFFICER, {}).status_code == 409  # still refused
    ok(window.register(), 201)  # and the window still takes requests

    confirmed = ok(api.post(confirm, *SECOND_OFFICER))
    assert confirmed["confirmed_by"] == api.user(*SECOND_OFFICER)["username"]
    ran = ok(api.post(run, *OFFICER, {}), 201)
    assert datetime.fromisoformat(ran["window"]["closes_at"]) == day_1

    published = ok(api.client.get(f"/api/v1/allocation/runs/{ran['run_id']}/results"))
    early = published["early_close"]
    assert early["reason"] == REASON
    assert early["requested_by"] == api.user(*OFFICER)["username"]
    assert early["confirmed_by"] == api.user(*SECOND_OFFICER)["username"]
    assert datetime.fromisoformat(early["published_close"]) == day_8
    assert datetime.fromisoformat(early["closed_at"]) == day_1
    assert window.register().status_code == 409  # closed now: the run has happened

    ok(api.post(f"/allocation/windows/{window.id}/seed-reveal", *OFFICER))
    verified = CliRunner().invoke(
        cli, ["allocate", "--verify", ran["run_id"], "--database-url", database_url]
    )
    assert verified.exit_code == 0, verified.output
    assert "closed early:" in verified.stdout and REASON in verified.stdout
    assert api.user(*SECOND_OFFICER)["username"] in verified.stdout

    (request,) = audited(api, "allocation:early_close:request", window.id)
    (confirmation,) = audited(api, "allocation:early_close:confirm", window.id)
    assert request.actor_id == api.user(*OFFICER)["id"]
    assert confirmation.actor_id == api.user(*SECOND_OFFICER)["id"]
    assert request.detail["reason"] == REASON
    (complete,) = audited(api, "allocation:run:complete", window.id)
    assert complete.detail["closed_early"] is True


def test_a_run_after_the_published_close_needs_no_second_officer(api: Api, day_1: datetime) -> None:
    closes = day_1 + timedelta(hours=2)
    window = open_window(api, seats=[1], closes_at=closes.isoformat())
    ok(window.register(), 201)
    with after_close(api.platform, closes):  # registration has ended, the run may begin
        too_late = api.post(
            f"/allocation/windows/{window.id}/early-close", *OFFICER, {"reason": REASON}
        )
        assert too_late.status_code == 409 and too_late.json()["allowed_transitions"] == ["run"]
        ran = ok(api.post(f"/allocation/windows/{window.id}/run", *OFFICER, {}), 201)
    assert datetime.fromisoformat(ran["window"]["closes_at"]) == closes  # as published
    published = ok(api.client.get(f"/api/v1/allocation/runs/{ran['run_id']}/results"))
    assert published["early_close"] is None


def test_an_early_close_needs_a_reason_and_is_asked_once(api: Api, day_1: datetime) -> None:
    window = open_window(api, seats=[1], closes_at=(day_1 + timedelta(days=7)).isoformat())
    path = f"/allocation/windows/{window.id}/early-close"
    for reason in ("", "   too    ", "x" * 501):
        answer = api.post(path, *OFFICER, {"reason": reason})
        assert answer.status_code == 422, reason
        assert answer.json()["detail"][0]["loc"][-1] == "reason" or "reason" in answer.text
    assert api.post(path, *OFFICER, {}).status_code == 422
    nothing = api.post(f"{path}/confirmation", *SECOND_OFFICER)
    assert nothing.status_code == 409 and nothing.json()["allowed_transitions"] == ["early-close"]
    ok(api.post(path, *OFFICER, {"reason": f"  {REASON}  "}), 201)
    again = api.post(path, *SECOND_OFFICER, {"reason": REASON})
    assert again.status_code == 409
    assert again.json()["allowed_transitions"] == ["early-close/confirmation"]
