"""Seed 000, steps 1-6, end to end through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from corredor.kernel.domain.permissions import Role
from tests.case_kit import assign
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk


def test_a_household_goes_from_the_border_to_work_authorization(api: Api) -> None:
    ids = walk(api, "work_authorized")
    case = ok(api.get(f"/cases/{ids['case']}", "applicant", Role.APPLICANT))
    assert case["state"] == "work_authorized"
    assert case["household_size"] == 3
    kinds = {grant["kind"]: grant for grant in case["grants"]}
    assert set(kinds) == {"tvrh", "parole", "work_authorization"}
    parole, work = kinds["parole"], kinds["work_authorization"]
    assert work["details"]["basis"] == "parole"
    assert work["details"]["parole"] == parole["number"]
    assert work["valid_until"] == parole["valid_until"]
    assert parole["details"]["travel_mode"] == "flight"
    assert case["allowed_actions"] == []


def test_decisions_cite_policy_version_and_clauses(api: Api) -> None:
    ids = walk(api, "parole_granted")
    case = ok(api.get(f"/cases/{ids['case']}/status", "cbp", Role.CBP_OFFICER))
    cited = {(d["subject"], d["policy_id"]): d for d in case["decisions"]}
    tvrh = cited[("tvrh", "mx-tvrh")]
    assert tvrh["outcome"] == "eligible"
    assert tvrh["policy_version"] == "2011-05-25"
    assert "tvrh.ground.asylum-seeker" in tvrh["clauses"]
    parole = cited[("parole", "mx-us-joint-corridor")]
    assert parole["outcome"] == "eligible"
    assert parole["policy_version"] == "2026-01-15"
    assert "corridor.no-criminal-history" in parole["clauses"]
    assert "corridor.cohort.young-child" in parole["clauses"]


def test_the_timeline_records_who_did_each_step(api: Api) -> None:
    ids = walk(api, "work_authorized")
    events = ok(api.get(f"/cases/{ids['case']}/timeline", "applicant", Role.APPLICANT))
    seen = [(e["name"], e["actor_role"]) for e in events]
    assert seen == [
        ("registered", "inm_officer"),
        ("tvrh_issued", "inm_officer"),
        ("consent_recorded", "inm_officer"),  # consent and disclosure are on the timeline too
        ("disclosed", "inm_officer"),
        ("parole_requested", "applicant"),
        ("vetting_clear", "cbp_officer"),
        ("parole_granted", "cbp_officer"),
        ("admitted", "cbp_officer"),
        ("work_authorized", "cbp_officer"),
        # the children, 4 and 9, are too young to work: no work authorization document
        ("work_authorization_not_issued", "cbp_officer"),
        ("work_authorization_not_issued", "cbp_officer"),
    ]


def test_a_caseworker_applies_on_behalf_and_the_audit_shows_both(api: Api) -> None:
    ids = walk(api, "disclosed")
    assign(api.platform, ids["case"], caseworker_id=api.user("unhcr", Role.CASEWORKER)["id"])
    answer = api.post(
        f"/cases/{ids['case']}/parole-application",
        "unhcr",
        Role.CASEWORKER,
        {"channel": "assisted_site", "site_id": "mx-cmx-assisted-site"},
    )
    ok(answer, 201)
    events = ok(api.get(f"/cases/{ids['case']}/timeline", "inm", Role.INM_OFFICER))
    applied = next(e for e in events if e["name"] == "parole_requested")
    assert applied["actor_role"] == "caseworker"
    assert applied["on_behalf_of"].startswith("person:")
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    while len(entries) == 1000:  # page on to the end of a long shared log
        entries = ok(
            api.get("/audit", "auditor", Role.AUDITOR, after=entries[-1]["seq"], limit=1000)
        )
    mine = [
        e for e in entries if e["case_id"] == ids["case"] and e["action"].endswith("apply_parole")
    ]
    assert mine
    assert mine[-1]["actor_role"] == "caseworker"
    assert mine[-1]["on_behalf_of"] == applied["on_behalf_of"]


def test_the_tvrh_rests_on_its_own_grounds_and_the_corridor_is_decided_apart(api: Api) -> None:
    """Ley de Migración art. 52 fr. V: INM decides the TVRH on its grounds. An adult travelling
    alone is not in phase 1 of the corridor (households with a child under 6): that is the
    corridor's own decision, named as such, and it does not take the TVRH away."""
    me = api.user("solo", Role.APPLICANT)
    case = ok(
        api.post(
            "/cases",
            "inm",
            Role.INM_OFFICER,
            {
                "border_point_id": "mx-tab-el-ceibo",
                "ground": "tvrh.ground.violence-or-disaster",
                "principal": {"name": "Ana Pérez", "birth_date": "1990-01-01", "nationality": "HN"},
                "applicant_user_id": me["id"],
            },
        )
    )
    issued = ok(api.post(f"/cases/{case['id']}/tvrh", "inm", Role.INM_OFFICER), 201)
    assert issued["state"] == "tvrh_issued"
    by_subject = {d["subject"]: d for d in issued["decisions"]}
    assert by_subject["tvrh"]["policy_id"] == "mx-tvrh"
    assert by_subject["tvrh"]["outcome"] == "eligible"
    corridor = by_subject["corridor"]
    assert corridor["policy_id"] == "mx-us-joint-corridor"
    assert corridor["outcome"] == "not_eligible"
    assert "corridor.cohort.young-child" in corridor["clauses"]
    parole = api.post(
        f"/cases/{case['id']}/parole-application",
        "solo",
        Role.APPLICANT,
        {"channel": "app", "site_id": "mx-cmx-assisted-site"},
    )
    assert parole.status_code == 422, parole.text
    assert "corridor is not open" in parole.text


def test_an_unassigned_country_code_is_refused_naming_the_field(api: Api) -> None:
    """ISO 3166-1: XX is not an assigned code; the API refuses it (422) instead of deciding."""
    refused = api.post(
        "/cases",
        "inm",
        Role.INM_OFFICER,
        {
            "border_point_id": "mx-tab-el-ceibo",
            "ground": "tvrh.ground.violence-or-disaster",
            "principal": {"name": "Ana Pérez", "birth_date": "1990-01-01", "nationality": "XX"},
        },
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["loc"][-1] == "nationality"
    assert "not an assigned ISO 3166-1" in detail["msg"]
