"""What goes in and what comes out of the use cases; the API's OpenAPI contract is built from these.

Inputs forbid unknown fields and validate codes, so a mistake comes back as 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from corredor.cases.domain.corridor import TravelMode
from corredor.domain.facts import RELATIONS, Profile, check_country
from corredor.kernel.domain.permissions import Agency, Role
from corredor.sharing.domain.disclosure import DisclosableField, Purpose

Text = Field(min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class UserIn(_In):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,79}$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    agency: Agency | None = None


class PersonIn(_In):
    name: str = Text
    birth_date: date
    nationality: str
    document_number: str | None = Field(default=None, min_length=1, max_length=40)

    @field_validator("nationality")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: date) -> date:
        if value > date.today() or value.year < 1900:
            raise ValueError("a birth date between 1900 and today is expected")
        return value


class MemberIn(PersonIn):
    relation: str

    @field_validator("relation")
    @classmethod
    def _relation(cls, value: str) -> str:
        if value not in RELATIONS:
            raise ValueError(f"expected one of {', '.join(sorted(RELATIONS))}")
        return value


class HouseholdIn(_In):
    border_point_id: str = Field(min_length=1, max_length=80)
    ground: str = Field(min_length=1, max_length=80, examples=["tvrh.ground.asylum-seeker"])
    principal: PersonIn
    members: list[MemberIn] = Field(default=[], max_length=20)
    documents: list[str] = Field(default=[], max_length=10)
    applicant_user_id: str | None = Field(default=None, max_length=36)


class ConsentIn(_In):
    recipient: Literal["CBP"] = "CBP"
    purpose: Purpose = Purpose.PAROLE
    fields: list[DisclosableField] = Field(min_length=1, max_length=len(DisclosableField))


class DisclosureIn(_In):
    consent_id: str = Field(min_length=1, max_length=36)
    fields: list[DisclosableField] = Field(min_length=1, max_length=len(DisclosableField))


class ParoleApplicationIn(_In):
    channel: Literal["app", "web", "assisted_site"]
    site_id: str | None = Field(default=None, max_length=80)


class ParoleDecisionIn(_In):
    decision: Literal["grant", "deny"]
    travel_mode: TravelMode | None = None
    port_id: str | None = Field(
        default=None, max_length=80, description="port of entry, or the destination airport"
    )
    parole_days: int = Field(default=730, ge=1, le=730)
    reason: str | None = Field(default=None, max_length=2000)


class AdmissionIn(_In):
    port_id: str = Field(min_length=1, max_length=80)


class ReasonIn(_In):
    reason: str | None = Field(default=None, max_length=2000)


class ReferralIn(_In):
    pathway_id: str = Field(min_length=1, max_length=80)
    person: PersonIn
    facts: Profile
    applicant_user_id: str | None = Field(default=None, max_length=36)


class ReferralDecisionIn(_In):
    decision: Literal["approve", "refuse"]
    reason: str | None = Field(default=None, max_length=2000)


# ---- outputs ----


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    role: Role


class UserOut(BaseModel):
    id: str
    username: str
    role: Role
    agency: Agency | None


class PersonOut(BaseModel):
    id: str
    relation: str
    name: str
    birth_date: date
    nationality: str
    document_number: str | None


class GrantOut(BaseModel):
    id: str
    kind: str
    number: str
    valid_from: date
    valid_until: date
    details: dict[str, Any]


class DecisionOut(BaseModel):
    id: str
    subject: str
    outcome: str
    policy_id: str | None
    policy_version: str | None
    clauses: list[str]
    reasons: list[str]
    note: str | None
    decided_by: str
    decided_at: datetime


class DisclosureOut(BaseModel):
    id: str
    case_id: str
    consent_id: str
    recipient: str
    purpose: str
    legal_basis: str
    fields: list[str]
    active: bool
    created_at: datetime


class ConsentOut(BaseModel):
    id: str
    case_id: str
    recipient: str
    purpose: str
    fields: list[str]
    given_at: datetime
    revoked_at: datetime | None


class CaseStatusOut(BaseModel):
    """A case without personal data: what CBP, shelters and lists see."""

    id: str
    kind: str
    pathway_id: str
    state: str
    site_id: str | None
    household_size: int
    allowed_actions: list[str]
    grants: list[GrantOut]
    decisions: list[DecisionOut]
    disclosures: list[DisclosureOut]
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseStatusOut):
    ground: str | None
    persons: list[PersonOut]


class EventOut(BaseModel):
    name: str
    state: str
    actor_id: str
    actor_role: str
    on_behalf_of: str | None
    data: dict[str, Any]
    at: datetime


class DisclosedDataOut(BaseModel):
    disclosure_id: str
    case_id: str
    recipient: str
    fields: list[str]
    persons: list[dict[str, Any]]
    case: dict[str, Any]


class VettingOut(BaseModel):
    case_id: str
    outcome: str
    source: str
    matches: int
    state: str


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor_id: str | None
    actor_role: str | None
    on_behalf_of: str | None
    action: str
    case_id: str | None
    detail: dict[str, Any]
    hash: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
