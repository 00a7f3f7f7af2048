"""Children first: age and travelling alone are asked first, a child travelling alone reads
protection before any pathway, and no result ever sends a child travelling alone on a journey.

Sources: Ley de Migración art. 52 fr. V b) and art. 74 (TVRH and DIF for unaccompanied children);
seed 002 (a CAM assessment for them is a recommendation, shown as Corredor's proposal).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.support import NullTranslations
from fastapi.testclient import TestClient

from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import Profile
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.rules import Decision, Outcome
from corredor.screening.pages.questions import Answers, questions_needed
from corredor.screening.pages.results import explain
from corredor.web.i18n import LANGUAGE_CODES, Formatter, translations
from tests.web.conftest import TODAY
from tests.web.test_screener import csrf, text, walk

CHILD_ALONE_IN_CHIAPAS: dict[str, dict[str, str | list[str]]] = {
    "birth_date": {"day": "1", "month": "2", "year": "2011"},
    "unaccompanied_minor": {"answer": "yes"},
    "nationality": {"answer": "HN"},
    "current_country": {"answer": "MX"},
    "current_region": {"answer": "MX-CHP"},
    "household": {},
    "documents": {"answer": ["birth_certificate"]},
    "in_country_since": {"day": "1", "month": "2", "year": "2026"},
    "irregular_entries": {},
    "job_offer": {"answer": "no"},
    "us_relative": {"answer": "no"},
}

# A step that asks someone to go somewhere. Every such step must be marked `journey`.
JOURNEY = re.compile(
    r"\b(Go to|Travel to|travel to|Ask for the card at|Apply at|at the office|at a US consulate)\b"
)


def next_fact(client: TestClient) -> str:
    return client.get("/screener/next").headers["location"].rsplit("/", 1)[1]


def answer(client: TestClient, fact: str, data: dict[str, str | list[str]]) -> None:
    response = client.post(f"/screener/q/{fact}", data={"csrf_token": csrf(client), **data})
    assert response.status_code == 303, response.text[:300]


def test_age_then_travelling_alone_are_asked_first(client: TestClient) -> None:
    client.post("/screener/start", data={"csrf_token": csrf(client)})
    assert next_fact(client) == "birth_date"
    answer(client, "birth_date", {"day": "1", "month": "2", "year": "2011"})
    assert next_fact(client) == "unaccompanied_minor"


def test_a_child_alone_is_not_asked_about_work_or_convictions(client: TestClient) -> None:
    asked = walk(client, CHILD_ALONE_IN_CHIAPAS)
    assert asked[:2] == ["birth_date", "unaccompanied_minor"]
    assert "job_offer" not in asked
    assert "criminal_history" not in asked


def test_the_corridor_never_calls_a_child_alone_eligible(catalogue: Catalogue) -> None:
    """Every phase, even 'every adult': a child travelling alone is protected, not sent."""
    child = Profile(
        nationality="HN",
        birth_date=date(2011, 2, 1),
        current_country="MX",
        current_region="MX-CHP",
        unaccompanied_minor=True,
        criminal_history=False,
        household=[],
    )
    for day in (date(2026, 1, 15), date(2027, 3, 1), date(2027, 9, 1)):
        decision = next(
            d for d in catalogue.screen(child, day) if d.pathway == "mx-us-joint-corridor"
        )
        assert decision.outcome is Outcome.NOT_ELIGIBLE
        assert {"corridor.travels-with-guardian", "corridor.adult"} <= {
            r.clause for r in decision.reasons
        }


def test_an_adult_is_not_asked_whether_they_are_a_child_alone(client: TestClient) -> None:
    client.post("/screener/start", data={"csrf_token": csrf(client)})
    answer(client, "birth_date", {"day": "1", "month": "2", "year": "1990"})
    assert next_fact(client) not in ("birth_date", "unaccompanied_minor")
    check = text(client.get("/screener/check?lang=en").text)
    assert "Are you under 18 and travelling without a parent or legal guardian? No" in check


def test_the_next_question_settles_the_most_open_pathways(catalogue: Catalogue) -> None:
    adult = Answers({"birth_date": "1990-02-01", "unaccompanied_minor": False})
    needed = questions_needed(catalogue, adult, TODAY)
    counts: dict[str, int] = {}
    for decision in catalogue.screen(adult.profile(), TODAY):
        for fact in decision.missing_facts:
            counts[fact] = counts.get(fact, 0) + 1
    assert counts[needed[0]] == max(counts.values())
    # CHNV closed on 2025-01-20 and is the only pathway that needs a US supporter: never asked
    assert "us_supporter" not in needed
    assert set(needed) == set(counts)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_a_child_alone_reads_protection_first_and_no_journey(
    client: TestClient, catalogue: Catalogue, lang: str
) -> None:
    walk(client, CHILD_ALONE_IN_CHIAPAS)
    html = client.get(f"/screener/results?lang={lang}").text
    protection = html.index('id="child-protection"')
    assert protection < html.index('class="pathway pathway--eligible')
    assert protection < html.index('class="pathway pathway--not_eligible')
    shown = text(html)
    assert "DIF" in shown
    assert "CAM" in shown
    for policy in catalogue.all_policies():
        for step in policy.next_steps:
            if step.journey:
                assert " ".join(step.text[lang].split()) not in shown, (policy.id, lang)
    english = text(client.get("/screener/results?lang=en").text)
    assert "Visitor Card for Humanitarian Reasons (TVRH) You may be eligible" in english
    assert "Proposal (by Corredor, not a government program)" in english


def test_every_step_that_is_a_journey_is_marked(catalogue: Catalogue) -> None:
    for policy in catalogue.all_policies():
        for step in policy.next_steps:
            if JOURNEY.search(step.text["en"]):
                assert step.journey, (policy.id, policy.version, step.text["en"])


def _every_version_as_eligible(policy: Policy) -> Decision:
    return Decision(
        pathway=policy.id,
        version=policy.version,
        as_of=policy.effective_from,
        outcome=Outcome.ELIGIBLE,
        reasons=(),
    )


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_no_result_of_any_pathway_sends_a_child_alone_on_a_journey(
    catalogue: Catalogue, lang: str
) -> None:
    """The invariant over every pathway and version, even one that would call the child
    eligible: the steps shown to a child travelling alone contain no journey."""
    gettext: NullTranslations = translations(lang)
    fmt = Formatter(lang)
    decisions = [_every_version_as_eligible(p) for p in catalogue.all_policies()]
    child_views = explain(catalogue, decisions, lang, gettext, fmt, unaccompanied_child=True)
    adult_views = explain(catalogue, decisions, lang, gettext, fmt)
    journeys = {
        " ".join(step.text[lang].split())
        for policy in catalogue.all_policies()
        for step in policy.next_steps
        if step.journey
    }
    assert journeys  # the catalogue has journeys; an adult is shown them
    assert journeys & {" ".join(s.split()) for view in adult_views for s in view.next_steps}
    for view in child_views:
        for step in view.next_steps:
            assert " ".join(step.split()) not in journeys, (view.pathway, step)
            if lang == "en":
                assert not JOURNEY.search(step), (view.pathway, step)


def test_a_child_alone_outside_mexico_is_sent_to_help_where_they_are(
    client: TestClient,
) -> None:
    in_guatemala = {
        **CHILD_ALONE_IN_CHIAPAS,
        "current_country": {"answer": "GT"},
        "nationality": {"answer": "GT"},
    }
    walk(client, in_guatemala)
    shown = text(client.get("/screener/results?lang=es").text)
    assert "autoridad de protección de la infancia del país donde se encuentra" in shown
    assert "Procuraduría de Protección" not in shown
