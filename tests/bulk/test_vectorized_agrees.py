"""The vectorized evaluator agrees with the scalar engine, on random profiles and random rules."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from corredor.screening.bulk.vectorized import compile_predicate, profiles_to_frame, screen_frame
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.facts import DOCUMENT_TYPES, RELATIONS, FactError, Profile
from corredor.screening.domain.predicates import Predicate
from corredor.screening.domain.rules import Outcome, evaluate_tree
from tests.strategies import COUNTRIES, REGIONS, as_of_dates, dates, profiles

PREDICATE = TypeAdapter(Predicate)


@settings(max_examples=60, deadline=None)
@given(people=st.lists(profiles(), min_size=1, max_size=25), as_of=as_of_dates)
def test_catalogue_outcomes_agree(catalogue: Catalogue, people: list[Profile], as_of: date) -> None:
    table = screen_frame(catalogue, profiles_to_frame(people), as_of)
    for row, person in enumerate(people):
        future = person.dates_after(as_of)
        if future:  # bad input: the scalar screener refuses it, naming the field
            with pytest.raises(FactError) as refused:
                catalogue.screen(person, as_of)
            assert refused.value.field == future[0].field
            continue
        for decision in catalogue.screen(person, as_of):
            assert table[decision.pathway][row] == decision.outcome.value, (
                decision.pathway,
                person,
                as_of,
            )


def clauses() -> st.SearchStrategy[dict]:
    country_list = st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3, unique=True)
    age = st.integers(min_value=0, max_value=30)
    return st.one_of(
        st.builds(
            lambda f, v: {"fact": f, "equals": v},
            st.sampled_from(["criminal_history", "us_supporter", "unaccompanied_minor"]),
            st.booleans(),
        ),
        st.builds(lambda v: {"fact": "nationality", "in": v}, country_list),
        st.builds(lambda v: {"fact": "current_country", "not_in": v}, country_list),
        st.builds(lambda v: {"fact": "current_region", "equals": v}, st.sampled_from(REGIONS)),
        st.builds(
            lambda v: {"fact": "documents", "contains_any": v},
            st.lists(st.sampled_from(sorted(DOCUMENT_TYPES)), min_size=1, max_size=2),
        ),
        st.builds(
            lambda op, d: {"fact": "in_country_since", op: d.isoformat()},
            st.sampled_from(["on_or_before", "after"]),
            dates,
        ),
        st.builds(
            lambda op, n: {"fact": "birth_date", op: n},
            st.sampled_from(
                [
                    "age_at_least",
                    "age_below",
                    "within_years",
                ]
            ),
            age,
        ),
        st.builds(
            lambda rel, below, least: {
                "fact": "household",
                "any_member": {"relation_in": rel, "age_below": below, "age_at_least": least},
            },
            st.lists(st.sampled_from(sorted(RELATIONS)), min_size=1, max_size=2),
            st.none() | age,
            st.none() | age,
        ),
        st.builds(
            lambda op, c, d: {
                "fact": "irregular_entries",
                op: {"country_in": c, "after": d.isoformat()},
            },
            st.sampled_from(["any_entry", "no_entry"]),
            country_list,
            dates,
        ),
        st.builds(
            lambda f, v: {"fact": f, "in": v},
            st.sampled_from(["job_offer.country", "us_relative.status"]),
            st.lists(st.sampled_from(["US", "MX", "citizen", "tps"]), min_size=1),
        ),
        st.builds(lambda v: {"fact": "job_offer", "exists": v}, st.booleans()),
    )


def _judged(node: dict, judgement: bool) -> dict:
    """A node that, where not met, needs legal judgement (reads unknown in both engines)."""
    return {**node, "judgement": True} if judgement else node


trees = st.recursive(
    st.builds(_judged, clauses(), st.booleans()),
    lambda inner: st.one_of(
        st.builds(
            lambda parts, j: _judged({"all": parts}, j), st.lists(inner, max_size=3), st.booleans()
        ),
        st.builds(
            lambda parts, j: _judged({"any": parts}, j), st.lists(inner, max_size=3), st.booleans()
        ),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(tree=trees, people=st.lists(profiles(), min_size=1, max_size=10), as_of=as_of_dates)
def test_random_rules_agree(tree: dict, people: list[Profile], as_of: date) -> None:
    node = PREDICATE.validate_python(tree)
    frame = profiles_to_frame(people)
    vectorized = frame.select(compile_predicate(node, as_of).alias("value"))["value"].to_list()
    if len(vectorized) == 1 and len(people) > 1:  # a constant tree broadcasts to one row
        vectorized = vectorized * len(people)
    scalar = [evaluate_tree(node, p.known_facts(), as_of).value for p in people]
    assert vectorized == scalar


def test_an_empty_table_screens_to_an_empty_result(catalogue: Catalogue) -> None:
    result = screen_frame(catalogue, profiles_to_frame([]), date(2026, 1, 1))
    assert result.height == 0
    assert result.columns == catalogue.pathway_ids()


def test_missing_columns_are_unknown(catalogue: Catalogue) -> None:
    frame = pl.DataFrame({"nationality": ["HT"]})
    result = screen_frame(catalogue, frame, date(2026, 11, 23))
    assert result["mx-us-joint-corridor"][0] == Outcome.UNKNOWN.value
    assert result["us-chnv-parole"][0] == Outcome.NOT_ELIGIBLE.value  # closed on that date
