"""Erasing a person, on SQLite and PostgreSQL: after a whole journey, an administrator erases the
principal person; every read path then says "erased" (never a 500), their card checks revoked,
the replies stored for retried requests that held their data no longer open, nothing of them is
left in the raw database, and the audit chain still verifies. A backup taken before the erasure
and restored afterwards does not bring them back: the ledger outside the database is re-applied.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from typer.testing import CliRunner

from corredor.app import create_app
from corredor.cases.tables import Person, VettingRecord
from corredor.cli.main import app as cli
from corredor.documents.tables import DocumentRow
from corredor.kernel.crypto import data_key_owner
from corredor.kernel.data_keys import LEDGER_FILE, PersonErased, data_keys
from corredor.kernel.domain.permissions import Role
from corredor.kernel.rekey import DATA_KEY, census
from corredor.kernel.tables import IdempotencyRecord, PersonKey
from corredor.schema import metadata
from tests.platform.conftest import BACKENDS, Api, Databases, build_platform, checkpoint_dir
from tests.platform.journey import ok, walk
from tests.platform.test_nothing_personal_at_rest import raw_contents
from tests.web.signed_in import Visitor

REASON = {"reason": "ARCO cancellation request INM-2026-0042"}


@dataclass
class Deployment:
    api: Api
    url: str

    def run(self, *args: str) -> tuple[int, str]:
        env = {
            "CORREDOR_DATABASE_URL": self.url,
            "CORREDOR_AUDIT_CHECKPOINT_DIR": str(checkpoint_dir(self.url)),
        }
        answer = CliRunner().invoke(cli, list(args), env=env)
        return answer.exit_code, answer.output


@pytest.fixture(params=BACKENDS)
def deployment(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Deployment]:
    url = databases.new(request.param)
    platform = build_platform(url)
    with TestClient(create_app(platform=platform)) as client:
        yield Deployment(Api(client=client, platform=platform), url)
    platform.db.dispose()


def principal_of(ids: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = ids["case_body"]["persons"][0]
    assert person["relation"] == "self"
    return person


def audit_verifies(api: Api) -> bool:
    return bool(ok(api.get("/audit/verification", "auditor", Role.AUDITOR))["ok"])


def officers_page_says_erased(api: Api, case_id: str) -> bool:
    """The case page an officer opens (in Spanish, the default) names the day of erasure."""
    with TestClient(
        create_app(platform=api.platform), base_url="https://testserver", follow_redirects=False
    ) as browser:
        visitor = Visitor(browser).sign_in(api.platform, Role.INM_OFFICER)
        page = visitor.client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    return "Datos personales borrados el" in page.text and "Marie-Claude" not in page.text


def replies_refused_for(api: Api) -> set[str]:
    """Whose erasure stops a stored reply from opening (at least one reply is under a data
    key: the registration's named the household)."""
    refused_for = set()
    with api.platform.db.transaction() as s:
        sealed = [r.body["sealed"] for r in s.execute(select(IdempotencyRecord)).scalars()]
        assert any(data_key_owner(t) is not None for t in sealed)
        keys = data_keys(s, api.platform.cipher)
        for token in sealed:
            try:
                keys.open(token, "idempotency_keys.body")
            except PersonErased as gone:
                refused_for.add(gone.person_id)
    return refused_for


def test_an_erased_person_reads_as_erased_everywhere(deployment: Deployment) -> None:
    api = deployment.api
    ids = walk(api, "work_authorized")
    case_id, principal = ids["case"], principal_of(ids)
    documents = ok(api.get(f"/cases/{case_id}/documents", "inm", Role.INM_OFFICER))
    card = next(d for d in documents if d["type"] == "work" and d["number"].endswith("-1"))
    check = {"credential": card["credential"]}
    before = ok(api.post("/verifications/employment", "employer", Role.EMPLOYER, check))
    assert before["valid"] is True

    # only an administrator erases; a bad reason names the field
    refused = api.post(f"/admin/persons/{principal['id']}/erasure", "inm", Role.INM_OFFICER, REASON)
    assert refused.status_code == 403
    blank = api.post(
        f"/admin/persons/{principal['id']}/erasure", "admin", Role.ADMIN, {"reason": " "}
    )
    assert blank.status_code == 422 and "reason" in blank.text
    done = ok(api.post(f"/admin/persons/{principal['id']}/erasure", "admin", Role.ADMIN, REASON))
    assert done["erased"] == [principal["id"]] and done["applicant_unlinked"] is True
    again = api.post(f"/admin/persons/{principal['id']}/erasure", "admin", Role.ADMIN, REASON)
    assert again.status_code == 409 and "already erased" in again.text

    # the case: the principal shows the day of the erasure, the children still read
    case = ok(api.get(f"/cases/{case_id}", "inm", Role.INM_OFFICER))
    erased = [p for p in case["persons"] if p.get("erased")]
    assert erased == [
        {
            "id": principal["id"],
            "relation": "self",
            "erased": True,
            "erased_on": date.fromisoformat(done["erased_at"][:10]).isoformat(),
        }
    ]
    assert "Wesley Joseph" in [p.get("name") for p in case["persons"]]
    assert "Marie-Claude Joseph" not in json.dumps(case)
    status = ok(api.get(f"/cases/{case_id}/status", "cbp", Role.CBP_OFFICER))
    assert status["erased_on"] == erased[0]["erased_on"]
    # their documents are gone from the list and revoked for every verifier
    listed = ok(api.get(f"/cases/{case_id}/documents", "inm", Role.INM_OFFICER))
    theirs = {d["id"] for d in documents if d["number"].endswith("-1")}
    assert len(theirs) >= 2 and {d["id"] for d in listed} == {d["id"] for d in documents} - theirs
    assert api.get(f"/documents/{card['id']}", "inm", Role.INM_OFFICER).status_code == 409
    after = ok(api.post("/verifications/employment", "employer", Role.EMPLOYER, check))
    assert after == after | {"valid": False, "reason": "revoked"}
    # what named them can no longer be read: 409 naming the erasure, never a 500
    vetting = api.get(f"/cases/{case_id}/vetting", "cbp", Role.CBP_OFFICER)
    assert vetting.status_code == 409 and "erased" in vetting.text
    disclosed = api.get(f"/disclosures/{ids['disclosure']}/data", "cbp", Role.CBP_OFFICER)
    assert disclosed.status_code == 409
    assert officers_page_says_erased(api, case_id)
    # the applicant's account no longer reaches the case
    mine = ok(api.get("/cases", "applicant", Role.APPLICANT))
    assert case_id not in [c["id"] for c in mine]

    # the stored replies sealed under their key no longer open
    assert replies_refused_for(api) == {principal["id"]}

    # the audit records the erasure without a personal value; the chain verifies
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    erasure = [e for e in entries if e["action"] == "platform:person:erase"]
    assert len(erasure) == 1 and erasure[0]["detail"]["persons"] == [principal["id"]]
    assert "Marie-Claude" not in json.dumps(erasure)
    assert audit_verifies(api)

    # nothing of them in the raw database: no sealed field, no lookup hash
    api.platform.db.dispose()
    raw = raw_contents(deployment.url)
    assert principal["name"].encode() not in raw
    assert api.platform.lookup.digest(principal["document_number"]).encode() not in raw


def test_a_restored_backup_does_not_bring_an_erased_person_back(
    deployment: Deployment, tmp_path: Path
) -> None:
    api = deployment.api
    ids = walk(api, "tvrh_issued")
    case_id = ids["case"]
    file = tmp_path / "corredor.tar.gz"
    code, output = deployment.run("db", "backup", str(file))
    assert code == 0, output

    code, output = deployment.run("person", "erase", case_id, "--reason", "ARCO 42", "--yes")
    assert code == 0, output
    assert "erased 3 person(s)" in output
    ledger = (checkpoint_dir(deployment.url) / LEDGER_FILE).read_text(encoding="utf-8")
    assert all(p["id"] in ledger for p in ids["case_body"]["persons"])
    assert "Joseph" not in ledger

    api.platform.db.dispose()  # the server is stopped for a restore
    code, output = deployment.run("db", "restore", str(file), "--yes")
    assert code == 0, output
    assert "audit log intact" in output and "3 erasures of the ledger re-applied" in output
    api.platform.db.dispose()

    case = ok(api.get(f"/cases/{case_id}", "inm", Role.INM_OFFICER))
    assert [p.get("erased") for p in case["persons"]] == [True, True, True]
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    (again,) = [e for e in entries if e["action"] == "platform:person:erase"]
    assert again["detail"]["reason"] == "re-applied from the erasure ledger"
    assert len(again["detail"]["persons"]) == 3
    with api.platform.db.transaction() as s:
        ids_ = [p["id"] for p in ids["case_body"]["persons"]]
        assert s.execute(select(PersonKey).where(PersonKey.person_id.in_(ids_))).all() == []
    assert audit_verifies(api)
    code, output = deployment.run("person", "erase", case_id, "--reason", "again", "--yes")
    assert code == 1 and "already erased" in output


def make_legacy(api: Api, case_id: str) -> None:
    """The case as it was before data keys: every sealed value under the master key."""
    cipher = api.platform.cipher
    with api.platform.db.transaction() as s:
        keys = data_keys(s, cipher)
        people = list(s.execute(select(Person).where(Person.case_id == case_id)).scalars())
        for person in people:
            for field in ("name", "birth_date", "document_number"):
                token = getattr(person, f"{field}_enc")
                if token:
                    plain = keys.open(token, f"persons.{field}")
                    setattr(person, f"{field}_enc", cipher.encrypt(plain, f"persons.{field}"))
            person.name_parts_enc = None  # kept since, read off the whole name until then
        for row in s.execute(select(DocumentRow).where(DocumentRow.case_id == case_id)).scalars():
            row.token_enc = cipher.encrypt(
                keys.open(row.token_enc, "documents.token"), "documents.token"
            )
        for record in s.execute(
            select(VettingRecord).where(VettingRecord.case_id == case_id)
        ).scalars():
            plain = keys.open(record.outcome_enc, "vetting_results.outcome")
            record.outcome_enc = cipher.encrypt(plain, "vetting_results.outcome")
        s.execute(delete(PersonKey).where(PersonKey.person_id.in_([p.id for p in people])))


def test_data_sealed_before_data_keys_is_erased_too_and_moves_to_them(
    deployment: Deployment,
) -> None:
    api = deployment.api
    erased_first = walk(api, "vetted_clear")
    moved = walk(api, "vetted_clear", applicant="moved")
    for ids in (erased_first, moved):
        make_legacy(api, ids["case"])
    assert set(census(api.platform.db, metadata).by_table["persons"]) >= {"dev-1"}

    # erased while still under the master key: the household's vetting result and the
    # person's documents move under their keys first, so the erasure reaches them
    principal = principal_of(erased_first)
    ok(api.post(f"/admin/persons/{principal['id']}/erasure", "admin", Role.ADMIN, REASON))
    vetting = api.get(f"/cases/{erased_first['case']}/vetting", "cbp", Role.CBP_OFFICER)
    assert vetting.status_code == 409
    with api.platform.db.transaction() as s:
        tokens = s.execute(
            select(DocumentRow.token_enc).where(DocumentRow.person_id == principal["id"])
        ).scalars()
        assert all(data_key_owner(token) == principal["id"] for token in tokens)

    # `keys reencrypt` moves the rest onto per-person keys; everything still reads
    api.platform.db.dispose()
    code, output = deployment.run("keys", "reencrypt")
    assert code == 0, output
    assert "everything sealed is under dev-1" in output
    found = census(api.platform.db, metadata).by_table
    for table in ("persons", "documents", "vetting_results"):
        assert set(found[table]) == {DATA_KEY}, table
    assert set(found["person_keys"]) == {"dev-1"}
    case = ok(api.get(f"/cases/{moved['case']}", "inm", Role.INM_OFFICER))
    assert "Marie-Claude Joseph" in [p.get("name") for p in case["persons"]]
    assert api.get(f"/cases/{moved['case']}/vetting", "cbp", Role.CBP_OFFICER).status_code == 200
    documents = ok(api.get(f"/cases/{moved['case']}/documents", "inm", Role.INM_OFFICER))
    assert documents and all(d["credential"] for d in documents)
    assert audit_verifies(api)
