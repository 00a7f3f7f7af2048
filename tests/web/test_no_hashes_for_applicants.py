"""The security review's finding 9: applicants were shown raw 64-character hashes. An applicant
walks the corridor (a case with its TVRH, consent and a disclosure to CBP, then an appointment
asked for, drawn and the seed revealed) and opens every page that is theirs, in Spanish and
English: no page shows a 64-character hexadecimal string (a SHA-256, a seed, an audit entry's
hash). The public results page keeps the seed's fingerprint, labelled, for public checking."""

from __future__ import annotations

import re
from datetime import date

import pytest

from corredor.platform import Platform
from tests.web.appointment_kit import ask, household_values, open_window
from tests.web.test_pages import to_tvrh_with_consent

HEX_64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


def test_no_applicant_page_of_a_walked_journey_shows_a_hash(platform: Platform) -> None:
    case, _, marie = to_tvrh_with_consent(platform, ["name", "birth_date", "household", "tvrh"])
    window = open_window(platform, seats=[2])
    request_id = ask(marie, window, household_values(platform, marie))
    pages = [
        "/account",
        "/cases",
        f"/cases/{case}",
        f"/cases/{case}/access",
        f"/cases/{case}/consents",
        f"/cases/{case}/parole",
        "/documents",
        "/appointments",
        f"/appointments/{request_id}",
    ]
    seen = {page: marie.get(page, lang="es") for page in pages}  # before the draw
    run_id = window.run()
    window.reveal()
    for lang in ("es", "en"):
        seen |= {f"{page}?{lang}": marie.get(page, lang=lang) for page in pages}
    for page, answer in seen.items():
        assert answer.status_code == 200, (page, answer.status_code)
        found = HEX_64.findall(answer.text)
        assert found == [], (page, found)

    # the public results page may show the commitment: labelled for what it is
    public = marie.get(f"/allocation/results/{run_id}", lang="en").text
    assert "Fingerprint of the lottery seed, published before the window opened" in public
    assert HEX_64.search(public)
