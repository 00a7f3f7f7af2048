"""Least disclosure: what one agency may see of a person held by another.

A disclosure releases only the overlap of what the person consented to and what the recipient
needs for the stated purpose (OpenG2P's rule). It names the fields, the purpose, the legal basis
and the recipient. Revoking the consent ends every disclosure that rests on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class DisclosableField(StrEnum):
    NAME = "name"
    BIRTH_DATE = "birth_date"
    NATIONALITY = "nationality"
    DOCUMENT_NUMBER = "document_number"
    HOUSEHOLD = "household"
    TVRH = "tvrh"
    LEGAL_GROUND = "legal_ground"


class Purpose(StrEnum):
    PAROLE = "parole"


@dataclass(frozen=True)
class RecipientPolicy:
    recipient: str
    purpose: Purpose
    legal_basis: str
    fields: frozenset[DisclosableField]


F = DisclosableField
CORRIDOR_PAROLE_BASIS: Final = "INA 212(d)(5)(A) parole; joint INM-CBP corridor (seed 000, step 2)"
# What each recipient may receive for each purpose. The legal ground for the TVRH stays with INM:
# CBP needs identity, household and the TVRH to decide parole, not why Mexico protected someone.
RECIPIENT_POLICIES: Final[dict[tuple[str, Purpose], RecipientPolicy]] = {
    ("CBP", Purpose.PAROLE): RecipientPolicy(
        recipient="CBP",
        purpose=Purpose.PAROLE,
        legal_basis=CORRIDOR_PAROLE_BASIS,
        fields=frozenset(
            {F.NAME, F.BIRTH_DATE, F.NATIONALITY, F.DOCUMENT_NUMBER, F.HOUSEHOLD, F.TVRH}
        ),
    ),
}

# What CBP may receive to decide parole, in the fields' own order: what the consent form offers.
CBP_PAROLE_FIELDS: Final[list[DisclosableField]] = [
    field
    for field in DisclosableField
    if field in RECIPIENT_POLICIES[("CBP", Purpose.PAROLE)].fields
]


class DisclosureRefused(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def recipient_policy(recipient: str, purpose: Purpose) -> RecipientPolicy:
    try:
        return RECIPIENT_POLICIES[(recipient, purpose)]
    except KeyError:
        raise DisclosureRefused(
            "recipient", f"no disclosure to {recipient} for the purpose {purpose} is provided for"
        ) from None


def releasable(
    requested: frozenset[DisclosableField],
    consented: frozenset[DisclosableField],
    policy: RecipientPolicy,
) -> frozenset[DisclosableField]:
    """The fields a disclosure may carry; refuse rather than silently drop a requested field."""
    if not requested:
        raise DisclosureRefused("fields", "name at least one field to disclose")
    not_consented = requested - consented
    if not_consented:
        raise DisclosureRefused(
            "fields", f"the person did not consent to disclose: {', '.join(sorted(not_consented))}"
        )
    not_needed = requested - policy.fields
    if not_needed:
        raise DisclosureRefused(
            "fields",
            f"{policy.recipient} may not receive for {policy.purpose}: "
            f"{', '.join(sorted(not_needed))}",
        )
    return requested


def project(record: dict[str, object], fields: frozenset[DisclosableField]) -> dict[str, object]:
    """Only the disclosed fields of a record, and nothing else."""
    return {name: value for name, value in record.items() if name in fields}


# A disclosure to CBP serves a parole application, which rests on an issued TVRH: a case whose
# TVRH was refused, has lapsed or whose parole was decided has nothing to disclose for.
DISCLOSABLE_STATES: Final = frozenset(
    {"tvrh_issued", "parole_requested", "vetted_clear", "secondary_review"}
)
