"""Holder photos taken at the INM desk: kept only with consent, sealed under the person's key,
replaced when taken again, every capture and read audited; read back by staff who may read the
case and by the applicant whose case it is; gone with the person's erasure."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.orm import Session

from corredor.identity.domain.portrait import THUMBNAIL_BUDGET, normalise
from corredor.identity.portraits import Portrait, portraits_of
from corredor.identity.tables import PersonPhoto
from corredor.kernel.data_keys import data_keys
from corredor.kernel.domain.permissions import Role
from corredor.kernel.unit_of_work import unit_of_work
from tests.case_kit import assign, household_case
from tests.platform.conftest import Api

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "portrait.jpg"
INM = ("inm", Role.INM_OFFICER)
REASON = {"reason": "ARCO cancellation request INM-2026-0077"}


def photo_path(case_id: str, position: int = 0) -> str:
    return f"/api/v1/cases/{case_id}/persons/{position}/photo"


def put_photo(
    api: Api,
    case_id: str,
    who: tuple[str, Role] = INM,
    *,
    data: bytes | None = None,
    consent: str | None = "true",
    position: int = 0,
    content_type: str = "image/jpeg",
) -> Any:
    files = {"photo": ("photo.jpg", data, content_type)} if data is not None else None
    form = {"consent": consent} if consent is not None else {}
    return api.client.put(
        photo_path(case_id, position), headers=api.headers(*who), files=files, data=form
    )


def get_photo(api: Api, case_id: str, who: tuple[str, Role] = INM, position: int = 0) -> Any:
    return api.client.get(photo_path(case_id, position), headers=api.headers(*who))


def audited(api: Api, case_id: str, action: str) -> list[dict[str, Any]]:
    with api.platform.db.transaction() as s:
        rows = s.execute(
            sa.text("SELECT detail FROM audit_entries WHERE case_id = :c AND action = :a"),
            {"c": case_id, "a": action},
        ).all()
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def stored_row(api: Api, person_id: str) -> dict[str, Any] | None:
    with api.platform.db.transaction() as s:
        row = (
            s.execute(sa.text("SELECT * FROM person_photos WHERE person_id = :p"), {"p": person_id})
            .mappings()
            .first()
        )
    return dict(row) if row else None


def test_an_officer_keeps_a_photo_with_consent_replaces_it_and_each_step_is_audited(
    api: Api,
) -> None:
    house = household_case(api.platform, size=2)
    data = PORTRAIT.read_bytes()
    answer = put_photo(api, house.case_id, data=data)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = normalise(data)
    assert body["person_position"] == 0
    assert body["printed_bytes"] == len(expected.printed)
    assert body["thumbnail_bytes"] == len(expected.thumbnail) <= THUMBNAIL_BUDGET
    assert body["replaced"] is False
    read = get_photo(api, house.case_id)
    assert read.status_code == 200
    assert read.headers["content-type"] == "image/jpeg"
    assert read.headers["cache-control"] == "no-store"
    assert read.content == expected.printed

    # what is stored is sealed: neither the JPEG nor its base64 is in the row
    row = stored_row(api, house.people[0])
    assert row is not None
    raw = str(row["printed_enc"]) + str(row["thumbnail_enc"])
    assert base64.b64encode(expected.printed[:30]).decode()[:20] not in raw
    assert "/9j/" not in raw and "UklGR" not in raw  # base64 of a JPEG's and a WebP's start
    assert row["consent_text_version"] == "photo-consent-1"
    assert row["consent_by"] == api.user(*INM)["id"]

    # taken again (a PNG this time): replaced, and audited as a replacement
    png = io.BytesIO()
    Image.open(PORTRAIT).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(png, format="PNG")
    again = put_photo(api, house.case_id, data=png.getvalue(), content_type="image/png")
    assert again.status_code == 200, again.text
    assert again.json()["replaced"] is True
    assert get_photo(api, house.case_id).content == normalise(png.getvalue()).printed
    [captured] = audited(api, house.case_id, "platform:person:photo_capture")
    [replaced] = audited(api, house.case_id, "platform:person:photo_replace")
    assert captured["person_id"] == replaced["person_id"] == house.people[0]
    assert captured["consent_text_version"] == "photo-consent-1"
    assert len(audited(api, house.case_id, "platform:person:photo_read")) == 2

    # the second person has none yet
    assert get_photo(api, house.case_id, position=1).status_code == 404

    # what the documents package reads when it issues a card
    with unit_of_work(api.platform) as s:
        found = portraits_of(api.platform, s, house.people)
    assert set(found) == {house.people[0]}
    portrait = found[house.people[0]]
    assert isinstance(portrait, Portrait)
    assert portrait.printed == normalise(png.getvalue()).printed
    assert len(portrait.thumbnail) <= THUMBNAIL_BUDGET
    assert Image.open(io.BytesIO(portrait.thumbnail)).size == (48, 60)


def test_consent_and_a_usable_photo_are_required_and_each_refusal_names_its_field(
    api: Api,
) -> None:
    house = household_case(api.platform)
    data = PORTRAIT.read_bytes()

    def field_of(answer: Any) -> tuple[list[str], str]:
        assert answer.status_code == 422, answer.text
        [problem] = answer.json()["detail"]
        return problem["loc"], problem["msg"]

    loc, message = field_of(put_photo(api, house.case_id, data=data, consent="false"))
    assert loc == ["body", "consent"] and "consent" in message
    loc, _ = field_of(put_photo(api, house.case_id, data=data, consent=None))
    assert loc == ["body", "consent"]
    loc, _ = field_of(put_photo(api, house.case_id, data=None))
    assert loc == ["body", "photo"]
    loc, message = field_of(put_photo(api, house.case_id, data=b"not a photo at all"))
    assert loc == ["body", "photo"] and "not an image" in message
    small = io.BytesIO()
    Image.open(PORTRAIT).resize((200, 250)).save(small, format="JPEG")
    loc, message = field_of(put_photo(api, house.case_id, data=small.getvalue()))
    assert loc == ["body", "photo"] and "too small" in message
    gif = io.BytesIO()
    Image.open(PORTRAIT).save(gif, format="GIF")
    loc, message = field_of(put_photo(api, house.case_id, data=gif.getvalue()))
    assert loc == ["body", "photo"] and "unsupported type" in message
    assert put_photo(api, house.case_id, data=data, position=7).status_code == 404
    assert put_photo(api, "no-such-case", data=data).status_code == 404
    answer = api.client.put(
        f"/api/v1/cases/{house.case_id}/persons/first/photo",
        headers=api.headers(*INM),
        files={"photo": ("p.jpg", data, "image/jpeg")},
        data={"consent": "true"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["path", "position"]
    # nothing was kept, and nothing was audited as a capture
    assert stored_row(api, house.people[0]) is None
    assert audited(api, house.case_id, "platform:person:photo_capture") == []


def test_only_inm_officers_take_photos_and_only_those_who_may_read_the_case_see_them(
    api: Api,
) -> None:
    applicant = api.user("photo-owner", Role.APPLICANT)
    mine = household_case(api.platform, applicant_user_id=applicant["id"])
    other = household_case(api.platform)
    data = PORTRAIT.read_bytes()
    for case in (mine, other):
        assert put_photo(api, case.case_id, data=data).status_code == 200

    # taking a photo: INM officers only (an assigned caseworker neither)
    worker = api.user("photo-caseworker", Role.CASEWORKER)
    assign(api.platform, mine.case_id, caseworker_id=worker["id"])
    for role in (Role.CASEWORKER, Role.APPLICANT, Role.CBP_OFFICER, Role.ADMIN, Role.AUDITOR):
        name = "photo-caseworker" if role is Role.CASEWORKER else f"photo-{role}"
        if role is Role.APPLICANT:
            name = "photo-owner"
        answer = put_photo(api, mine.case_id, (name, role), data=data)
        assert answer.status_code == 403, (role, answer.text)

    # reading it: the applicant their own only; a caseworker the cases given to them only
    owner = ("photo-owner", Role.APPLICANT)
    assert get_photo(api, mine.case_id, owner).content == normalise(data).printed
    assert get_photo(api, other.case_id, owner).status_code == 404
    helper = ("photo-caseworker", Role.CASEWORKER)
    assert get_photo(api, mine.case_id, helper).status_code == 200
    assert get_photo(api, other.case_id, helper).status_code == 404
    for role in (Role.CBP_OFFICER, Role.AUDITOR, Role.ADMIN, Role.SHELTER_STAFF):
        assert get_photo(api, mine.case_id, (f"photo-{role}", role)).status_code == 403, role
    reads = audited(api, mine.case_id, "platform:person:photo_read")
    assert len(reads) == 2  # the applicant's and the caseworker's, each audited


def test_an_erased_persons_photo_is_gone_and_cannot_be_taken_again(api: Api) -> None:
    house = household_case(api.platform, size=2)
    data = PORTRAIT.read_bytes()
    for position in (0, 1):
        assert put_photo(api, house.case_id, data=data, position=position).status_code == 200
    principal = house.people[0]
    erased = api.post(f"/admin/persons/{principal}/erasure", "admin", Role.ADMIN, REASON)
    assert erased.status_code in (200, 201), erased.text
    assert stored_row(api, principal) is None  # the erasure deleted the row
    assert get_photo(api, house.case_id).status_code == 404
    assert put_photo(api, house.case_id, data=data).status_code == 409
    assert get_photo(api, house.case_id, position=1).status_code == 200  # the child's stays
    with unit_of_work(api.platform) as s:
        assert set(portraits_of(api.platform, s, house.people)) == {house.people[1]}


def test_a_photo_sealed_under_a_destroyed_key_cannot_be_read(api: Api) -> None:
    """Even a row left behind (a backup restored, then the ledger re-applied) stays unreadable:
    it was sealed under the person's key."""
    house = household_case(api.platform)
    assert put_photo(api, house.case_id, data=PORTRAIT.read_bytes()).status_code == 200
    with unit_of_work(api.platform) as s:
        data_keys(s, api.platform.cipher).destroy(house.people[0], datetime.now(UTC))
    assert stored_row(api, house.people[0]) is not None
    with unit_of_work(api.platform) as s:
        assert portraits_of(api.platform, s, house.people) == {}
    assert get_photo(api, house.case_id).status_code == 409


def test_two_desks_keeping_a_first_photo_at_once_one_wins_the_other_is_told(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    house = household_case(api.platform)
    assert put_photo(api, house.case_id, data=PORTRAIT.read_bytes()).status_code == 200
    # the second desk looked for a photo before the first was kept, and saw none
    looked = Session.get

    def before_the_first(self: Session, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return None if entity is PersonPhoto else looked(self, entity, ident, **kwargs)

    monkeypatch.setattr(Session, "get", before_the_first)
    answer = put_photo(api, house.case_id, data=PORTRAIT.read_bytes())
    assert answer.status_code == 409, answer.text
    assert "take the photo again to replace it" in answer.text
    monkeypatch.undo()
    assert put_photo(api, house.case_id, data=PORTRAIT.read_bytes()).json()["replaced"] is True
