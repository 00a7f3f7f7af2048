"""A person as matching sees them: name parts, birth date, nationality, documents, family."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from corredor.identity.domain.names import sound_key, tokens

_DOCUMENT_NOISE: Final = re.compile(r"[^0-9A-Z]")


def document_number(text: str) -> str:
    """A document number as compared: upper case, letters and digits only ("ht 123-456" and
    "HT123456" are one number)."""
    return _DOCUMENT_NOISE.sub("", text.upper())


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One registered person, decrypted inside the service for the time of a comparison.

    `household` holds, for each *other* member of the person's household, their first given
    name's sound key and birth year ("JAN:1988"): enough to notice two records of one family,
    nothing that names anyone.
    """

    person_id: str
    given_names: tuple[str, ...]
    first_surname: tuple[str, ...]
    second_surname: tuple[str, ...]
    birth_date: date | None
    nationality: str | None
    documents: frozenset[str] = field(default_factory=frozenset)
    household: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        person_id: str,
        *,
        given_names: str,
        first_surname: str,
        second_surname: str = "",
        birth_date: date | None = None,
        nationality: str | None = None,
        documents: tuple[str, ...] = (),
        household: tuple[tuple[str, date | None], ...] = (),
    ) -> PersonRecord:
        """A record from the parts as written; `household` lists the other members' given names
        and birth dates."""
        return cls(
            person_id=person_id,
            given_names=tokens(given_names),
            first_surname=tokens(first_surname),
            second_surname=tokens(second_surname),
            birth_date=birth_date,
            nationality=nationality.upper() if nationality else None,
            documents=frozenset(d for d in map(document_number, documents) if d),
            household=frozenset(family_token(name, born) for name, born in household),
        )


def family_token(given_names: str, born: date | None) -> str:
    words = tokens(given_names)
    return f"{sound_key(words[0]) if words else ''}:{born.year if born else ''}"
