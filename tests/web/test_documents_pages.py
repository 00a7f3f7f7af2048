"""The applicant's documents page over the real platform (SQLite and PostgreSQL): each document
in plain language with an inline SVG QR code that holds the service's signed token and verifies,
the card and JSON downloads, nobody else's documents, signed-out visitors sent to sign in, every
read in the audit log and on "who has seen your data", revoked and expired documents said so,
and the page in Haitian Creole and Spanish."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from corredor.app import create_app
from corredor.documents import issuance
from corredor.documents.credentials import render
from corredor.documents.tables import DocumentRow
from corredor.documents.use_cases import verify_presented
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Agency, Role
from corredor.kernel.tables import AuditEntry
from corredor.platform import Platform
from corredor.web.i18n import Formatter
from tests.platform.conftest import PASSWORD, Api
from tests.platform.journey import walk
from tests.web.signed_in import Visitor, csrf_of
from tests.web.test_pages import household_form, register, visitor

SVG = re.compile(r"<svg [^>]*>.*?</svg>", re.DOTALL)


@pytest.fixture
def platform(session_platform: Platform) -> Iterator[Platform]:
    session_platform.today = date.today
    yield session_platform
    session_platform.today = date.today


def issued(platform: Platform) -> tuple[str, Visitor, Visitor]:
    """INM registers a mother and her child for a new applicant and issues the TVRH, through the
    desk pages. Returns (case, applicant, INM officer)."""
    marie = visitor(platform, Role.APPLICANT, "marie")
    inm = visitor(platform, Role.INM_OFFICER)
    case = register(inm, household_form(applicant=marie.username))
    answer = inm.submit(f"/cases/{case}", f"/desk/cases/{case}/tvrh", {})
    assert answer.headers["location"].endswith("?done=tvrh")
    return case, marie, inm


def rows_of(platform: Platform, case: str) -> list[tuple[str, str, str, date]]:
    """(id, number, token, valid until) of each document on the case, as the service keeps it."""
    with platform.db.transaction() as s:
        rows = s.execute(
            select(DocumentRow).where(DocumentRow.case_id == case).order_by(DocumentRow.number)
        ).scalars()
        return [
            (row.id, row.number, issuance.credential_of(platform, row)[1], row.valid_until)
            for row in rows
        ]


def decoded(png: bytes) -> str:
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.format for code in codes] == [zxingcpp.BarcodeFormat.QRCode]
    return str(codes[0].text)


def reads_by(platform: Platform, user_id: str, case: str) -> list[AuditEntry]:
    with platform.db.transaction() as s:
        return list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.action == "platform:document:read",
                    AuditEntry.actor_id == user_id,
                    AuditEntry.case_id == case,
                )
            ).scalars()
        )


def times_read(access_page: str) -> int:
    found = re.search(r"Others read your personal data (\d+) times\.", access_page)
    assert found, "the access page says how often the data was read"
    return int(found.group(1))


def test_the_applicant_sees_each_document_with_a_qr_code_that_verifies(
    platform: Platform,
) -> None:
    case, marie, _ = issued(platform)
    held = rows_of(platform, case)
    assert len(held) == 2  # the mother's card and her child's

    page = marie.get("/documents", lang="en")
    assert page.status_code == 200
    assert "no-store" in page.headers["cache-control"]
    html = page.text
    assert '<a href="/documents" aria-current="page">Your documents</a>' in html  # the menu
    assert html.count('<h2 id="document-') == 2
    assert "Humanitarian visitor card (TVRH) – Marie-Claude Joseph</h2>" in html
    assert "Humanitarian visitor card (TVRH) – Wesley Joseph</h2>" in html
    assert "National Migration Institute of Mexico (INM)" in html
    assert "An airline, a port of entry or an employer scans the QR code" in html
    assert '<a href="/verify">Check a document</a>' in html
    fmt = Formatter("en")
    svgs = SVG.findall(html)
    assert len(svgs) == 2
    for (document_id, number, token, valid_until), svg in zip(held, svgs, strict=True):
        assert number in html
        assert f"It is valid until {fmt.date(valid_until)}." in html
        assert f'href="/documents/{document_id}/card.pdf"' in html
        assert f'href="/documents/{document_id}/document.json"' in html
        assert 'role="img"' in svg
        assert f'aria-label="QR code: Humanitarian visitor card (TVRH), number {number}"' in svg
        # the inline code is the very symbol of the service's token
        assert (
            svg.split("<path", 1)[1]
            == str(
                render.qr(token).svg_inline(
                    scale=4, border=4, omitsize=True, svgclass=None, lineclass=None, light="#fff"
                )
            ).split("<path", 1)[1]
        )
        assert token in html  # its text, for when the code cannot be scanned

        scanned = decoded(marie.get(f"/documents/{document_id}/qr.png").content)
        assert scanned == token
        verdict = verify_presented(platform, scanned)
        assert verdict.valid
        assert verdict.credential is not None
        assert verdict.credential.number == number


def test_the_card_downloads_are_a_pdf_a_png_and_the_json(platform: Platform) -> None:
    case, marie, _ = issued(platform)
    document_id, number, token, _ = rows_of(platform, case)[0]

    pdf = marie.get(f"/documents/{document_id}/card.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"] == f'attachment; filename="{number}.pdf"'
    assert "no-store" in pdf.headers["cache-control"]

    card = marie.get(f"/documents/{document_id}/card.png")
    assert card.headers["content-type"] == "image/png"
    assert decoded(card.content) == token  # the printed card's code scans too

    data = marie.get(f"/documents/{document_id}/document.json")
    assert data.headers["content-type"] == "application/json"
    body = json.loads(data.content)
    assert body["number"] == number
    assert body["credential"] == token
    assert body["holder"]["name"] in {"Marie-Claude Joseph", "Wesley Joseph"}


def test_nobody_else_sees_the_documents(platform: Platform) -> None:
    case, _, inm = issued(platform)
    document_id = rows_of(platform, case)[0][0]
    stranger = visitor(platform, Role.APPLICANT)
    page = stranger.get("/documents", lang="en")
    assert page.status_code == 200
    assert "You have no documents yet." in page.text
    assert "Marie-Claude Joseph" not in page.text
    for download in ("card.pdf", "card.png", "qr.png", "document.json"):
        answer = stranger.get(f"/documents/{document_id}/{download}", lang="fr")
        assert answer.status_code == 404, download
        assert "Page introuvable" in answer.text
    cbp = visitor(platform, Role.CBP_OFFICER)  # CBP reads documents only through a check
    assert cbp.get("/documents").status_code == 403
    assert cbp.get(f"/documents/{document_id}/card.pdf").status_code == 403
    # INM may read the case's documents (scope as the API's), but holds none of its own
    assert inm.get(f"/documents/{document_id}/card.pdf").status_code == 200
    assert "You have no documents yet." in inm.get("/documents", lang="en").text
    assert 'href="/documents"' not in inm.get("/account", lang="en").text  # not in its menu


def test_a_signed_out_visitor_is_sent_to_sign_in(platform: Platform) -> None:
    case, _, _ = issued(platform)
    document_id = rows_of(platform, case)[0][0]
    with TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    ) as client:
        page = client.get("/documents")
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=%2Fdocuments"
        card = client.get(f"/documents/{document_id}/card.pdf")
        assert card.status_code == 303
        assert card.headers["location"].startswith("/sign-in?next=")
        assert not card.content.startswith(b"%PDF")


def test_every_read_is_audited_and_shown_to_the_person(platform: Platform) -> None:
    case, marie, inm = issued(platform)
    document_id = rows_of(platform, case)[0][0]
    assert reads_by(platform, marie.user_id, case) == []
    before = times_read(marie.get(f"/cases/{case}/access", lang="en").text)

    marie.get("/documents")
    marie.get(f"/documents/{document_id}/card.pdf")
    inm.get(f"/documents/{document_id}/qr.png")
    mine = reads_by(platform, marie.user_id, case)
    assert len(mine) == 2
    assert sorted(len(entry.detail["documents"]) for entry in mine) == [1, 2]
    assert len(reads_by(platform, inm.user_id, case)) == 1

    seen = marie.get(f"/cases/{case}/access", lang="en").text
    assert times_read(seen) == before + 1  # INM's read; the person's own two are summed apart
    assert "You looked at your own case " in seen
    assert "<td>You</td>" not in seen  # no row per visit of the person's own


def test_revoked_and_expired_documents_say_so(platform: Platform) -> None:
    case, marie, inm = issued(platform)
    officer = Principal(inm.user_id, inm.username, Role.INM_OFFICER, Agency.INM)
    with platform.db.transaction() as s:
        issuance.revoke_case_documents(s, officer, case, "case withdrawn")
    page = marie.get("/documents", lang="es")
    assert page.text.count('<span class="tag tag--invalid">Revocado</span>') == 2
    assert "Motivo: el caso fue retirado" in page.text  # the workflow's reason, translated

    other, marie_two, _ = issued(platform)
    valid_until = rows_of(platform, other)[0][3]
    platform.today = lambda: valid_until + timedelta(days=1)
    page = marie_two.get("/documents", lang="en")
    assert page.text.count('<span class="tag tag--invalid">Expired</span>') == 2
    assert f"It expired on {Formatter('en').date(valid_until)}." in page.text
    with platform.db.transaction() as s:
        valid_from = s.execute(
            select(DocumentRow.valid_from).where(DocumentRow.case_id == other).limit(1)
        ).scalar_one()
    platform.today = lambda: valid_from - timedelta(days=1)
    page = marie_two.get("/documents", lang="en")
    assert page.text.count('<span class="tag tag--unknown">Not valid yet</span>') == 2
    assert f"It is valid from {Formatter('en').date(valid_from)}." in page.text


def test_the_page_speaks_haitian_creole_and_the_case_links_to_it(platform: Platform) -> None:
    case, marie, _ = issued(platform)
    page = marie.get("/documents", lang="ht")
    assert '<html lang="ht">' in page.text
    assert "<h1>Dokiman ou yo</h1>" in page.text
    assert "Pou kisa kòd QR a sèvi" in page.text
    assert "Kat pou enprime (PDF)" in page.text
    assert "Kat vizitè pou rezon imanitè (TVRH) – Marie-Claude Joseph</h2>" in page.text
    assert "Kòd QR: Kat vizitè pou rezon imanitè (TVRH), nimewo" in page.text
    timeline = marie.get(f"/cases/{case}", lang="ht")
    assert '<a href="/documents">Dokiman ou yo ak kòd QR yo, pou montre oswa enprime</a>' in (
        timeline.text
    )

    empty = visitor(platform, Role.APPLICANT).get("/documents", lang="ht")
    assert "Ou poko gen dokiman." in empty.text
    assert "Lè INM ba ou kat vizitè pou rezon imanitè ou (TVRH)" in empty.text


def test_travel_and_work_authorizations_say_how_where_and_which_category(
    platform: Platform,
) -> None:
    with TestClient(create_app(platform=platform)) as client:
        api = Api(client=client, platform=platform)
        walk(api, "work_authorized", applicant="admitted")
        username = api.user("admitted", Role.APPLICANT)["username"]
    person = Visitor(
        TestClient(
            create_app(platform=platform), base_url="https://testserver", follow_redirects=False
        )
    )
    form = person.get("/sign-in")
    signed = person.client.post(
        "/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": PASSWORD},
    )
    assert signed.status_code == 303
    html = person.get("/documents", lang="en").text
    assert html.count("Advance parole travel authorization – ") == 3  # one per person
    assert html.count("US work authorization – ") == 1  # the children (4, 9) are too young
    assert "By air, to a US airport" in html
    assert "Miami International Airport (MIA)" in html
    assert "(c)(11)" in html
    assert "US Customs and Border Protection (CBP)" in html
    # the travel authorizations were used at admission; the work authorizations stay valid
    assert html.count("it was used when its holder was admitted to the United States") == 3
    # the valid work authorization offers an employer's code (the name only); the used travel
    # authorizations offer no airline's code
    assert html.count('data-audience="employer"') == 1
    assert "A code for an employer" in html and 'data-audience="airline"' not in html
    assert "not your photo or date of birth" in html
    spanish = person.get("/documents", lang="es").text
    assert spanish.count("se usó cuando su titular fue admitido en los Estados Unidos") == 3
    assert "Un código para un empleador" in spanish
