"""Which records are worth comparing: blocking keys.

Comparing a new registration with every one of a million records is neither fast nor needed.
Each record gets a handful of keys; two records are compared only if they share one. The keys are
chosen so that each kind of error the desk makes leaves at least one key intact:

- the document number (a typo in a name or a date changes nothing);
- a surname's sound and the birth date with day and month unordered (a misspelt given name, a
  swapped day and month, a dropped second surname);
- the first given name's sound and the unordered birth date (a misspelt surname);
- the first surname's and first given name's sounds and the birth year (a wrong day or month);
- the same two sounds and the day and month, unordered (a wrong year).

Stored, each key is a keyed hash (HMAC under a key held outside the database), so the blocking
table reveals neither names nor dates.
"""

from __future__ import annotations

from datetime import date

from corredor.identity.domain.names import sound_key
from corredor.identity.domain.record import PersonRecord


def _unordered(day: date) -> str:
    low, high = sorted((day.day, day.month))
    return f"{day.year}-{low}-{high}"


def blocking_keys(record: PersonRecord) -> frozenset[str]:
    keys = {f"doc:{number}" for number in record.documents}
    given = sound_key(record.given_names[0]) if record.given_names else ""
    surnames = [sound_key(w) for w in record.first_surname + record.second_surname]
    born = record.birth_date
    if born is not None:
        keys.update(f"sd:{s}:{_unordered(born)}" for s in surnames if s)
        if given:
            keys.add(f"gd:{given}:{_unordered(born)}")
        if given and surnames:
            first = sound_key(record.first_surname[0]) if record.first_surname else surnames[0]
            keys.add(f"sg:{first}:{given}:{born.year}")
            low, high = sorted((born.day, born.month))
            keys.add(f"sgd:{first}:{given}:{low}-{high}")
    elif given and surnames:
        keys.add(f"sg:{surnames[0]}:{given}:")
    return frozenset(keys)
