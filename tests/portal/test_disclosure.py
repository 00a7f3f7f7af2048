"""Disclosure control, as properties: over any table, no published number is below 10, every
published number is true, and no hidden number can be worked out from the published ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corredor.portal.domain.disclosure import THRESHOLD, Protected, bordered, protect

# counts that are often small, so that suppression has work to do
COUNT = st.one_of(st.integers(0, 12), st.integers(0, 400))
TABLES = st.integers(1, 6).flatmap(
    lambda columns: st.lists(
        st.lists(COUNT, min_size=columns, max_size=columns), min_size=1, max_size=8
    )
)


def recoverable(table: Protected) -> list[tuple[int, int]]:
    """The hidden numbers that linear algebra gives back from the published ones: those whose
    unit vector lies in the row space of the lines' equations over the hidden numbers."""
    hidden = [
        (r, c)
        for r in range(table.rows + 1)
        for c in range(table.columns + 1)
        if table.grid[r][c] is None
    ]
    if not hidden:
        return []
    index = {position: i for i, position in enumerate(hidden)}
    equations = []
    for r in range(table.rows + 1):  # each row: its cells minus its total
        row = np.zeros(len(hidden))
        for c in range(table.columns + 1):
            if (r, c) in index:
                row[index[(r, c)]] = -1 if c == table.columns else 1
        equations.append(row)
    for c in range(table.columns + 1):  # each column: its cells minus its total
        column = np.zeros(len(hidden))
        for r in range(table.rows + 1):
            if (r, c) in index:
                column[index[(r, c)]] = -1 if r == table.rows else 1
        equations.append(column)
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for position, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(position)
    return found


@settings(max_examples=300, deadline=None)
@given(TABLES)
def test_no_small_number_is_published_and_every_published_number_is_true(
    values: list[list[int]],
) -> None:
    table = protect(values)
    truth = bordered(values)
    for r, line in enumerate(table.grid):
        for c, shown in enumerate(line):
            if truth[r][c] < THRESHOLD:
                assert shown is None
            if shown is not None:
                assert shown == truth[r][c]
                assert shown >= THRESHOLD


@settings(max_examples=300, deadline=None)
@given(TABLES)
def test_no_hidden_number_can_be_worked_out_from_the_totals(values: list[list[int]]) -> None:
    assert recoverable(protect(values)) == []


def test_the_check_can_fail_one_hidden_cell_in_a_row_is_given_away_by_its_total() -> None:
    naive = Protected(rows=1, columns=2, grid=((4, None, 60), (4, None, 60)))
    assert (0, 1) in recoverable(naive)


def test_a_single_small_cell_takes_a_second_one_with_it() -> None:
    table = protect([[5, 50], [40, 30]])
    assert table.cell(0, 0) is None
    hidden = sum(v is None for line in table.grid for v in line)
    assert hidden >= 4  # a cycle: two rows and two columns of the bordered table
    assert table.total == 125


def test_large_tables_publish_everything() -> None:
    table = protect([[50, 60], [70, 80]])
    assert table.grid == ((50, 60, 110), (70, 80, 150), (120, 140, 260))


def test_an_empty_table_is_one_hidden_total() -> None:
    assert protect([]).grid == ((None,),)
