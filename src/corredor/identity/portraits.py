"""The holders' photos for the cards, inside the caller's unit of work.

Published for the documents package: it calls `portraits_of` inside its own audited use case
when it issues a card (the printed photo on the card, the thumbnail signed inside its code).
No permission is checked here; the caller's use case has checked it. Persons with no photo,
erased persons and rows that cannot be opened are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from corredor.identity import photos
from corredor.kernel.crypto import DecryptionError
from corredor.kernel.data_keys import PersonErased
from corredor.platform import Platform

__all__ = ["Portrait", "portraits_of"]


@dataclass(frozen=True)
class Portrait:
    printed: bytes  # JPEG, 300x375 px, RGB: for the printed card
    thumbnail: bytes  # WebP, 48x60 px, greyscale, at most 400 bytes: for the card's code


def portraits_of(p: Platform, s: Session, person_ids: Iterable[str]) -> dict[str, Portrait]:
    """Each person's portrait, by person id, for those who have a readable one."""
    found: dict[str, Portrait] = {}
    for row in photos.rows_of(s, person_ids):
        try:
            opened = photos.opened(p, s, row)
        except (PersonErased, DecryptionError, ValueError):
            continue  # erased, or sealed under a key this platform no longer holds
        found[row.person_id] = Portrait(printed=opened.printed, thumbnail=opened.thumbnail)
    return found
