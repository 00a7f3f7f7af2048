"""Retiring an encryption key: after a whole journey, `corredor keys reencrypt` re-seals every
sealed value under the new key (persons, vetting, documents, issuers' private keys, stored
replies), and with the old key gone from the settings everything still reads and signs."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cli.main import app as cli
from corredor.config import DEV_ENCRYPTION_KEY, Settings
from corredor.kernel.domain.permissions import Role
from corredor.kernel.rekey import DATA_KEY, census
from corredor.platform import Platform
from corredor.schema import metadata
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform, checkpoint_dir
from tests.platform.journey import ok, walk

NEW_KEY = base64.b64encode(b"a-new-key-for-this-deployment-32").decode()


@pytest.fixture(params=BACKENDS)
def journeyed(request: pytest.FixtureRequest, databases: Databases) -> tuple[str, str]:
    url = databases.new(request.param)
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        case = walk(Api(client=client, platform=platform), "work_authorized")["case"]
    platform.db.dispose()
    return url, case


def env(url: str, keys: dict[str, str], active: str) -> dict[str, str]:
    return {
        "CORREDOR_DATABASE_URL": url,
        "CORREDOR_ENCRYPTION_KEYS": json.dumps(keys),
        "CORREDOR_ACTIVE_KEY_ID": active,
        "CORREDOR_AUDIT_CHECKPOINT_DIR": str(checkpoint_dir(url)),
    }


def test_after_reencrypting_the_old_key_can_go(journeyed: tuple[str, str]) -> None:
    url, case_id = journeyed
    both = env(url, {"dev-1": DEV_ENCRYPTION_KEY, "new-2": NEW_KEY}, "new-2")
    answer = CliRunner().invoke(cli, ["keys", "reencrypt"], env=both)
    assert answer.exit_code == 0, answer.output
    assert "everything sealed is under new-2" in answer.output
    again = CliRunner().invoke(cli, ["keys", "reencrypt"], env=both)
    assert "0 rows re-sealed" in again.output  # resumable: nothing left to do

    only_new = Settings(
        database_url=url,
        encryption_keys={"new-2": NEW_KEY},
        active_key_id="new-2",
        audit_checkpoint_dir=checkpoint_dir(url),
    )
    platform = Platform.build(only_new)
    found = census(platform.db, metadata)
    assert set(found.by_key) == {"new-2", DATA_KEY}
    assert set(found.by_table["person_keys"]) == {"new-2"}  # every data key re-sealed
    assert set(found.by_table["persons"]) == {DATA_KEY}
    assert {"persons", "vetting_results", "documents", "issuer_keys"} <= set(found.by_table)
    with TestClient(create_app(platform=platform)) as client:
        api = Api(client=client, platform=platform)
        case = ok(api.get(f"/cases/{case_id}", "inm", Role.INM_OFFICER))
        assert "Marie-Claude Joseph" in [person["name"] for person in case["persons"]]
        issued = ok(api.get(f"/cases/{case_id}/documents", "inm", Role.INM_OFFICER))
        assert issued and all(document["credential"] for document in issued)
        walk(api, "tvrh_issued", applicant="after-rotation")  # signs with a re-sealed key
        actions = [e["action"] for e in ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))]
        assert "platform:keys:reencrypt" in actions
    platform.db.dispose()


def test_the_census_names_what_is_still_under_an_old_key(journeyed: tuple[str, str]) -> None:
    url, _ = journeyed
    answer = CliRunner().invoke(
        cli, ["keys", "census"], env=env(url, {"dev-1": DEV_ENCRYPTION_KEY}, "dev-1")
    )
    assert answer.exit_code == 0
    assert "person_keys: dev-1" in answer.output
    assert "persons: data-key" in answer.output
