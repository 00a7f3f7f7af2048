"""`corredor retention apply` on SQLite and PostgreSQL, judged by a fixed clock: a dry run lists
what the policy makes due and changes nothing; --apply erases a refused TVRH's household after
its period, deletes old stored replies and leaves a case that is not due alone; both audited
with counts, and the chain verifies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.kernel.domain.permissions import Role
from corredor.kernel.tables import IdempotencyRecord
from corredor.retention import jobs, use_cases
from corredor.retention.domain.policy import DataKind
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform, household
from tests.platform.journey import ok, walk


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    url = databases.new(request.param)
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield Api(client=client, platform=platform)
    platform.db.dispose()


def refused_case(api: Api) -> str:
    body = household()
    body["principal"]["nationality"] = "MX"  # a Mexican national is no visitor in Mexico
    case = ok(api.post("/cases", "inm", Role.INM_OFFICER, body), 201)
    answer = api.post(f"/cases/{case['id']}/tvrh", "inm", Role.INM_OFFICER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "tvrh_refused"
    return str(case["id"])


def replays(api: Api) -> int:
    with api.platform.db.transaction() as s:
        return int(s.execute(select(func.count()).select_from(IdempotencyRecord)).scalar_one())


def by_kind(report: use_cases.RetentionReport) -> dict[str, use_cases.RuleOutcome]:
    return {rule.kind: rule for rule in report.rules}


def test_a_dry_run_lists_and_apply_erases_what_is_due(api: Api) -> None:
    refused = refused_case(api)
    closed = walk(api, "work_authorized")["case"]
    policy = use_cases.load_policy()
    stored = replays(api)
    assert stored > 5
    later = api.platform.now() + timedelta(days=400)  # past a refusal's year, not 5 years

    dry = by_kind(use_cases.apply_retention(api.platform, policy, later))
    assert dry[DataKind.REFUSED_TVRH].cases == [refused]
    assert dry[DataKind.REFUSED_TVRH].persons == 3
    assert dry[DataKind.CLOSED_CASES].cases == []
    assert dry[DataKind.IDEMPOTENCY_REPLAYS].replays == stored
    assert "maxage 90" in str(dry[DataKind.VERIFICATION_LOGS].note)
    # nothing changed
    case = ok(api.get(f"/cases/{refused}", "inm", Role.INM_OFFICER))
    assert not any(p.get("erased") for p in case["persons"])
    assert replays(api) == stored

    applied = by_kind(use_cases.apply_retention(api.platform, policy, later, apply=True))
    assert applied[DataKind.REFUSED_TVRH].persons == 3
    assert applied[DataKind.IDEMPOTENCY_REPLAYS].replays == stored
    case = ok(api.get(f"/cases/{refused}", "inm", Role.INM_OFFICER))
    assert [p.get("erased") for p in case["persons"]] == [True, True, True]
    kept = ok(api.get(f"/cases/{closed}", "inm", Role.INM_OFFICER))
    assert "Marie-Claude Joseph" in [p.get("name") for p in kept["persons"]]
    assert replays(api) < stored  # only what the reads above stored since

    # a second run finds nothing more for the refusal; six years on, the closed case is due
    again = by_kind(use_cases.apply_retention(api.platform, policy, later))
    assert again[DataKind.REFUSED_TVRH].cases == []
    six_years = by_kind(
        use_cases.apply_retention(api.platform, policy, later + timedelta(days=5 * 365))
    )
    assert six_years[DataKind.CLOSED_CASES].cases == [closed]

    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    actions = [e["action"] for e in entries]
    assert actions.count("platform:retention:review") == 3
    assert actions.count("platform:retention:apply") == 1
    done = next(e for e in entries if e["action"] == "platform:retention:apply")
    assert done["detail"]["counts"]["refused_tvrh"] == {"cases": 1, "persons": 3, "replays": 0}
    assert done["detail"]["policy_version"] == policy.version
    erased = [e for e in entries if e["action"] == "platform:person:erase"]
    assert [e["case_id"] for e in erased] == [refused]
    assert ok(api.get("/audit/verification", "auditor", Role.AUDITOR))["ok"] is True


def test_the_command_is_a_dry_run_unless_told_to_apply(api: Api) -> None:
    refused = refused_case(api)
    env = {
        "CORREDOR_DATABASE_URL": api.platform.settings.database_url,
        "CORREDOR_AUDIT_CHECKPOINT_DIR": str(api.platform.settings.audit_checkpoint_dir),
    }
    when = (api.platform.now() + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%S")
    dry = CliRunner().invoke(cli, ["retention", "apply", "--now", when], env=env)
    assert dry.exit_code == 0, dry.output
    assert (
        "dry run" in dry.output and f"would erase 3 person(s) of 1 case(s): {refused}" in dry.output
    )
    done = CliRunner().invoke(cli, ["retention", "apply", "--now", when, "--apply"], env=env)
    assert done.exit_code == 0, done.output
    assert "refused_tvrh (keep 365 days, assumption): erased 3 person(s)" in done.output
    api.platform.db.dispose()
    case = ok(api.get(f"/cases/{refused}", "inm", Role.INM_OFFICER))
    assert all(p.get("erased") for p in case["persons"])


def test_the_daily_job_applies_the_policy_as_of_the_platforms_clock(api: Api) -> None:
    refused = refused_case(api)
    api.platform.now = lambda: datetime.now(UTC) + timedelta(days=400)
    report = jobs.run_once(api.platform)
    assert report.applied is True
    assert by_kind(report)[DataKind.REFUSED_TVRH].cases == [refused]
    assert api.platform.settings.retention_daily is False  # the server runs it only if told
