"""A card binds its holder: a genuine code pasted onto a card printed with another person's name
and photo still reads "valid", but the checker's screen shows the name and the face the issuer
photographed, so a checker who compares them with the person in front of them catches the swap.

Both families are photographed at the INM desk and given their TVRH through the real use cases;
the forger then prints family B's name and photo around family A's code (the card renderer does
what any printer would), and the checker photographs the forged card and checks it on /verify.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageOps

from corredor.app import create_app
from corredor.documents import issuance
from corredor.documents.credentials import render
from corredor.documents.domain.vc import picture_bytes
from corredor.documents.tables import DocumentRow
from corredor.identity.portraits import portraits_of
from corredor.identity.use_cases import capture_photo
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform
from tests.web.public_kit import officer, tvrh_issued
from tests.web.test_public_pages import check

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
SHOWN_PHOTO = re.compile(r'<img class="holder__photo" src="data:image/webp;base64,([^"]+)"')


@pytest.fixture
def platform(session_platform: Platform) -> Platform:
    session_platform.today = date.today
    return session_platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(
        create_app(platform=platform), base_url="https://testserver", follow_redirects=False
    ) as client:
        yield client


def another_face() -> bytes:
    """A second person's photo: the fixture mirrored and darkened (another face to the eye)."""
    image = ImageOps.mirror(Image.open(PORTRAIT).convert("RGB")).point(lambda v: v * 6 // 10)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def shown_photo(html: str) -> bytes:
    found = SHOWN_PHOTO.search(html)
    assert found is not None, "no photo on the checker's screen"
    return base64.b64decode(found.group(1))


def first_card(platform: Platform, case_id: str) -> tuple[str, DocumentRow, bytes, bytes]:
    """(code, document row, printed photo, thumbnail) of the case's first person."""
    with unit_of_work(platform) as s:
        row = (
            s.query(DocumentRow)
            .filter(DocumentRow.case_id == case_id, DocumentRow.number.endswith("-1"))
            .one()
        )
        token = issuance.credential_of(platform, row)[1]
        portrait = portraits_of(platform, s, [row.person_id])[row.person_id]
        s.expunge(row)
    return token, row, portrait.printed, portrait.thumbnail


def test_a_genuine_code_on_another_persons_card_shows_the_real_holder(
    client: TestClient, platform: Platform
) -> None:
    inm = officer(platform)
    case_a = tvrh_issued(platform, inm, parent="Jean Baptiste", photo=PORTRAIT.read_bytes())
    case_b = tvrh_issued(platform, inm, parent="Pierre Louis", photo=another_face())
    token_a, _, _, thumbnail_a = first_card(platform, case_a)
    token_b, row_b, printed_b, thumbnail_b = first_card(platform, case_b)
    assert thumbnail_a != thumbnail_b
    with unit_of_work(platform) as s:
        credential_b = issuance.credential_of(platform, s.merge(row_b))[0]
    # The forger prints B's name and photo on the front and A's genuine code on the back.
    forged = render.card_png(credential_b, token_a, printed_b)

    status, html = check(client, image=forged)

    assert status == 200
    assert "Valid" in html  # the code itself is genuine: only the comparison catches the swap
    assert "Compare this with the person in front of you" in html
    assert "Jean Baptiste" in html and "Pierre Louis" not in html
    shown = shown_photo(html)
    assert shown == thumbnail_a  # the face INM photographed with A's card...
    assert shown != thumbnail_b  # ...not the face of the person holding the forged card
    assert "a code can be copied onto another card" in html

    # B's own card, checked the same way, shows B: the comparison passes for the real holder.
    status, html = check(client, image=render.card_png(credential_b, token_b, printed_b))
    assert "Pierre Louis" in html
    assert shown_photo(html) == thumbnail_b


def test_the_card_prints_only_the_photo_its_code_carries(platform: Platform) -> None:
    inm = officer(platform)
    case_id = tvrh_issued(platform, inm, photo=PORTRAIT.read_bytes())
    _, row, printed, thumbnail = first_card(platform, case_id)
    with unit_of_work(platform) as s:
        credential = issuance.credential_of(platform, s.merge(row))[0]
        assert issuance.printed_photo(platform, s, s.merge(row), credential) == printed
    assert credential.holder_picture is not None
    assert picture_bytes(credential.holder_picture) == thumbnail
    # A new photo after the card was signed: the card prints none rather than a face its code
    # does not carry (the next document will carry the new one).
    capture_photo(platform, inm, case_id, 0, data=another_face(), consent=True)
    with unit_of_work(platform) as s:
        assert issuance.printed_photo(platform, s, s.merge(row), credential) is None


def test_a_person_photographed_gets_a_code_with_the_photo_and_one_without_gets_none(
    client: TestClient, platform: Platform
) -> None:
    inm = officer(platform)
    case_id = tvrh_issued(platform, inm)  # no photo taken
    with unit_of_work(platform) as s:
        row = s.query(DocumentRow).filter(DocumentRow.case_id == case_id).first()
        assert row is not None
        credential, token = issuance.credential_of(platform, row)
    assert credential.holder_picture is None
    status, html = check(client, token)
    assert status == 200 and "Valid" in html
    assert "This code shows no photo." in html
    assert "Ask for an identity document with a photo" in html
