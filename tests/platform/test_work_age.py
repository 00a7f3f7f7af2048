"""A work authorization document only for a person old enough to work (data/work-age.yaml:
14, 29 CFR 570.2), judged on the grant's day by the platform's clock; the timeline says why."""

from __future__ import annotations

from datetime import date

import pytest

from corredor.documents.domain.work_age import age_on
from corredor.documents.work_age import work_age_rule
from corredor.kernel.domain.permissions import Role
from corredor.web.i18n import translations
from corredor.web.labels import event_text
from tests.platform.conftest import Api
from tests.platform.journey import ok, walk

GRANTED_ON = date(2026, 6, 15)  # the admission, and so the work authorization's first day


@pytest.fixture
def on_grant_day(api: Api) -> Api:
    api.platform.today = lambda: GRANTED_ON  # the api fixture puts the real clock back after
    return api


def member(name: str, born: date) -> dict[str, str]:
    return {"name": name, "birth_date": born.isoformat(), "nationality": "HT", "relation": "child"}


def test_the_rule_is_data_with_its_citation() -> None:
    rule = work_age_rule()
    assert (rule.minimum_age, rule.citation) == (14, "29 CFR 570.2")
    assert any("274a.12(c)(11)" in source for source in rule.source)


def test_age_counts_completed_years() -> None:
    assert age_on(date(2012, 6, 16), GRANTED_ON) == 13  # 13 years and 364 days
    assert age_on(date(2012, 6, 15), GRANTED_ON) == 14  # the 14th birthday
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14


def test_thirteen_years_and_364_days_gets_no_work_card_fourteen_years_does(
    on_grant_day: Api,
) -> None:
    api = on_grant_day
    members = [
        member("Wesley Joseph", date(2022, 3, 2)),  # 4: the phase-1 cohort's young child
        member("Jean Joseph", date(2012, 6, 16)),  # 13 years and 364 days on the grant day
        member("Rose Joseph", date(2012, 6, 15)),  # 14 years exactly on the grant day
    ]
    ids = walk(api, "work_authorized", applicant="age-rule", members=members)
    documents = ok(api.get(f"/cases/{ids['case']}/documents", "inm", Role.INM_OFFICER))
    work = {d["holder_name"] for d in documents if d["type"] == "work"}
    assert work == {"Marie-Claude Joseph", "Rose Joseph"}
    travel = {d["holder_name"] for d in documents if d["type"] == "travel"}
    assert len(travel) == 4  # the age rule is about work only
    assert {d["valid_from"] for d in documents if d["type"] == "work"} == {"2026-06-15"}

    events = ok(api.get(f"/cases/{ids['case']}/timeline", "age-rule", Role.APPLICANT))
    refused = [e["data"] for e in events if e["name"] == "work_authorization_not_issued"]
    # members 2 (the 4-year-old) and 3 (13 y 364 d); never a birth date on the timeline
    assert refused == [
        {"member": 2, "minimum_age": 14, "citation": "29 CFR 570.2"},
        {"member": 3, "minimum_age": 14, "citation": "29 CFR 570.2"},
    ]
    entries = ok(api.get("/audit", "auditor", Role.AUDITOR, limit=1000))
    issued = [
        e["detail"]
        for e in entries
        if e["case_id"] == ids["case"] and e["action"] == "platform:document:issue"
    ]
    assert issued[-1]["not_issued"] == [2, 3]
    assert issued[-1]["citation"] == "29 CFR 570.2"


def test_the_timeline_says_why_in_plain_words() -> None:
    data = {"member": 3, "minimum_age": 14, "citation": "29 CFR 570.2"}
    text = event_text("work_authorization_not_issued", data, translations("en"))
    assert text == (
        "No work authorization document for household member 3: under 14, the minimum age "
        "to work (29 CFR 570.2)"
    )
