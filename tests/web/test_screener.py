"""The screener's pages over HTTP: questions, validation, CSRF, check answers, results."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from corredor.screening.domain.facts import FACTS
from corredor.screening.pages.screener import ANSWERS_COOKIE

# Answers that lead a Haitian family with a toddler in Chiapas to the joint corridor.
CORRIDOR_FAMILY: dict[str, dict[str, str | list[str]]] = {
    "nationality": {"answer": "HT"},
    "current_country": {"answer": "MX"},
    "current_region": {"answer": "MX-CHP"},
    "household": {"relation-1": "child", "day-1": "3", "month-1": "5", "year-1": "2023"},
    "criminal_history": {"answer": "no"},
    "documents": {"answer": ["passport"]},
    "birth_date": {"day": "2", "month": "2", "year": "1990"},
    "in_country_since": {"day": "1", "month": "2", "year": "2026"},
    "irregular_entries": {},
    "job_offer": {"answer": "no"},
    "us_relative": {"answer": "no"},
}


def csrf(client: TestClient) -> str:
    if "corredor_csrf" not in client.cookies:
        client.get("/")
    token = client.cookies.get("corredor_csrf")
    assert token
    return token


def walk(client: TestClient, answers: dict[str, dict[str, str | list[str]]]) -> list[str]:
    """Start, answer every question asked (booleans not listed: no), return the facts asked."""
    token = csrf(client)
    response = client.post("/screener/start", data={"csrf_token": token})
    asked = []
    url = client.get("/screener/next").headers["location"]
    while url.startswith("/screener/q/"):
        fact = url.rsplit("/", 1)[1]
        asked.append(fact)
        data = {"csrf_token": token, **answers.get(fact, {"answer": "no"})}
        response = client.post(url, data=data)
        assert response.status_code == 303, (fact, response.text[:500])
        url = client.get("/screener/next").headers["location"]
    assert url == "/screener/check"
    return asked


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_first_question_is_the_first_missing_fact(client: TestClient) -> None:
    client.post("/screener/start", data={"csrf_token": csrf(client)})
    response = client.get("/screener/next")
    assert response.status_code == 303
    fact = response.headers["location"].rsplit("/", 1)[1]
    assert fact in FACTS
    page = client.get(f"/screener/q/{fact}?lang=es")
    assert "<h1" in page.text
    assert 'name="csrf_token"' in page.text


def test_a_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    csrf(client)
    response = client.post("/screener/q/nationality", data={"answer": "HT"})
    assert response.status_code == 403
    wrong = client.post("/screener/q/nationality", data={"answer": "HT", "csrf_token": "x"})
    assert wrong.status_code == 403
    assert ANSWERS_COOKIE not in client.cookies


def test_invalid_date_keeps_the_input_and_links_the_error(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/screener/q/birth_date?lang=en",
        data={"csrf_token": token, "day": "31", "month": "2", "year": "1990"},
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert '<a href="#day">Enter a real date, for example 27 3 2019</a>' in response.text
    assert 'id="day"' in response.text
    assert 'value="31"' in response.text
    assert 'value="1990"' in response.text
    assert "<title>Error: What is your date of birth?" in response.text


def test_errors_are_in_the_readers_language(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/screener/q/criminal_history?lang=ht", data={"csrf_token": token})
    assert response.status_code == 400
    assert '<a href="#answer">Chwazi wi oswa non</a>' in response.text
    assert "Èske yon tribinal te janm kondane ou pou yon krim?" in response.text


def test_household_rows_are_checked_one_by_one(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/screener/q/household?lang=en",
        data={"csrf_token": token, "relation-2": "child", "day-2": "1", "month-2": "1"},
    )
    assert response.status_code == 400
    assert '<a href="#day-2">Enter a date with a day, a month and a year</a>' in response.text
    assert '<option value="child" selected>' in response.text


def test_a_question_can_be_skipped(client: TestClient) -> None:
    token = csrf(client)
    client.post("/screener/start", data={"csrf_token": token})
    first = client.get("/screener/next").headers["location"]
    client.post(first, data={"csrf_token": token, "skip": "1"})
    assert client.get("/screener/next").headers["location"] != first
    check = client.get("/screener/check?lang=en")
    assert "Not answered" in check.text


def test_unknown_fact_is_not_found(client: TestClient) -> None:
    assert client.get("/screener/q/shoe_size").status_code == 404


def test_walk_to_the_corridor_in_haitian_creole(client: TestClient) -> None:
    asked = walk(client, CORRIDOR_FAMILY)
    assert len(asked) == len(set(asked)), "no question is asked twice"
    check = client.get("/screener/check?lang=ht")
    assert "Verifye repons ou yo" in check.text
    assert "Chanje" in check.text
    confirm = client.post("/screener/check", data={"csrf_token": csrf(client)})
    assert confirm.headers["location"] == "/screener/results"
    results = text(client.get("/screener/results").text)
    assert "Koridò Meksik–Etazini ansanm" in results
    assert "Ou ka kalifye" in results
    assert "Kondisyon an ranpli: Fanmi ou gen yon timoun ki poko gen 6 an" in results
    assert "Ale nan yon pwen INM ki deziyen sou fwontyè sid la" in results
    assert "1 mas 2026" in results  # Kreyòl dates from the project's own pattern, not CLDR


def test_results_say_when_a_later_phase_opens(client: TestClient) -> None:
    teenager = {
        **CORRIDOR_FAMILY,
        "household": {"relation-1": "child", "day-1": "3", "month-1": "5", "year-1": "2012"},
    }
    walk(client, teenager)
    results = text(client.get("/screener/results?lang=es").text)
    assert "Su grupo puede presentar su solicitud a partir del 1 de marzo de 2027" in results
    assert "Fase 2: familias que viajan con una persona menor de 18 años" in results


def test_a_tampered_answers_cookie_is_ignored(client: TestClient) -> None:
    walk(client, CORRIDOR_FAMILY)
    signed = client.cookies.get(ANSWERS_COOKIE)
    assert signed
    assert "Haïti" in client.get("/screener/check?lang=fr").text  # the signed answers are read
    client.cookies.clear()
    client.cookies.set(ANSWERS_COOKIE, signed[:-4] + "AAAA")
    check = client.get("/screener/check?lang=en")
    assert "You have not answered any question yet." in check.text


@pytest.mark.parametrize("path", ["/", "/screener/check", "/screener/results"])
def test_every_page_has_lang_and_the_language_selector(client: TestClient, path: str) -> None:
    html = client.get(f"{path}?lang=pt").text
    assert '<html lang="pt">' in html
    assert 'hreflang="ht"' in html
    assert "Kreyòl ayisyen" in html
