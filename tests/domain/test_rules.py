"""The scalar engine: operators, three-valued logic and dates."""

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from corredor.screening.domain.facts import Profile
from corredor.screening.domain.predicates import Predicate
from corredor.screening.domain.rules import evaluate_tree, years_before

PREDICATE = TypeAdapter(Predicate)
AS_OF = date(2026, 11, 23)


def value(tree: dict, **facts) -> bool | None:
    node = PREDICATE.validate_python(tree)
    return evaluate_tree(node, Profile(**facts).known_facts(), AS_OF).value


def test_unknown_fact_makes_a_clause_unknown() -> None:
    assert value({"fact": "criminal_history", "equals": False}) is None
    assert value({"fact": "criminal_history", "equals": False}, criminal_history=False) is True


@pytest.mark.parametrize(
    ("facts", "all_value", "any_value"),
    [
        ({"criminal_history": False, "us_supporter": True}, True, True),
        ({"criminal_history": True}, False, None),
        ({"us_supporter": True}, None, True),
        ({}, None, None),
        ({"criminal_history": True, "us_supporter": False}, False, False),
    ],
)
def test_all_and_any_follow_kleene_logic(
    facts: dict, all_value: bool | None, any_value: bool | None
) -> None:
    parts = [
        {"fact": "criminal_history", "equals": False},
        {"fact": "us_supporter", "equals": True},
    ]
    assert value({"all": parts}, **facts) is all_value
    assert value({"any": parts}, **facts) is any_value


def test_not_flips_known_values_and_keeps_unknown() -> None:
    tree = {"not": {"fact": "returned_from_us", "equals": True}}
    assert value(tree, returned_from_us=True) is False
    assert value(tree) is None


def test_empty_groups() -> None:
    assert value({"all": []}) is True
    assert value({"any": []}) is False


def test_age_turns_on_the_birthday() -> None:
    adult = {"fact": "birth_date", "age_at_least": 18}
    assert value(adult, birth_date=date(2008, 11, 23)) is True
    assert value(adult, birth_date=date(2008, 11, 24)) is False


def test_leap_day_birthdays() -> None:
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert years_before(date(2024, 2, 29), 4) == date(2020, 2, 29)


def test_household_member_with_age_bound() -> None:
    tree = {"fact": "household", "any_member": {"relation_in": ["child"], "age_below": 6}}
    assert value(tree, household=[{"relation": "child", "birth_date": date(2021, 1, 1)}]) is True
    assert value(tree, household=[{"relation": "child", "birth_date": date(2020, 11, 23)}]) is False
    assert value(tree, household=[{"relation": "spouse", "birth_date": date(2024, 1, 1)}]) is False
    assert value(tree, household=[]) is False
    assert value(tree) is None


def test_irregular_entries_strictly_after_the_cutoff() -> None:
    tree = {"fact": "irregular_entries", "no_entry": {"country_in": ["PA"], "after": "2022-10-19"}}
    on_cutoff = [{"country": "PA", "date": date(2022, 10, 19)}]
    after = [{"country": "PA", "date": date(2022, 10, 20)}]
    elsewhere = [{"country": "CR", "date": date(2023, 1, 1)}]
    assert value(tree, irregular_entries=on_cutoff) is True
    assert value(tree, irregular_entries=after) is False
    assert value(tree, irregular_entries=elsewhere) is True


def test_a_record_set_to_none_is_known() -> None:
    tree = {"fact": "job_offer.visa_class", "equals": "H-2A"}
    assert value(tree) is None  # not asked yet
    assert value(tree, job_offer=None) is False  # no job offer
    assert value(tree, job_offer={"country": "US", "visa_class": "H-2A"}) is True
    assert value({"fact": "job_offer", "exists": True}, job_offer=None) is False


def test_documents_contain_any() -> None:
    tree = {"fact": "documents", "contains_any": ["passport", "alternative_travel_document"]}
    assert value(tree, documents=["national_id"]) is False
    assert value(tree, documents=["national_id", "passport"]) is True


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"fact": "nationalty", "in": ["VE"]}, "unknown fact 'nationalty'"),
        ({"fact": "nationality", "in": ["VE"], "equals": "VE"}, "exactly one operator"),
        ({"fact": "nationality"}, "exactly one operator"),
        ({"fact": "criminal_history", "in": ["yes"]}, "does not apply to 'criminal_history'"),
        ({"fact": "criminal_history", "equals": "no"}, "needs a boolean"),
        ({"fact": "job_offer.salary", "equals": "x"}, "has no field 'salary'"),
        ({"fact": "household", "any_member": {"relation_in": ["cousin"]}}, "expected relations"),
        (
            {
                "fact": "irregular_entries",
                "no_entry": {"country_in": ["Panama"], "after": "2022-10-19"},
            },
            "ISO 3166-1",
        ),
    ],
)
def test_bad_clauses_are_refused_with_a_reason(tree: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PREDICATE.validate_python(tree)


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"nationality": "Venezuela"}, "nationality"),
        ({"current_region": "Chiapas"}, "current_region"),
        ({"documents": ["pasport"]}, "documents"),
        ({"household": [{"relation": "child"}]}, "household"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"birth_date": "yesterday"}, "birth_date"),
    ],
)
def test_bad_profiles_name_the_field(facts: dict, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Profile.model_validate(facts)
    assert raised.value.errors()[0]["loc"][0] == field
