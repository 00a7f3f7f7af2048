"""The screener's questions: one page per fact the policy engine still needs.

This module turns a fact into the fields of its page and a submitted form back into the fact's
value, with errors that name the field. It knows nothing of HTTP; `screener.py` does the plumbing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from babel.support import NullTranslations
from pydantic import ValidationError

from corredor.kernel.domain.countries import ISO_COUNTRIES
from corredor.screening.domain.catalogue import Catalogue
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
from corredor.screening.domain.rules import years_before
from corredor.web.i18n import N_
from corredor.web.places import region_names

# Words of the fact vocabulary, as the pages show them (msgids; translated in the catalogs).
VOCABULARY: Final[dict[str, str]] = {
    "passport": N_("Passport"),
    "tvrh": N_("TVRH (Mexican humanitarian visitor card)"),
    "alternative_travel_document": N_("Alternative travel document"),
    "national_id": N_("National identity card"),
    "birth_certificate": N_("Birth certificate"),
    "refugee_status_certificate": N_("Refugee status certificate"),
    "us_visa": N_("US visa"),
    "child": N_("Child"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner"),
    "parent": N_("Parent"),
    "sibling": N_("Brother or sister"),
    "grandparent": N_("Grandparent"),
    "grandchild": N_("Grandchild"),
    "other": N_("Other"),
    "citizen": N_("US citizen"),
    "lawful_permanent_resident": N_("Lawful permanent resident (green card)"),
    "parolee": N_("Parolee"),
    "tps": N_("Temporary Protected Status (TPS)"),
    "deferred_action": N_("Deferred action"),
    "asylee": N_("Asylee"),
    "refugee": N_("Refugee"),
    "pending_asylum": N_("Asylum application pending"),
    "none": N_("No petition filed"),
    "pending": N_("Petition pending"),
    "approved": N_("Petition approved"),
    "H-2A": N_("H-2A (US seasonal farm work)"),
    "H-2B": N_("H-2B (US seasonal non-farm work)"),
    "MX-TVTF": N_("Mexican cross-border worker card (TVTF)"),
    "MX-WORK": N_("Mexican work visa"),
}
assert set(VOCABULARY) >= DOCUMENT_TYPES | RELATIONS | US_STATUSES | PETITION_STATES | VISA_CLASSES

# Mexico's 32 federal entities (ISO 3166-2:MX), named per language in corredor.web.places.
MEXICAN_STATES: Final = frozenset(region_names("es"))
ELSEWHERE: Final = "elsewhere"  # a region we do not list: the fact stays unknown
ROWS: Final = 5  # household members / irregular entries one page can take

# Error messages (msgids), keyed by what went wrong.
ERRORS: Final[dict[str, str]] = {
    "choose_yes_no": N_("Select yes or no"),
    "choose_country": N_("Select a country"),
    "choose_region": N_("Select a state"),
    "choose_documents": N_("Select the documents you have, or “None of these”"),
    "none_and_documents": N_("Select documents or “None of these”, not both"),
    "date_missing": N_("Enter a date with a day, a month and a year"),
    "date_invalid": N_("Enter a real date, for example 27 3 2019"),
    "date_future": N_("The date must be today or in the past"),
    "choose_relation": N_("Select how this person is related to you"),
    "choose_status": N_("Select their status in the United States"),
    "choose_petition": N_("Select whether a petition was filed for you"),
    "choose_visa": N_("Select the kind of visa"),
}


@dataclass
class FormResult:
    """A submitted page: the fact's value if it is valid, else errors by field id."""

    value: Any = None
    errors: dict[str, str] = field(default_factory=dict)  # field id -> error msgid
    skipped: bool = False


@dataclass(frozen=True)
class Answers:
    """What the person told us so far (JSON-ready), and the questions they chose to skip."""

    facts: Mapping[str, Any] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    def profile(self) -> Profile:
        return Profile.model_validate(dict(self.facts))

    def with_answer(self, fact: str, value: Any) -> Answers:
        facts = {**self.facts, fact: value}
        return Answers(facts, tuple(name for name in self.skipped if name != fact))

    def with_skip(self, fact: str) -> Answers:
        facts = {name: value for name, value in self.facts.items() if name != fact}
        return Answers(facts, (*dict.fromkeys((*self.skipped, fact)),))

    def to_json(self) -> dict[str, Any]:
        return {"facts": dict(self.facts), "skipped": list(self.skipped)}

    @classmethod
    def from_json(cls, data: Any) -> Answers:
        """Answers from a cookie; anything that does not validate is dropped, never trusted."""
        if not isinstance(data, dict):
            return cls()
        facts = data.get("facts")
        skipped = data.get("skipped")
        if not isinstance(facts, dict) or not isinstance(skipped, list):
            return cls()
        try:
            Profile.model_validate(facts)
        except ValidationError:
            return cls()
        return cls(facts, tuple(name for name in skipped if name in FACTS))


