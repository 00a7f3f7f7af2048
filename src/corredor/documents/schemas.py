"""What the document endpoints take and answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from corredor.documents.domain.credentials import CheckReason


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentOut(BaseModel):
    """A document as its holder (or the holder's caseworker or INM) sees it."""

    id: str
    case_id: str
    type: str
    title: str
    number: str
    issuer: str
    holder_name: str
    holder_birth_date: date
    valid_from: date
    valid_until: date
    travel_mode: str | None
    port: str | None
    category: str | None
    key_id: str
    revoked: bool
    issued_at: datetime
    credential: str = Field(description="The signed token: the QR code's content")


class RevocationIn(_In):
    reason: str = Field(min_length=1, max_length=500)


class CheckIn(_In):
    """Either the scanned QR content, or the document number with the holder's birth date."""

    credential: str | None = Field(default=None, min_length=1, max_length=4000)
    number: str | None = Field(default=None, min_length=1, max_length=48)
    birth_date: date | None = None
    on: date | None = Field(
        default=None, description="the day of travel or of work (default: today)"
    )
    port: str | None = Field(
        default=None,
        min_length=2,
        max_length=80,
        description="travel check: the port of entry or destination airport of this journey",
    )


class CheckOut(BaseModel):
    """Yes or no, and the validity dates: nothing about the person."""

    valid: bool
    reason: CheckReason | None = None  # why not, when `valid` is false
    document_type: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class CounterAnswer(BaseModel):
    """A check at a counter (a boarding gate, a hiring desk): the yes/no of the API's check and,
    when the answer is yes, the name on the document, to compare with the person there."""

    answer: CheckOut
    holder_name: str | None = None
    # the holder's photo (a data: URL) where the counter's verifier may see it: an airline's
    holder_picture: str | None = None


class Standing(StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class HeldDocument:
    document: DocumentOut
    standing: Standing
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
