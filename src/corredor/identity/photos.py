"""The holders' photos inside the caller's unit of work: store one sealed under the person's
data key, read one back, and forget it when the person is erased. The use cases
(`identity.use_cases`) check who may; `identity.portraits` gives the documents package the
photos of the persons it issues cards to."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corredor.identity.domain.portrait import NormalisedPhoto
from corredor.identity.tables import PersonPhoto
from corredor.kernel.data_keys import data_keys
from corredor.kernel.errors import Conflict
from corredor.platform import Platform

PRINTED_COLUMN: Final = "person_photos.printed"
THUMBNAIL_COLUMN: Final = "person_photos.thumbnail"


@dataclass(frozen=True)
class Stored:
    printed: bytes
    thumbnail: bytes
    captured_at: datetime
    consent_text_version: str


def store(
    p: Platform,
    s: Session,
    person_id: str,
    photo: NormalisedPhoto,
    *,
    consent_by: str,
    consent_text_version: str,
    at: datetime,
) -> bool:
    """Keep the person's photo, sealed under their key; True when it replaced an earlier one."""
    keys = data_keys(s, p.cipher)

    def seal(value: bytes, column: str) -> str:
        return keys.seal([person_id], base64.b64encode(value).decode("ascii"), column)

    sealed = {
        "printed_enc": seal(photo.printed, PRINTED_COLUMN),
        "thumbnail_enc": seal(photo.thumbnail, THUMBNAIL_COLUMN),
        "consent_by": consent_by,
        "consent_at": at,
        "consent_text_version": consent_text_version,
        "captured_at": at,
    }
    row = s.get(PersonPhoto, person_id)
    replaced = row is not None
    if row is None:
        try:
            with s.begin_nested():  # two desks taking the first photo at once: one wins
                s.add(PersonPhoto(person_id=person_id, **sealed))
                s.flush()
        except IntegrityError:
            raise Conflict(
                "another photo of this person was kept a moment ago; look at it and take "
                "the photo again to replace it",
                state="photo_taken",
            ) from None
        return False
    for name, value in sealed.items():
        setattr(row, name, value)
    s.flush()
    return replaced


def _open(p: Platform, s: Session, row: PersonPhoto) -> Stored:
    keys = data_keys(s, p.cipher)
    return Stored(
        printed=base64.b64decode(keys.open(row.printed_enc, PRINTED_COLUMN)),
        thumbnail=base64.b64decode(keys.open(row.thumbnail_enc, THUMBNAIL_COLUMN)),
        captured_at=row.captured_at,
        consent_text_version=row.consent_text_version,
    )


def stored(p: Platform, s: Session, person_id: str) -> Stored | None:
    """The person's photo, opened; None when none was taken; `PersonErased` once erased."""
    row = s.get(PersonPhoto, person_id)
    return None if row is None else _open(p, s, row)


def taken(s: Session, person_ids: Iterable[str]) -> dict[str, datetime]:
    """When each of these persons' photo was taken (nothing is opened)."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = s.execute(
        select(PersonPhoto.person_id, PersonPhoto.captured_at).where(PersonPhoto.person_id.in_(ids))
    ).all()
    return {str(person_id): at for person_id, at in rows}


def rows_of(s: Session, person_ids: Iterable[str]) -> list[PersonPhoto]:
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return list(s.scalars(select(PersonPhoto).where(PersonPhoto.person_id.in_(ids))))


def opened(p: Platform, s: Session, row: PersonPhoto) -> Stored:
    return _open(p, s, row)


def forget(s: Session, person_id: str) -> None:
    """An erased person's photo goes with their key: the sealed copies could no longer be
    opened, and nothing of them is kept."""
    s.execute(delete(PersonPhoto).where(PersonPhoto.person_id == person_id))