# Asked before anything that depends on them: a child travelling alone is protected first.
FIRST_QUESTIONS: Final = ("birth_date", "unaccompanied_minor")
ADULT_AGE: Final = 18


def questions_needed(catalogue: Catalogue, answers: Answers, as_of: date) -> list[str]:
    """The facts still missing, the next question first.

    Age and travelling alone come first; then the fact that settles the most open pathways
    (ties in the catalogue's order). A fact that no pathway in force needs is never asked:
    closed pathways ask nothing.
    """
    counts: dict[str, int] = {}
    child_alone = answers.facts.get("unaccompanied_minor") is True
    for decision in catalogue.screen(answers.profile(), as_of):
        policy = catalogue.in_effect(decision.pathway, as_of)
        if child_alone and policy is not None and not policy.asks_unaccompanied_children:
            continue  # a child travelling alone is asked about protection, not work or travel
        for fact in decision.missing_facts:
            if fact not in answers.skipped and fact not in answers.facts:
                counts[fact] = counts.get(fact, 0) + 1
    first = [f for f in FIRST_QUESTIONS if f not in answers.facts and f not in answers.skipped]
    ranked = sorted(counts, key=lambda fact: -counts[fact])  # stable: catalogue order on ties
    return [*first, *(fact for fact in ranked if fact not in first)]


def with_derived(answers: Answers, as_of: date) -> Answers:
    """An adult is not an unaccompanied child: that answer follows from the birth date."""
    born = answers.facts.get("birth_date")
    if born is None or "unaccompanied_minor" in answers.facts:
        return answers
    if date.fromisoformat(born) <= years_before(as_of, ADULT_AGE):
        return answers.with_answer("unaccompanied_minor", False)
    return answers


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _date(form: Mapping[str, Any], suffix: str, today: date) -> tuple[date | None, str | None]:
    parts = [_text(form, f"{unit}{suffix}") for unit in ("day", "month", "year")]
    if not all(parts):
        return None, "date_missing"
    try:
        day, month, year = (int(part) for part in parts)
        value = date(year, month, day)
    except ValueError:
        return None, "date_invalid"
    if value > today or year < 1900:
        return None, "date_future" if value > today else "date_invalid"
    return value, None


def _country(value: str, countries: Mapping[str, str]) -> str | None:
    """A country the page lists and ISO 3166-1 assigns (CLDR also names XK, EA, IC...)."""
    return value if value in countries and value in ISO_COUNTRIES else None


def assigned_countries(names: Mapping[str, str]) -> dict[str, str]:
    """The countries a page may offer: those with an assigned ISO 3166-1 code."""
    return {code: name for code, name in names.items() if code in ISO_COUNTRIES}


