"""Inputs and outputs of erasure and retention."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator


class ErasureIn(BaseModel):
    # Why, for the audit log: a request's reference or the legal ground, never a personal value.
    reason: str = Field(min_length=3, max_length=300)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if len(value.strip()) < 3:
            raise ValueError("give the reason (at least 3 characters)")
        return value.strip()


class ErasureOut(BaseModel):
    case_id: str
    erased: list[str]  # the persons' ids erased now
    already: list[str]  # those erased before
    erased_at: datetime
    applicant_unlinked: bool


class RuleOutcome(BaseModel):
    kind: str
    keep_days: int
    assumption: bool
    cutoff: datetime
    cases: list[str] = []  # whose people are (or would be) erased
    persons: int = 0
    replays: int = 0
    note: str | None = None


class RetentionReport(BaseModel):
    policy_version: str
    applied: bool  # False: a dry run, nothing changed
    at: datetime
    rules: list[RuleOutcome]
