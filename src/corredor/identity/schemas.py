"""What goes in and out of the person matching's use cases (the API's contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from corredor.cases.schemas import PossibleDuplicateOut

__all__ = [
    "DECISIONS",
    "Decision",
    "DuplicateDecisionIn",
    "DuplicateDecisionOut",
    "PhotoOut",
    "PossibleDuplicateOut",
    "ReviewRow",
]

# same: one person (no second TVRH while the first is valid); different: two people (the pair is
# not proposed again); review: refer to a supervisor (no TVRH for the household until decided)
Decision = Literal["same", "different", "review"]
DECISIONS: Final[tuple[str, ...]] = get_args(Decision)


class DuplicateDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other_person_id: str = Field(min_length=1, max_length=36)
    decision: Decision
    note: str | None = Field(default=None, min_length=1, max_length=500)


class DuplicateDecisionOut(BaseModel):
    id: str
    person_id: str
    other_person_id: str
    decision: str
    score: float
    note: str | None
    decided_by: str
    decided_at: datetime


class ReviewRow(BaseModel):
    """One pair of the batch scan's review list: ids, score and reasons, no personal data."""

    person_id: str
    case_id: str
    other_person_id: str
    other_case_id: str
    score: float
    reasons: str  # the reasons, strongest first, separated by "; "


class PhotoOut(BaseModel):
    """A holder's photo as stored: when it was taken and the two sizes kept (no pixels)."""

    person_position: int
    captured_at: datetime
    printed_bytes: int  # the printed JPEG (300x375)
    thumbnail_bytes: int  # the small copy for the card's code (48x60 greyscale WebP)
    replaced: bool  # an earlier photo of the person was replaced
    consent_text_version: str
