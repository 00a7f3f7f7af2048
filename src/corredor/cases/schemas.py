"""What goes in and what comes out of the cases' use cases; the API's OpenAPI contract is built
from these.

Inputs forbid unknown fields and validate codes, so a mistake comes back as 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from corredor.cases.domain.corridor import TravelMode
from corredor.screening.domain.facts import RELATIONS, Profile, check_country
from corredor.sharing.schemas import DisclosureOut

Text = Field(min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_In):
    name: str = Text  # as written on the person's document or as they say it
    birth_date: date
    nationality: str
    document_number: str | None = Field(default=None, min_length=1, max_length=40)
    # The name's parts, when the desk enters them (read off `name` otherwise): matching
    # compares given names and each surname on its own.
    given_names: str | None = Field(default=None, min_length=1, max_length=200)
    first_surname: str | None = Field(default=None, min_length=1, max_length=200)
    second_surname: str | None = Field(default=None, min_length=1, max_length=200)

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

    @model_validator(mode="after")
    def _parts(self) -> PersonIn:
        if (self.first_surname or self.second_surname) and not self.given_names:
            raise ValueError("given_names: needed when a surname is entered on its own")
        if self.given_names and not self.first_surname:
            raise ValueError("first_surname: needed when the given names are entered alone")
        return self


class MemberIn(PersonIn):
    relation: str

    @field_validator("relation")
    @classmethod
    def _relation(cls, value: str) -> str:
        if value not in RELATIONS:
            raise ValueError(f"expected one of {', '.join(sorted(RELATIONS))}")
        return value


class CaseSearchIn(_In):
    """A search by a person's document number: sent in a body, so it is in no URL or access
    log."""

    document_number: str = Field(min_length=1, max_length=40)
    limit: int = Field(default=50, ge=1, le=200)


class HouseholdIn(_In):
    border_point_id: str = Field(min_length=1, max_length=80)
    ground: str = Field(min_length=1, max_length=80, examples=["tvrh.ground.asylum-seeker"])
    principal: PersonIn
    members: list[MemberIn] = Field(default=[], max_length=20)
    documents: list[str] = Field(default=[], max_length=10)
    applicant_user_id: str | None = Field(default=None, max_length=36)


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


class PersonOut(BaseModel):
    id: str
    relation: str
    name: str
    birth_date: date
    nationality: str
    document_number: str | None
    given_names: str
    first_surname: str
    second_surname: str  # "" when the person has one surname


class DuplicateReasonOut(BaseModel):
    field: str
    level: str
    text: str  # in English; the pages show it in the officer's language
    weight: float  # bits of evidence: positive for one person, negative for two


class PossibleDuplicateOut(BaseModel):
    """A registered person who may be the same as this one, with why the model thinks so."""

    person_id: str  # the new (or looked-up) person
    matches_person_id: str  # the one already registered
    case_id: str
    score: float  # probability, 0 to 1, that the two records are one person
    reasons: list[DuplicateReasonOut]


class ErasedPersonOut(BaseModel):
    """A person who was erased: their data key is destroyed, nothing of them can be read."""

    id: str
    relation: str
    erased: Literal[True] = True
    erased_on: date


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
    # the day the first of its people was erased (their data can no longer be read)
    erased_on: date | None = None


class CaseOut(CaseStatusOut):
    ground: str | None
    persons: list[PersonOut | ErasedPersonOut]
    # Filled on registration: people already registered who may be the same as someone in this
    # household, for the officer to decide on (POST /persons/{id}/duplicate-decisions).
    possible_duplicates: list[PossibleDuplicateOut] = []


class EventOut(BaseModel):
    name: str
    state: str
    actor_id: str
    actor_role: str
    on_behalf_of: str | None
    data: dict[str, Any]
    at: datetime


class VettingOut(BaseModel):
    case_id: str
    outcome: str
    source: str
    matches: int
    state: str


class VettingDetailOut(BaseModel):
    """What the screening matched, decrypted for the CBP officer's secondary review."""

    case_id: str
    source: str
    outcome: str
    matches: list[dict[str, Any]]


class LapsedOut(BaseModel):
    """The cases whose TVRH the daily job expired, as of its day."""

    today: date
    case_ids: list[str]


class GroundsOut(BaseModel):
    """The legal grounds an INM officer may record: clause ids of the TVRH policy in effect."""

    policy_id: str
    policy_version: str | None
    grounds: list[str]


class TransitionOut(BaseModel):
    """One transition of the case state machine: who may perform it, and what it emits."""

    kind: str
    action: str
    sources: list[str] = Field(serialization_alias="from")
    to: str
    permission: str
    guards: list[str]
    events: list[str]


# ---- who among the caseworkers may act on a case ----


class AssignmentIn(_In):
    """Give a case to one caseworker (`caseworker_id`) or to every caseworker of an agency at an
    assisted site where it helps people (`agency` with `site_id`); exactly one of the two."""

    caseworker_id: str | None = Field(default=None, min_length=1, max_length=36)
    agency: Literal["UNHCR", "IOM", "NGO"] | None = None
    site_id: str | None = Field(default=None, min_length=1, max_length=80)
    reason: str = Field(min_length=1, max_length=500)


class AssignmentEndIn(_In):
    reason: str = Field(min_length=1, max_length=500)


class AssignmentOut(BaseModel):
    id: str
    case_id: str
    caseworker_id: str | None
    agency: str | None
    site_id: str | None
    reason: str
    assigned_by: str
    assigned_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
