"""Guards that once let the wrong thing through, each now a clear 409 naming what is allowed:
a disclosure to CBP for a case whose TVRH was refused, an admission at another port than the
one parole was granted for; the parole start page for a refused TVRH; and consent and
disclosure appear on the case's timeline."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from corredor.app import create_app
from corredor.kernel.domain.permissions import Role
from tests.platform.conftest import Api, household
from tests.platform.journey import CBP_FIELDS, ok, walk
from tests.web.signed_in import Visitor


def refused_case(api: Api, applicant: str = "applicant") -> str:
    """A household INM must refuse: the principal is a Mexican national (no TVRH for them)."""
    me = api.user(applicant, Role.APPLICANT)
    body = household(applicant_user_id=me["id"])
    body["principal"]["nationality"] = "MX"
    case = ok(api.post("/cases", "inm", Role.INM_OFFICER, body))
    decided = ok(api.post(f"/cases/{case['id']}/tvrh", "inm", Role.INM_OFFICER))
    assert decided["state"] == "tvrh_refused"
    return str(case["id"])


def consent(api: Api, case_id: str) -> dict[str, Any]:
    return ok(
        api.post(
            f"/cases/{case_id}/consents",
            "inm",
            Role.INM_OFFICER,
            {"recipient": "CBP", "purpose": "parole", "fields": CBP_FIELDS},
        )
    )


def test_no_disclosure_to_cbp_for_a_case_whose_tvrh_was_refused(api: Api) -> None:
    case_id = refused_case(api)
    given = consent(api, case_id)
    answer = api.post(
        f"/cases/{case_id}/disclosures",
        "inm",
        Role.INM_OFFICER,
        {"consent_id": given["id"], "fields": ["name", "nationality"]},
    )
    assert answer.status_code == 409
    assert answer.json()["state"] == "tvrh_refused"
    assert "tvrh_issued" in answer.json()["allowed_transitions"]


def test_admission_only_at_the_port_parole_was_granted_for(api: Api) -> None:
    ids = walk(api, "parole_granted")  # granted for a flight to us-fl-mia
    elsewhere = api.post(
        f"/cases/{ids['case']}/admission", "cbp", Role.CBP_OFFICER, {"port_id": "us-ca-san-ysidro"}
    )
    assert elsewhere.status_code == 409
    assert "us-fl-mia" in elsewhere.json()["detail"]
    right = api.post(
        f"/cases/{ids['case']}/admission", "cbp", Role.CBP_OFFICER, {"port_id": "us-fl-mia"}
    )
    assert right.status_code in (200, 201), right.text


def test_consent_and_disclosure_are_on_the_timeline(api: Api) -> None:
    ids = walk(api, "disclosed")
    events = [
        e["name"] for e in ok(api.get(f"/cases/{ids['case']}/timeline", "inm", Role.INM_OFFICER))
    ]
    assert events.index("consent_recorded") < events.index("disclosed")
    ok(api.post(f"/consents/{ids['consent']}/revocation", "applicant", Role.APPLICANT))
    events = [
        e["name"] for e in ok(api.get(f"/cases/{ids['case']}/timeline", "inm", Role.INM_OFFICER))
    ]
    assert "consent_revoked" in events


def test_the_parole_start_page_says_a_refused_tvrh_cannot_apply(api: Api) -> None:
    app = create_app(platform=api.platform)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as web:
        visitor = Visitor(web)
        visitor.sign_in(api.platform, Role.APPLICANT, "refused-applicant")
        me = visitor.user_id
        body = household(applicant_user_id=me)
        body["principal"]["nationality"] = "MX"
        case = ok(api.post("/cases", "inm", Role.INM_OFFICER, body))
        ok(api.post(f"/cases/{case['id']}/tvrh", "inm", Role.INM_OFFICER))
        start = visitor.get(f"/cases/{case['id']}/parole", lang="en")
        assert "You cannot apply for parole until both answers above are Yes." in start.text
        assert "Start now" not in start.text
        question = web.get(f"/cases/{case['id']}/parole/q/site", follow_redirects=False)
        assert question.status_code == 303
