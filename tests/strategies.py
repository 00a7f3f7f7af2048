"""Hypothesis strategies for profiles, shared by the property tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from corredor.screening.domain.facts import (
    DOCUMENT_TYPES,
    FACTS,
    PETITION_STATES,
    RELATIONS,
    US_STATUSES,
    VISA_CLASSES,
    FactKind,
    Profile,
)

COUNTRIES = ["VE", "HT", "CU", "NI", "GT", "HN", "SV", "MX", "US", "CO", "EC", "BZ", "PA", "CR"]
REGIONS = ["MX-CHP", "MX-TAB", "MX-CMX", "MX-BCN", "MX-CHH", "GT-QZ"]
# dates cluster around the cut-offs and phase openings so boundaries get exercised
dates = st.one_of(
    st.dates(min_value=date(1940, 1, 1), max_value=date(2027, 12, 31)),
    st.sampled_from(
        [
            date(2022, 10, 19),
            date(2022, 10, 20),
            date(2023, 1, 9),
            date(2023, 1, 10),
            date(2020, 2, 29),
            date(2021, 2, 28),
            date(2021, 3, 1),
        ]
    ),
)


def _value(kind: FactKind, name: str) -> st.SearchStrategy[Any]:
    match kind:
        case FactKind.BOOLEAN:
            return st.booleans()
        case FactKind.COUNTRY:
            return st.sampled_from(COUNTRIES)
        case FactKind.REGION:
            return st.sampled_from(REGIONS)
        case FactKind.DATE:
            return dates
        case FactKind.TERMS:
            return st.lists(st.sampled_from(sorted(DOCUMENT_TYPES)), max_size=3, unique=True)
        case FactKind.HOUSEHOLD:
            member = st.fixed_dictionaries(
                {"relation": st.sampled_from(sorted(RELATIONS)), "birth_date": dates}
            )
            return st.lists(member, max_size=4)
        case FactKind.ENTRIES:
            entry = st.fixed_dictionaries({"country": st.sampled_from(COUNTRIES), "date": dates})
            return st.lists(entry, max_size=3)
        case FactKind.RECORD:
            record = (
                st.fixed_dictionaries(
                    {
                        "country": st.sampled_from(COUNTRIES),
                        "visa_class": st.sampled_from(sorted(VISA_CLASSES)),
                    }
                )
                if name == "job_offer"
                else st.fixed_dictionaries(
                    {
                        "status": st.sampled_from(sorted(US_STATUSES)),
                        "petition": st.sampled_from(sorted(PETITION_STATES)),
                    }
                )
            )
            return st.none() | record  # None: "has none", which is known
    raise AssertionError(kind)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    """A profile where each fact is independently known (with a random value) or unknown."""
    facts = {}
    for name, spec in FACTS.items():
        if draw(st.booleans()):
            facts[name] = draw(_value(spec.kind, name))
    return Profile.model_validate(facts)


as_of_dates = st.one_of(
    st.dates(min_value=date(2011, 1, 1), max_value=date(2028, 12, 31)),
    st.sampled_from([date(2024, 2, 29), date(2026, 1, 15), date(2027, 3, 1), date(2023, 5, 11)]),
)
