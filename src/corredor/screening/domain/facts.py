"""The fact vocabulary: what a person may tell the screener about themselves.

Every fact is optional. A fact that was not given is *unknown*, and a rule that needs it
evaluates to unknown, so the screener can ask for it next. For the two record facts
(`job_offer`, `us_relative`) an explicit ``null`` means "I have none", which is known.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

from corredor.kernel.domain.countries import ISO_COUNTRIES


class FactKind(StrEnum):
    BOOLEAN = "boolean"
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    REGION = "region"  # ISO 3166-2, e.g. MX-CHP
    DATE = "date"
    TERMS = "terms"  # a set of words from a fixed vocabulary (documents)
    HOUSEHOLD = "household"  # list of {relation, birth_date}
    ENTRIES = "entries"  # list of {country, date}
    RECORD = "record"  # one {field: value} record or none (job_offer, us_relative)
    RECORD_FIELD = "record_field"  # one text field of a record, e.g. job_offer.visa_class


class FactSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: FactKind
    question: str  # plain-language question in English; the key for translation is `fact.<name>`
    fields: tuple[str, ...] = ()  # sub-fields of a record fact


FACTS: Final[dict[str, FactSpec]] = {
    spec.name: spec
    for spec in (
        FactSpec(name="nationality", kind=FactKind.COUNTRY, question="What is your nationality?"),
        FactSpec(name="birth_date", kind=FactKind.DATE, question="What is your date of birth?"),
        FactSpec(
            name="current_country", kind=FactKind.COUNTRY, question="Which country are you in now?"
        ),
        FactSpec(
            name="current_region",
            kind=FactKind.REGION,
            question="Which state or region are you in now?",
        ),
        FactSpec(
            name="in_country_since",
            kind=FactKind.DATE,
            question="Since when have you been in the country where you are now?",
        ),
        FactSpec(
            name="household",
            kind=FactKind.HOUSEHOLD,
            question="Who travels with you (relation and date of birth of each person)?",
        ),
        FactSpec(
            name="unaccompanied_minor",
            kind=FactKind.BOOLEAN,
            question="Are you under 18 and travelling without a parent or legal guardian?",
        ),
        FactSpec(
            name="documents",
            kind=FactKind.TERMS,
            question="Which identity or travel documents do you have?",
        ),
        FactSpec(
            name="us_supporter",
            kind=FactKind.BOOLEAN,
            question="Do you have a supporter in the United States who will file for you?",
        ),
        FactSpec(
            name="irregular_entries",
            kind=FactKind.ENTRIES,
            question="Which countries have you entered without authorization, and when?",
        ),
        FactSpec(
            name="criminal_history",
            kind=FactKind.BOOLEAN,
            question="Have you ever been convicted of a crime?",
        ),
        FactSpec(
            name="risk_to_life_or_health",
            kind=FactKind.BOOLEAN,
            question="Do you need to stay in Mexico because of a specific risk to your life "
            "or health?",
        ),
        FactSpec(
            name="vulnerable_deportation_difficult",
            kind=FactKind.BOOLEAN,
            question="Are you in a vulnerable situation that makes your return difficult "
            "or impossible?",
        ),
        FactSpec(
            name="danger_violence_or_disaster",
            kind=FactKind.BOOLEAN,
            question="Is your life in danger because of violence or a natural disaster?",
        ),
        FactSpec(
            name="child_abduction_proceedings",
            kind=FactKind.BOOLEAN,
            question="Is a child in your care part of international child abduction or "
            "restitution proceedings?",
        ),
        FactSpec(
            name="crime_victim_or_witness_in_mexico",
            kind=FactKind.BOOLEAN,
            question="Have you been the victim of, or a witness to, a crime committed in Mexico?",
        ),
        FactSpec(
            name="seeking_asylum_in_mexico",
            kind=FactKind.BOOLEAN,
            question="Do you want to ask for asylum (refugee status) in Mexico?",
        ),
        FactSpec(
            name="public_interest_emergency",
            kind=FactKind.BOOLEAN,
            question="Are you in Mexico to give aid or rescue in an emergency or disaster?",
        ),
        FactSpec(
            name="fear_of_persecution",
            kind=FactKind.BOOLEAN,
            question="Do you fear persecution in your country because of your race, religion, "
            "nationality, political opinion or a social group you belong to?",
        ),
        FactSpec(
            name="job_offer",
            kind=FactKind.RECORD,
            question="Do you have a job offer (which country, which visa)?",
            fields=("country", "visa_class"),
        ),
        FactSpec(
            name="us_relative",
            kind=FactKind.RECORD,
            question="Do you have a parent, spouse or child in the United States "
            "(their status, and any petition filed for you)?",
            fields=("status", "petition"),
        ),
        FactSpec(
            name="returned_from_us",
            kind=FactKind.BOOLEAN,
            question="Were you returned to Mexico by the United States?",
        ),
        FactSpec(
            name="us_removal_order_last_5_years",
            kind=FactKind.BOOLEAN,
            question="Have you been ordered removed (deported) from the United States in the "
            "last five years?",
        ),
        FactSpec(
            name="registered_asylum_seeker",
            kind=FactKind.BOOLEAN,
            question="Are you registered as an asylum seeker in the country where you are now?",
        ),
    )
}

DOCUMENT_TYPES: Final[frozenset[str]] = frozenset(
    {
        "passport",
        "tvrh",
        "alternative_travel_document",
        "national_id",
        "birth_certificate",
        "refugee_status_certificate",
        "us_visa",
    }
)
RELATIONS: Final[frozenset[str]] = frozenset(
    {"child", "spouse", "partner", "parent", "sibling", "grandparent", "grandchild", "other"}
)
US_STATUSES: Final[frozenset[str]] = frozenset(
    {
        "citizen",
        "lawful_permanent_resident",
        "parolee",
        "tps",
        "deferred_action",
        "asylee",
        "refugee",
        "pending_asylum",
        "other",
    }
)
PETITION_STATES: Final[frozenset[str]] = frozenset({"none", "pending", "approved"})
VISA_CLASSES: Final[frozenset[str]] = frozenset({"H-2A", "H-2B", "MX-TVTF", "MX-WORK", "other"})


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def check_country(value: str) -> str:
    if not _COUNTRY.fullmatch(value):
        raise ValueError(f"expected an ISO 3166-1 alpha-2 country code such as 'MX', got {value!r}")
    if value not in ISO_COUNTRIES:
        raise ValueError(f"{value!r} is not an assigned ISO 3166-1 alpha-2 country code")
    return value


def check_region(value: str) -> str:
    if not _REGION.fullmatch(value):
        raise ValueError(f"expected an ISO 3166-2 region code such as 'MX-CHP', got {value!r}")
    if value[:2] not in ISO_COUNTRIES:
        raise ValueError(f"{value!r} is not in an assigned ISO 3166-1 country")
    return value


class FactError(ValueError):
    """A fact that cannot be true on the screening date; names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _one_of(value: str, allowed: frozenset[str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(sorted(allowed))}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HouseholdMember(_Strict):
    relation: str
    birth_date: date

    @field_validator("relation")
    @classmethod
    def _relation(cls, value: str) -> str:
        return _one_of(value, RELATIONS, "relation")


class IrregularEntry(_Strict):
    country: str
    date: date

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)


