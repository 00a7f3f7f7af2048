"""The screener's pages tell the truth: bad input refused, proposals labelled, what exists instead.

Sources: ISO 3166-1 (assigned codes only); seeds 000 and 002 (the corridor and the returned-stay
documentation are proposals); INA 208(a)(1) (no US asylum from abroad).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.test_screener import CORRIDOR_FAMILY, csrf, text, walk


@pytest.mark.parametrize("code", ["XX", "XK", "EA"])
def test_a_country_iso_does_not_assign_is_refused_naming_the_field(
    client: TestClient, code: str
) -> None:
    response = client.post(
        "/screener/q/nationality?lang=en", data={"csrf_token": csrf(client), "answer": code}
    )
    assert response.status_code == 400
    assert '<a href="#answer">Select a country</a>' in response.text
    assert f'<option value="{code}"' not in response.text  # the page does not offer it


def section(html: str, pathway: str) -> str:
    match = re.search(rf'aria-labelledby="pathway-{re.escape(pathway)}"', html)
    assert match, pathway
    return text(html[match.start() : html.index("</section>", match.start())])


def test_proposals_are_labelled_on_the_results_page(client: TestClient) -> None:
    walk(client, CORRIDOR_FAMILY)
    html = client.get("/screener/results?lang=en").text
    label = "Proposed pilot — not (yet) a government program"
    assert label in section(html, "mx-us-joint-corridor")
    assert label in section(html, "mx-returned-stay")
    assert label not in section(html, "mx-tvrh")
    spanish = client.get("/screener/results?lang=es").text
    assert "Piloto propuesto: no es (todavía) un programa del gobierno" in section(
        spanish, "mx-us-joint-corridor"
    )


def test_a_person_abroad_is_told_us_asylum_is_not_asked_from_there(client: TestClient) -> None:
    guatemalan = {
        "nationality": {"answer": "GT"},
        "current_country": {"answer": "GT"},
        "fear_of_persecution": {"answer": "yes"},
        "birth_date": {"day": "2", "month": "2", "year": "1990"},
        "in_country_since": {"day": "2", "month": "2", "year": "1990"},
        "household": {},
        "documents": {"answer": ["national_id"]},
        "irregular_entries": {},
        "job_offer": {"answer": "no"},
        "us_relative": {"answer": "no"},
    }
    walk(client, guatemalan)
    asylum = section(client.get("/screener/results?lang=en").text, "us-asylum")
    assert "Not open to you now" in asylum
    assert "asylum in the US cannot be asked for from another country" in asylum
    assert "What exists instead" in asylum
    assert "Do not pay anyone to take you to the border" in asylum


def test_open_pathways_come_first_and_closed_ones_fold_to_one_line(client: TestClient) -> None:
    """CHNV (closed 2025-01-20, 90 FR 13611), FRP (2025-12-15), SMO and CAM (EO 14163)."""
    walk(client, CORRIDOR_FAMILY)
    html = client.get("/screener/results?lang=en").text
    corridor = html.index('aria-labelledby="pathway-mx-us-joint-corridor"')
    refused = html.index("<h2>Not open to you now</h2>")
    closed = html.index("<h2>Closed programs</h2>")
    assert corridor < refused < closed
    assert "<details" not in html[:refused]  # what may be open is shown in full
    folded = html[closed:]
    for pathway in (
        "us-chnv-parole",
        "us-family-reunification-parole",
        "us-smo-colombia",
        "us-smo-costa-rica",
        "us-smo-ecuador",
        "us-smo-guatemala",
        "us-cam",
    ):
        start = folded.index(f'aria-labelledby="pathway-{pathway}"')
        summary = folded[folded.index("<summary>", start) : folded.index("</summary>", start)]
        assert "closed to new applications since" in text(summary), pathway
    chnv = section(html, "us-chnv-parole")
    assert "20 January 2025" in chnv  # what exists instead, once closed


def test_a_refused_pathway_says_what_would_change_it(client: TestClient) -> None:
    walk(client, CORRIDOR_FAMILY)
    comar = section(client.get("/screener/results?lang=en").text, "mx-comar-asylum")
    assert "Not met" in comar
    assert "what would change this result" in comar
    assert "free legal aid service" in comar