def parse_answer(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    """The value of one fact from its page's form, or errors keyed by the field's id."""
    kind = FACTS[fact].kind
    parser = _PARSERS[kind]
    return parser(fact, form, countries, today)


def _boolean(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    answer = _text(form, "answer")
    if answer not in ("yes", "no"):
        return FormResult(errors={"answer": "choose_yes_no"})
    return FormResult(value=answer == "yes")


def _country_fact(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    code = _country(_text(form, "answer"), countries)
    return FormResult(value=code) if code else FormResult(errors={"answer": "choose_country"})


def _region(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    answer = _text(form, "answer")
    if answer == ELSEWHERE:
        return FormResult(skipped=True)
    if answer not in MEXICAN_STATES:
        return FormResult(errors={"answer": "choose_region"})
    return FormResult(value=answer)


def _date_fact(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    value, error = _date(form, "", today)
    if error:
        return FormResult(errors={"day": error})
    assert value is not None
    return FormResult(value=value.isoformat())


def _documents(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    raw = form.get("answer", [])
    chosen = [raw] if isinstance(raw, str) else [str(item) for item in raw]
    documents = [item for item in chosen if item in DOCUMENT_TYPES]
    if "none" in chosen and documents:
        return FormResult(errors={"answer": "none_and_documents"})
    if not documents and "none" not in chosen:
        return FormResult(errors={"answer": "choose_documents"})
    return FormResult(value=sorted(documents))


def _rows_filled(form: Mapping[str, Any], first: str, row: int) -> bool:
    names = (first, "day", "month", "year")
    return any(_text(form, f"{name}-{row}") for name in names)


def _household(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    members: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for row in range(1, ROWS + 1):
        if not _rows_filled(form, "relation", row):
            continue
        relation = _text(form, f"relation-{row}")
        if relation not in RELATIONS:
            errors[f"relation-{row}"] = "choose_relation"
        born, error = _date(form, f"-{row}", today)
        if error:
            errors[f"day-{row}"] = error
        if relation in RELATIONS and born is not None:
            members.append({"relation": relation, "birth_date": born.isoformat()})
    return FormResult(errors=errors) if errors else FormResult(value=members)


def _entries(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    entries: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for row in range(1, ROWS + 1):
        if not _rows_filled(form, "country", row):
            continue
        country = _country(_text(form, f"country-{row}"), countries)
        if not country:
            errors[f"country-{row}"] = "choose_country"
        when, error = _date(form, f"-{row}", today)
        if error:
            errors[f"day-{row}"] = error
        if country and when is not None:
            entries.append({"country": country, "date": when.isoformat()})
    return FormResult(errors=errors) if errors else FormResult(value=entries)


def _record(
    fact: str, form: Mapping[str, Any], countries: Mapping[str, str], today: date
) -> FormResult:
    has = _text(form, "answer")
    if has not in ("yes", "no"):
        return FormResult(errors={"answer": "choose_yes_no"})
    if has == "no":
        return FormResult(value=None)
    if fact == "job_offer":
        country = _country(_text(form, "country"), countries)
        visa = _text(form, "visa_class")
        errors = {}
        if not country:
            errors["country"] = "choose_country"
        if visa not in VISA_CLASSES:
            errors["visa_class"] = "choose_visa"
        return (
            FormResult(errors=errors)
            if errors
            else FormResult(value={"country": country, "visa_class": visa})
        )
    status, petition = _text(form, "status"), _text(form, "petition")
    errors = {}
    if status not in US_STATUSES:
        errors["status"] = "choose_status"
    if petition not in PETITION_STATES:
        errors["petition"] = "choose_petition"
    return (
        FormResult(errors=errors)
        if errors
        else FormResult(value={"status": status, "petition": petition})
    )


_Parser = Callable[[str, Mapping[str, Any], Mapping[str, str], date], FormResult]
_PARSERS: Final[dict[FactKind, _Parser]] = {
    FactKind.BOOLEAN: _boolean,
    FactKind.COUNTRY: _country_fact,
    FactKind.REGION: _region,
    FactKind.DATE: _date_fact,
    FactKind.TERMS: _documents,
    FactKind.HOUSEHOLD: _household,
    FactKind.ENTRIES: _entries,
    FactKind.RECORD: _record,
}


def describe_answer(
    fact: str,
    value: Any,
    gettext: NullTranslations,
    place_name: Callable[[str], str],
    format_day: Callable[[date], str],
) -> list[str]:
    """An answer in words for the check-your-answers page, one line per item."""
    _ = gettext.gettext
    kind = FACTS[fact].kind
    if kind is FactKind.BOOLEAN:
        return [_("Yes") if value else _("No")]
    if kind is FactKind.COUNTRY:
        return [place_name(value)]
    if kind is FactKind.REGION:
        return [place_name(value)]
    if kind is FactKind.DATE:
        return [format_day(date.fromisoformat(value))]
    if kind is FactKind.TERMS:
        return [_(VOCABULARY[item]) for item in value] or [_("None of these")]
    if kind is FactKind.HOUSEHOLD:
        lines = [
            f"{_(VOCABULARY[m['relation']])}: {format_day(date.fromisoformat(m['birth_date']))}"
            for m in value
        ]
        return lines or [_("I travel alone")]
    if kind is FactKind.ENTRIES:
        lines = [
            f"{place_name(e['country'])}: {format_day(date.fromisoformat(e['date']))}"
            for e in value
        ]
        return lines or [_("None")]
    if value is None:
        return [_("No")]
    return [
        _(VOCABULARY[item]) if item in VOCABULARY else place_name(item) for item in value.values()
    ]