class JobOffer(_Strict):
    country: str
    visa_class: str

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)

    @field_validator("visa_class")
    @classmethod
    def _visa_class(cls, value: str) -> str:
        return _one_of(value, VISA_CLASSES, "visa class")


class UsRelative(_Strict):
    status: str
    petition: str = "none"

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _one_of(value, US_STATUSES, "US status")

    @field_validator("petition")
    @classmethod
    def _petition(cls, value: str) -> str:
        return _one_of(value, PETITION_STATES, "petition state")


class Profile(_Strict):
    """A person's facts. Absent fields are unknown; unknown field names are refused."""

    nationality: str | None = None
    birth_date: date | None = None
    current_country: str | None = None
    current_region: str | None = None
    in_country_since: date | None = None
    household: list[HouseholdMember] | None = None
    unaccompanied_minor: bool | None = None
    documents: list[str] | None = None
    us_supporter: bool | None = None
    irregular_entries: list[IrregularEntry] | None = None
    criminal_history: bool | None = None
    risk_to_life_or_health: bool | None = None
    vulnerable_deportation_difficult: bool | None = None
    danger_violence_or_disaster: bool | None = None
    child_abduction_proceedings: bool | None = None
    crime_victim_or_witness_in_mexico: bool | None = None
    seeking_asylum_in_mexico: bool | None = None
    public_interest_emergency: bool | None = None
    fear_of_persecution: bool | None = None
    job_offer: JobOffer | None = Field(default=None, description="null means: no job offer")
    us_relative: UsRelative | None = Field(default=None, description="null means: no relative")
    returned_from_us: bool | None = None
    us_removal_order_last_5_years: bool | None = None
    registered_asylum_seeker: bool | None = None

    @field_validator("nationality", "current_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else check_country(value)

    @field_validator("current_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return None if value is None else check_region(value)

    @field_validator("documents")
    @classmethod
    def _documents(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            for document in value:
                _one_of(document, DOCUMENT_TYPES, "document type")
        return value

    def dates_after(self, as_of: date) -> list[FactError]:
        """Dates that lie after the screening date (a birth date in the future...), by field."""
        found: list[tuple[str, date | None]] = [
            ("birth_date", self.birth_date),
            ("in_country_since", self.in_country_since),
        ]
        found += [
            (f"household[{index}].birth_date", member.birth_date)
            for index, member in enumerate(self.household or [])
        ]
        found += [
            (f"irregular_entries[{index}].date", entry.date)
            for index, entry in enumerate(self.irregular_entries or [])
        ]
        return [
            FactError(name, f"{value.isoformat()} is after the screening date {as_of.isoformat()}")
            for name, value in found
            if value is not None and value > as_of
        ]

    def check_dates(self, as_of: date) -> None:
        """Refuse a profile whose dates lie after the screening date; names the first field."""
        problems = self.dates_after(as_of)
        if problems:
            raise problems[0]

    def known_facts(self) -> dict[str, Any]:
        """The facts that are known: set and not null, plus record facts set to null ("none")."""
        known: dict[str, Any] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is None and FACTS[name].kind is not FactKind.RECORD:
                continue
            known[name] = value
        return known


assert set(Profile.model_fields) == set(FACTS), "every fact has a field and a spec"
