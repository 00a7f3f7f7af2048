"""What goes in and what comes out of sharing's use cases: consents, disclosures, the disclosed
data and who has seen a person's data.

Inputs forbid unknown fields and validate codes, so a mistake comes back as 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corredor.sharing.domain.disclosure import DisclosableField, Purpose


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsentIn(_In):
    recipient: Literal["CBP"] = "CBP"
    purpose: Purpose = Purpose.PAROLE
    fields: list[DisclosableField] = Field(min_length=1, max_length=len(DisclosableField))


class ConsentRevokeIn(_In):
    """A caseworker withdraws a person's consent only on the person's own instruction, and says
    why (recorded on the case's timeline and in the audit log); the person needs neither."""

    on_instruction_of_person: bool = False
    reason: str | None = Field(default=None, min_length=1, max_length=500)


class DisclosureIn(_In):
    consent_id: str = Field(min_length=1, max_length=36)
    fields: list[DisclosableField] = Field(min_length=1, max_length=len(DisclosableField))


# ---- outputs ----


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


class DisclosedDataOut(BaseModel):
    disclosure_id: str
    case_id: str
    recipient: str
    fields: list[str]
    persons: list[dict[str, Any]]
    case: dict[str, Any]


class AccessPurpose(StrEnum):
    """Why an entry touched the case, in words the person can be told."""

    REGISTRATION = "registration"  # the INM officer registered the household
    CASE_WORK = "case_work"  # an agency working on the case read it
    PAROLE = "parole"  # CBP, through a disclosure the person consented to
    VETTING = "vetting"  # CBP's security check, through the same disclosure
    CONSENT = "consent"  # consent given or withdrawn, disclosure made or ended
    DECISION = "decision"  # a step of the case: TVRH, application, decision, admission


class CaseAccessOut(BaseModel):
    """One audit entry about a case, told to the person it is about: roles and agencies, never
    the officers themselves, and no personal data."""

    at: datetime
    action: str  # the audit action, e.g. platform:disclosure:read
    read_personal_data: bool
    purpose: AccessPurpose
    actor_role: str | None
    actor_agency: str | None
    by_the_person: bool  # the applicant themselves
    on_behalf: bool  # a caseworker acting for the person
    legal_basis: str | None  # for reads through a disclosure


class CaseConsentsOut(BaseModel):
    """A case's consents, and its disclosures in force: what the consent and disclosure pages
    show."""

    case_id: str
    consents: list[ConsentOut]
    disclosures_in_force: list[DisclosureOut]


class CaseActivityOut(BaseModel):
    """Who has seen or changed a case, newest first."""

    case_id: str
    entries: list[CaseAccessOut]
