"""The fair-capacity API: windows, registration, the run, bookings, positions and results."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from typer.testing import CliRunner

from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from tests.allocation.booking_helpers import (
    CASEWORKER,
    OFFICER,
    SITE,
    household,
    ok,
    open_window,
    request_body,
)
from tests.platform.conftest import Api

APPLICANT = ("marie", Role.APPLICANT)


def fields_of(answer: object) -> list[str]:
    return [str(item["loc"][-1]) for item in answer.json()["detail"]]  # type: ignore[attr-defined]


def test_a_window_publishes_its_commitment_and_the_run_its_counts(api: Api) -> None:
    window = open_window(api, seats=[2, 2])
    public = ok(api.client.get(f"/api/v1/allocation/windows/{window.id}"))
    assert public["state"] == "open"
    assert len(public["seed_commitment"]) == 64
    assert public["seed"] is None
    for _ in range(3):
        ok(window.register(people=1), 201)
    ok(window.register(people=2, urgent=True), 201)
    window.run()
    results = ok(api.client.get(f"/api/v1/allocation/runs/{window.run_id}/results"))
    by_tier = {row["tier"]: row for row in results["counts"]}
    assert by_tier["urgent"]["assigned_requests"] == 1
    assert by_tier["urgent"]["people"] == 2
    assert by_tier["standard"]["requests"] == 3
    assert by_tier["standard"]["assigned_people"] == 2
    assert by_tier["standard"]["waitlisted_requests"] == 1
    assert results["now"] == {"assigned": 3, "waitlisted": 1}
    for request_id in window.requests:  # published results name no request
        assert request_id not in str(results)
    revealed = ok(api.post(f"/allocation/windows/{window.id}/seed-reveal", *OFFICER))
    assert hashlib.sha256(bytes.fromhex(revealed["seed"])).hexdigest() == public["seed_commitment"]


def test_position_says_tier_draw_number_and_place_in_line(api: Api) -> None:
    window = open_window(api, seats=[1])
    for _ in range(4):
        ok(window.register(), 201)
    window.run()
    positions = [
        ok(api.get(f"/allocation/requests/{rid}/position", *CASEWORKER)) for rid in window.requests
    ]
    assert sorted(p["draw_number"] for p in positions) == [1, 2, 3, 4]
    assert {p["tier"] for p in positions} == {"standard"}
    seated = [p for p in positions if p["status"] == "assigned"]
    assert len(seated) == 1 and seated[0]["draw_number"] == 1
    assert seated[0]["appointment"]["seats"] == [1]
    waiting = sorted(
        (p for p in positions if p["status"] == "waitlisted"), key=lambda p: p["draw_number"]
    )
    assert [p["waitlist_position"] for p in waiting] == [1, 2, 3]
    assert all(p["tier_label"]["es"] == "General" for p in positions)


def test_one_active_request_per_person_and_waiting_time_is_kept(api: Api) -> None:
    first = open_window(api, seats=[1])
    body = request_body(api, first.id, 2)
    people = body["people"]
    api.platform.today = lambda: date.today().replace(year=date.today().year - 1)
    mine = ok(api.post("/allocation/requests", *CASEWORKER, body), 201)
    api.platform.today = date.today
    again = api.post("/allocation/requests", *CASEWORKER, body | {"people": [people[1]]})
    assert again.status_code == 409
    assert again.json()["state"] == "registered"
    ok(api.post(f"/allocation/requests/{mine['id']}/cancellation", *CASEWORKER))
    second = open_window(api, seats=[1])
    later = ok(
        api.post(
            "/allocation/requests",
            *CASEWORKER,
            body | {"window_id": second.id, "people": [people[1]]},
        ),
        201,
    )
    assert later["waiting_since"] == mine["waiting_since"]  # a year of waiting is not lost
    second.requests.append(later["id"])
    second.run()
    position = ok(api.get(f"/allocation/requests/{later['id']}/position", *CASEWORKER))
    assert position["tier"] == "long_wait"
    assert position["tickets"] == 8  # one, plus one for every full 30 days waited, up to 8


def test_bad_input_names_the_field(api: Api) -> None:
    window = open_window(api, seats=[1])
    house = household(api)
    twice = api.post(
        "/allocation/requests",
        *CASEWORKER,
        {
            "window_id": window.id,
            "site_id": SITE,
            "case_id": house.case_id,
            "people": house.people * 2,
        },
    )
    assert twice.status_code == 422 and "people" in twice.text
    elsewhere = api.post(
        "/allocation/requests",
        *CASEWORKER,
        request_body(api, window.id) | {"site_id": "mx-cmx-assisted-site"},
    )
    assert fields_of(elsewhere) == ["site_id"]
    urgent = api.post(
        "/allocation/requests",
        *APPLICANT,
        request_body(api, window.id, who=APPLICANT) | {"urgent": True},
    )
    assert fields_of(urgent) == ["urgent"]
    capacity = api.post(
        "/allocation/capacity",
        *OFFICER,
        {"site_id": SITE, "from": "2030-01-01", "seats": 5, "quotas": {"phase-1": 6}},
    )
    assert capacity.status_code == 422 and "quotas" in capacity.text
    unknown = api.post(
        "/allocation/capacity",
        *OFFICER,
        {"site_id": "mx-nowhere", "from": "2030-01-01", "seats": 5},
    )
    assert fields_of(unknown) == ["site_id"]
    missing = api.post(f"/allocation/windows/{uuid.uuid4()}/run", *OFFICER, {})
    assert missing.status_code == 404
    assert api.get(f"/allocation/requests/{uuid.uuid4()}/position", *CASEWORKER).status_code == 404


def test_wrong_state_is_409_with_the_allowed_moves(api: Api) -> None:
    window = open_window(api, seats=[1])
    for _ in range(2):
        ok(window.register(), 201)
    early = api.post(f"/allocation/windows/{window.id}/seed-reveal", *OFFICER)
    assert early.status_code == 409 and early.json()["allowed_transitions"] == ["run"]
    window.run()
    assert api.post(f"/allocation/windows/{window.id}/run", *OFFICER, {}).status_code == 409
    late = window.register()
    assert late.status_code == 409 and late.json()["state"] == "allocated"
    statuses = window.statuses()
    waiting, seated = sorted(statuses, key=lambda rid: statuses[rid] == "assigned")
    refused = api.post(f"/allocation/requests/{waiting}/confirmation", *CASEWORKER)
    assert refused.status_code == 409
    assert refused.json()["allowed_transitions"] == ["cancel"]
    confirmed = ok(api.post(f"/allocation/requests/{seated}/confirmation", *CASEWORKER))
    assert confirmed["request"]["status"] == "confirmed"


def test_a_cancellation_gives_the_seats_to_the_next_in_line(api: Api) -> None:
    window = open_window(api, seats=[2])
    for _ in range(5):
        ok(window.register(), 201)
    window.run()
    before = {
        rid: ok(api.get(f"/allocation/requests/{rid}/position", *CASEWORKER))
        for rid in window.requests
    }
    seated = sorted(
        (p for p in before.values() if p["status"] == "assigned"), key=lambda p: p["draw_number"]
    )
    line = sorted(
        (p for p in before.values() if p["status"] == "waitlisted"), key=lambda p: p["draw_number"]
    )
    cancelled = ok(
        api.post(f"/allocation/requests/{seated[0]['request_id']}/cancellation", *CASEWORKER)
    )
    assert cancelled["promoted"] == 1
    assert cancelled["request"]["appointment"] is None
    first_in_line = window.request(line[0]["request_id"])
    assert first_in_line["status"] == "assigned"
    assert first_in_line["appointment"]["seats"] == seated[0]["appointment"]["seats"]
    no_show = ok(api.post(f"/allocation/requests/{seated[1]['request_id']}/no-show", *OFFICER))
    assert no_show["request"]["status"] == "no_show" and no_show["promoted"] == 1
    assert window.request(line[1]["request_id"])["status"] == "assigned"
    checked_in = ok(api.post(f"/allocation/requests/{line[0]['request_id']}/check-in", *OFFICER))
    assert checked_in["request"]["status"] == "attended"
    assert checked_in["request"]["appointment"]["seats"]  # the seat stays taken: it was used
    day = window.days[0].isoformat()
    capacity = ok(
        api.client.get(
            "/api/v1/allocation/capacity", params={"site_id": SITE, "from": day, "until": day}
        )
    )
    assert capacity[0]["seats_taken"] == 2
    assert window.request(line[2]["request_id"])["status"] == "waitlisted"


def test_rescheduling_keeps_tier_and_draw_and_needs_free_seats(api: Api) -> None:
    window = open_window(api, seats=[2, 1])
    for _ in range(2):
        ok(window.register(), 201)
    window.run()  # both fit on the first day; the second day has a free seat
    rid = window.requests[0]
    before = ok(api.get(f"/allocation/requests/{rid}/position", *CASEWORKER))
    moved = ok(
        api.post(
            f"/allocation/requests/{rid}/reschedule",
            *CASEWORKER,
            {"day": window.days[1].isoformat()},
        )
    )
    assert moved["request"]["appointment"]["day"] == window.days[1].isoformat()
    after = ok(api.get(f"/allocation/requests/{rid}/position", *CASEWORKER))
    assert (after["tier"], after["draw_number"], after["draw_key"]) == (
        before["tier"],
        before["draw_number"],
        before["draw_key"],
    )
    other = window.requests[1]
    full = api.post(
        f"/allocation/requests/{other}/reschedule", *CASEWORKER, {"day": window.days[1].isoformat()}
    )
    assert full.status_code == 409 and "free seats" in full.text
    outside = api.post(
        f"/allocation/requests/{other}/reschedule", *CASEWORKER, {"day": "2001-01-01"}
    )
    assert fields_of(outside) == ["day"]


def test_an_applicant_sees_only_their_own_request(api: Api) -> None:
    window = open_window(api, seats=[1])
    mine = ok(window.register(who=APPLICANT), 201)
    theirs = ok(window.register(), 201)
    assert ok(api.get(f"/allocation/requests/{mine['id']}", *APPLICANT))["id"] == mine["id"]
    assert api.get(f"/allocation/requests/{theirs['id']}/position", *APPLICANT).status_code == 404
    assert (
        api.post(f"/allocation/requests/{theirs['id']}/cancellation", *APPLICANT).status_code == 404
    )


def test_officers_act_only_for_their_agency_sites(api: Api) -> None:
    cbp = ("cbp", Role.CBP_OFFICER)
    refused = api.post(
        "/allocation/capacity", *cbp, {"site_id": SITE, "from": "2030-01-01", "seats": 5}
    )
    assert refused.status_code == 403
    allowed = api.post(
        "/allocation/capacity",
        *cbp,
        {"site_id": "mx-cmx-assisted-site", "from": "2030-01-01", "seats": 5},
    )
    assert allowed.status_code == 200


def test_capacity_changes_are_audited_with_the_old_value(api: Api) -> None:
    body = {"site_id": SITE, "from": "2031-03-02", "until": "2031-03-03", "seats": 10}
    ok(api.post("/allocation/capacity", *OFFICER, body))
    ok(api.post("/allocation/capacity", *OFFICER, body | {"seats": 12, "quotas": {"phase-1": 5}}))
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    while len(entries) == 1000:
        entries = ok(
            api.get("/audit", "auditor", Role.AUDITOR, after=entries[-1]["seq"], limit=1000)
        )
    updates = [
        e
        for e in entries
        if e["action"] == "allocation:capacity:update" and e["detail"]["from"] == "2031-03-02"
    ]
    assert updates[-1]["detail"]["before"]["2031-03-02"] == {"seats": 10, "quotas": {}}
    assert updates[-1]["detail"]["seats"] == 12


def test_a_retried_registration_is_stored_once(api: Api) -> None:
    window = open_window(api, seats=[1])
    body = request_body(api, window.id)
    key = uuid.uuid4().hex
    first = ok(api.post("/allocation/requests", *CASEWORKER, body, key=key), 201)
    again = ok(api.post("/allocation/requests", *CASEWORKER, body, key=key), 201)
    assert again == first


def test_cohort_quotas_follow_the_policy_phases(api: Api) -> None:
    window = open_window(api, seats=[2], quotas={"phase-1": 2}, policy_id="mx-us-joint-corridor")
    today = date.today()
    young = {
        "household": [
            {"relation": "child", "birth_date": today.replace(year=today.year - 3).isoformat()}
        ]
    }
    adult = {"household": []}
    families = [ok(window.register(facts=young), 201) for _ in range(2)]
    singles = [ok(window.register(facts=adult), 201) for _ in range(3)]
    assert {r["cohort"] for r in families} == {"phase-1"}
    assert all(r["cohort"] != "phase-1" for r in singles)
    missing = window.register()
    assert fields_of(missing) == ["facts"]
    window.run()
    statuses = window.statuses()
    assert all(statuses[r["id"]] == "assigned" for r in families)
    assert all(statuses[r["id"]] in ("not_open", "waitlisted") for r in singles)


def test_allocate_verify_re_runs_a_stored_run(api: Api, database_url: str) -> None:
    window = open_window(api, seats=[3, 2])
    for size in (1, 2, 1, 3, 1, 1):
        ok(window.register(people=size), 201)
    window.run()
    runner = CliRunner()
    hidden = runner.invoke(
        cli, ["allocate", "--verify", window.run_id, "--database-url", database_url]
    )
    assert hidden.exit_code == 1
    assert "not revealed" in hidden.stderr, (hidden.stdout, hidden.exception)
    ok(api.post(f"/allocation/windows/{window.id}/seed-reveal", *OFFICER))
    result = runner.invoke(
        cli, ["allocate", "--verify", window.run_id, "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "match" in result.output
    unknown = runner.invoke(
        cli, ["allocate", "--verify", str(uuid.uuid4()), "--database-url", database_url]
    )
    assert unknown.exit_code == 2
