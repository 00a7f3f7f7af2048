"""The public document verifier and the published allocation results, over the real platform
(SQLite and PostgreSQL): genuine, tampered, garbage and revoked documents, a QR photo, CSRF,
rate limiting; a real run's counts, its seed and commitment, numbers per locale."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from corredor.allocation.domain.lottery import commitment, seed_from_hex
from corredor.allocation.pages.results import results_view
from corredor.allocation.schemas import RunResultsOut, TierCountOut
from corredor.allocation.use_cases import runs
from corredor.app import create_app
from corredor.documents import issuance
from corredor.documents.credentials.render import qr_png
from corredor.documents.domain.credentials import Rejection
from corredor.documents.verify_pages import REASONS
from corredor.kernel.ratelimit import TokenBucketLimiter
from corredor.platform import Platform
from corredor.web.page import Page, WebSettings
from tests.web.public_kit import (
    allocation_run_made,
    issued_tvrh_card,
    officer,
    tampered,
)
from tests.web.signed_in import csrf_of, error_links

_window_offsets = itertools.count(400, 3)  # days ahead no other window at the site uses (< 1000)


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    # https: the cookies are Secure, and a client sends them only over https
    with TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    ) as client:
        yield client


def check(
    client: TestClient,
    code: str = "",
    lang: str = "en",
    image: bytes | None = None,
) -> tuple[int, str]:
    form = client.get("/verify", params={"lang": lang})
    files = {"image": ("qr.png", image, "image/png")} if image is not None else None
    answer = client.post(
        "/verify", data={"csrf_token": csrf_of(form.text), "code": code}, files=files
    )
    return answer.status_code, answer.text


def test_the_verifier_page_is_public_with_a_csrf_protected_form(client: TestClient) -> None:
    page = client.get("/verify?lang=fr")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Vérifier un document" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    refused = client.post("/verify", data={"code": "eyJ"})
    assert refused.status_code == 403


def test_a_genuine_document_is_valid_with_its_dates_and_what_its_code_shows_of_the_holder(
    client: TestClient, platform: Platform
) -> None:
    _, token = issued_tvrh_card(platform)
    status, html = check(client, token)
    assert status == 200
    assert "Valid" in html and "Not valid" not in html
    assert "Humanitarian visitor card (TVRH)" in html
    assert "National Migration Institute of Mexico (INM)" in html
    today = date.today()
    assert f"{today:%B} {today.day}, {today.year}" in html  # valid from today, per locale
    # the name and birth year the code discloses, to compare with the person; never the day
    assert "Compare this with the person in front of you" in html
    assert "Jean Baptiste" in html and "1988" in html
    assert "May 4" not in html and "1988-05-04" not in html


def test_a_tampered_document_is_not_valid_and_says_why_in_the_readers_language(
    client: TestClient, platform: Platform
) -> None:
    _, token = issued_tvrh_card(platform)
    status, html = check(client, tampered(token), lang="es")
    assert status == 200
    assert "No válido" in html
    assert "El documento fue modificado o falsificado" in html
    assert "2099" not in html  # a forger's dates are never shown as the document's


def test_garbage_is_not_a_document_and_a_cut_code_is_missing_a_part(
    client: TestClient, platform: Platform
) -> None:
    status, html = check(client, "hello, is this my visa?")
    assert status == 200
    assert "This is not a Corredor document" in html
    _, token = issued_tvrh_card(platform)
    _, html = check(client, token[: len(token) - 30], lang="ht")
    assert "Yon pati nan kòd la manke" in html


def test_nothing_sent_or_both_or_an_unreadable_photo_name_the_field(client: TestClient) -> None:
    status, html = check(client, "")
    assert status == 400
    assert error_links(html) == ["code"]
    assert "Paste the text of the QR code" in html

    status, html = check(client, "eyJ", image=b"\x89PNG not really")
    assert status == 400
    assert error_links(html) == ["code"]
    assert "not both" in html
    assert ">eyJ</textarea>" in html  # what was typed is kept

    status, html = check(client, image=b"GIF89a garbage")
    assert status == 400
    assert error_links(html) == ["image"]
    assert "choose a PNG or JPEG image" in html


def test_a_photo_of_the_qr_code_is_decoded_and_checked(
    client: TestClient, platform: Platform
) -> None:
    _, token = issued_tvrh_card(platform)
    status, html = check(client, image=qr_png(token), lang="pt")
    assert status == 200
    assert "Válido" in html and "Não válido" not in html
    status, html = check(client, image=qr_png("not a document at all"), lang="pt")
    assert "Isto não é um documento do Corredor" in html


def test_a_revoked_document_is_refused_from_the_current_status_list(
    client: TestClient, platform: Platform
) -> None:
    case_id, token = issued_tvrh_card(platform)
    with platform.db.transaction() as s:
        revoked = issuance.revoke_case_documents(s, officer(platform), case_id, "withdrawn")
    assert revoked
    _, html = check(client, token)
    assert "The agency that issued this document has cancelled it." in html


def test_checks_are_rate_limited_per_address(client: TestClient) -> None:
    client.app.state.verification_limiter = TokenBucketLimiter(capacity=1, rate=0.5)  # type: ignore[attr-defined]
    first, _ = check(client, "eyJ")
    form = client.get("/verify?lang=en")
    second = client.post("/verify", data={"csrf_token": csrf_of(form.text), "code": "eyJ"})
    assert first == 200
    assert second.status_code == 429
    assert second.headers["retry-after"] == "2"
    assert "Too many checks from your connection. Wait 2 seconds" in second.text


def test_every_rejection_has_a_plain_language_reason() -> None:
    assert set(REASONS) == set(Rejection)
    assert len(set(REASONS.values())) == len(Rejection)


def test_the_results_pages_show_a_real_run_made_through_the_service(
    client: TestClient, platform: Platform
) -> None:
    run_id = allocation_run_made(platform, next(_window_offsets))
    published = runs.results(platform, run_id)
    (counts,) = [c for c in published.counts if c.tier == "urgent"]
    assert counts.requests == 1

    listing = client.get("/allocation/results?lang=en")
    assert listing.status_code == 200
    assert f'href="/allocation/results/{run_id}"' in listing.text
    assert "El Ceibo" in listing.text

    page = client.get(f"/allocation/results/{run_id}?lang=en")
    assert page.status_code == 200
    html = page.text
    assert f"{published.assigned_requests} requests were given a place" in html
    assert "Urgent medical or protection need" in html
    row = html.split("Urgent medical or protection need</th>")[1].split("</tr>")[0]
    expected = [
        counts.requests,
        counts.people,
        counts.assigned_requests,
        counts.assigned_people,
        counts.waitlisted_requests,
    ]
    assert row == "".join(f"<td>{value}</td>" for value in expected)
    assert published.seed is not None
    assert published.seed_commitment in html
    assert published.seed in html
    assert commitment(seed_from_hex(published.seed)) == published.seed_commitment
    assert f"corredor allocate --verify {run_id}" in html

    haitian = client.get(f"/allocation/results/{run_id}?lang=ht")
    assert '<html lang="ht">' in haitian.text
    assert "Bezwen medikal oswa pwoteksyon ki ijan" in haitian.text


def test_an_unknown_run_is_the_404_page(client: TestClient) -> None:
    missing = client.get("/allocation/results/no-such-run?lang=fr")
    assert missing.status_code == 404
    assert '<html lang="fr">' in missing.text
    assert client.get("/allocation/results/" + "x" * 80).status_code == 404


def page_in(lang: str) -> Page:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    return Page(Request(scope | {"query_string": f"lang={lang}".encode()}), WebSettings("s"))


def test_numbers_on_the_results_page_follow_the_locale() -> None:
    results = RunResultsOut(
        run_id="r",
        window_id="w",
        run_date=date(2026, 3, 1),
        rule={"version": "corredor-allocation/1"},
        policy=None,
        cohorts_open=None,
        seed_commitment="0" * 64,
        seed=None,
        requests_sha256="1" * 64,
        results_sha256="2" * 64,
        assigned_requests=30000,
        counts=[
            TierCountOut(
                site_id="mx-cmx-assisted-site",
                tier="standard",
                requests=1234567,
                people=2000000,
                assigned_requests=30000,
                assigned_people=52000,
                waitlisted_requests=1204567,
            )
        ],
        set_aside={"not_open": 4321},
        now={},
    )
    views = {
        lang: results_view(page_in(lang), results, {"mx-cmx-assisted-site": "CDMX"})
        for lang in ("en", "es", "pt")
    }
    assert views["en"]["sites"][0][1][0]["requests"] == "1,234,567"
    assert views["es"]["sites"][0][1][0]["requests"] == "1.234.567"
    assert views["pt"]["sites"][0][1][0]["requests"] == "1.234.567"
    assert views["en"]["set_aside"] == [("Their group is not open yet", "4,321")]
    assert views["en"]["date"] == "March 1, 2026"
