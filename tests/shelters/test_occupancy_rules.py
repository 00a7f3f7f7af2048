"""The rules of an occupancy report, alone: each broken rule is named by the field to fix."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corredor.shelters.domain.occupancy import (
    BREAKDOWN,
    COUNTS,
    FieldProblem,
    Occupancy,
    Problem,
    free_places,
    problems,
)
from corredor.shelters.domain.registry import Zone, zone_of
from tests.shelters.conftest import report


def occupancy(**changes: int | str | None) -> Occupancy:
    return Occupancy.model_validate(report(**changes))


def test_a_consistent_report_has_no_problem() -> None:
    assert problems(occupancy(), capacity=40) == []


def test_a_negative_count_is_named_by_its_field() -> None:
    assert problems(occupancy(arrivals=-1), capacity=40) == [
        FieldProblem(field="arrivals", problem=Problem.NEGATIVE)
    ]


def test_a_breakdown_that_does_not_add_up_is_named() -> None:
    found = problems(occupancy(present=13), capacity=40)
    assert found == [FieldProblem(field=BREAKDOWN[0], problem=Problem.BREAKDOWN_TOTAL)]


def test_more_unaccompanied_children_than_children_is_refused() -> None:
    found = problems(occupancy(unaccompanied_children=6), capacity=40)
    assert [p.field for p in found] == ["unaccompanied_children"]


def test_more_people_waiting_than_present_is_refused() -> None:
    found = problems(occupancy(waiting_work=5), capacity=40)
    assert found == [
        FieldProblem(field="waiting_appointment", problem=Problem.WAITING_OVER_PRESENT)
    ]


def test_over_capacity_needs_a_note_and_is_accepted_with_one() -> None:
    assert problems(occupancy(), capacity=10) == [
        FieldProblem(field="note", problem=Problem.OVER_CAPACITY_NEEDS_NOTE)
    ]
    assert problems(occupancy(note="   "), capacity=10)[0].field == "note"
    assert problems(occupancy(note="Llegó un grupo de noche"), capacity=10) == []


@given(st.sampled_from(COUNTS), st.integers(max_value=-1))
def test_any_negative_count_is_named(field: str, value: int) -> None:
    found = problems(occupancy(**{field: value}), capacity=40)
    assert FieldProblem(field=field, problem=Problem.NEGATIVE) in found


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=6, max_size=6), st.integers(0, 3))
def test_the_breakdown_must_equal_present(cells: list[int], off: int) -> None:
    body = report(**dict(zip(BREAKDOWN, cells, strict=True)))
    body.update(present=sum(cells) + off, families=0, unaccompanied_children=0)
    body.update(dict.fromkeys(("waiting_appointment", "waiting_parole", "waiting_comar"), 0))
    found = problems(Occupancy.model_validate(body), capacity=10_000)
    assert (Problem.BREAKDOWN_TOTAL in [p.problem for p in found]) == (off != 0)


def test_free_places_never_go_below_zero() -> None:
    assert free_places(40, 12) == 28
    assert free_places(10, 12) == 0


def test_the_zone_follows_the_iso_region() -> None:
    assert zone_of("MX-CHP") is Zone.SOUTH
    assert zone_of("MX-TAM") is Zone.NORTH
    assert zone_of("MX-CMX") is Zone.MEXICO_CITY
    assert zone_of("MX-JAL") is Zone.CENTRE
