"""Disclosure control: no published cell counts fewer than 10 people, and no total gives a
hidden cell away.

A table is its inner cells with their row totals, column totals and grand total. Seen whole,
every line of it (a row with its total, a column with its total) is an equation: the cells sum
to the total. Hiding a cell protects it only if no combination of those equations gives it back.

1. Primary suppression: every cell and every total below THRESHOLD is hidden ("fewer than 10").
2. Secondary suppression: put each line's total in the line with a minus sign, so every line of
   the bordered table sums to zero. A hidden cell is then an edge between its row and its column
   in a graph of lines, and it can be worked out from what is published exactly when that edge
   is a bridge (it lies on no cycle). While some hidden cell is a bridge, the smallest published
   cell in its row or column is hidden too, which adds edges until every hidden cell lies on a
   cycle, each cycle's cells moving together without changing any published number.

This guards against exact recovery by arithmetic. Bounds remain (a hidden cell is between 0 and
its line's published total, and is known to be below 10 when primary), which is what the rule
says anyway. No noise is added: counts here are administrative tallies that readers add up, and
suppression keeps every published number true and every table additive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

THRESHOLD: Final = 10
Position = tuple[int, int]


@dataclass(frozen=True)
class Protected:
    """A bordered table as published: `None` where a number is hidden. Row `rows` is the column
    totals, column `columns` the row totals, and the corner the grand total."""

    rows: int
    columns: int
    grid: tuple[tuple[int | None, ...], ...]

    def cell(self, row: int, column: int) -> int | None:
        return self.grid[row][column]

    def row_total(self, row: int) -> int | None:
        return self.grid[row][self.columns]

    def column_total(self, column: int) -> int | None:
        return self.grid[self.rows][column]

    @property
    def total(self) -> int | None:
        return self.grid[self.rows][self.columns]


def bordered(values: Sequence[Sequence[int]]) -> list[list[int]]:
    """The cells with a total at the end of each row and a row of column totals below."""
    columns = len(values[0]) if values else 0
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(row[c] for row in grid) for c in range(columns + 1)])
    return grid


def _bridges(hidden: set[Position], rows: int, columns: int) -> list[Position]:
    """The hidden cells that lie on no cycle of the graph of lines (rows and columns of the
    bordered table are its nodes, hidden cells its edges): exactly those arithmetic recovers."""
    adjacent: dict[str, list[tuple[str, Position]]] = {}
    for r, c in hidden:
        adjacent.setdefault(f"r{r}", []).append((f"c{c}", (r, c)))
        adjacent.setdefault(f"c{c}", []).append((f"r{r}", (r, c)))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: list[Position] = []
    for root in sorted(adjacent):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[str, Position | None, int]] = [(root, None, 0)]
        while stack:
            node, via, index = stack.pop()
            edges = adjacent[node]
            if index < len(edges):
                stack.append((node, via, index + 1))
                neighbour, edge = edges[index]
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, 0))
            elif via is not None:
                parent = next(n for n, e in adjacent[node] if e == via)
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    found.append(via)
    return sorted(found)


def _cheapest_fix(
    grid: list[list[int]], hidden: set[Position], bridges: list[Position]
) -> Position | None:
    """The published cell in a bridge's row or column with the fewest people (the least
    information lost), inner cells before totals; None if every such cell is hidden."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    candidates = {
        p
        for r, c in bridges
        for p in [(r, k) for k in range(last_column + 1)] + [(k, c) for k in range(last_row + 1)]
        if p not in hidden
    }
    if not candidates:
        return None
    component = _components(hidden)

    def cost(p: Position) -> tuple[bool, bool, int, Position]:
        row, column = component.get(f"r{p[0]}"), component.get(f"c{p[1]}")
        closes_a_cycle = row is not None and row == column
        is_total = p[0] == last_row or p[1] == last_column
        return (not closes_a_cycle, is_total, grid[p[0]][p[1]], p)

    return min(candidates, key=cost)


def _components(hidden: set[Position]) -> dict[str, str]:
    """Which connected part of the graph of lines each line belongs to (union-find)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for r, c in hidden:
        parent[root(f"r{r}")] = root(f"c{c}")
    return {node: root(node) for node in list(parent)}


def protect(values: Sequence[Sequence[int]], threshold: int = THRESHOLD) -> Protected:
    """The table with its totals, every number below `threshold` hidden, and as many more as it
    takes so that no hidden number can be worked out from the published ones."""
    if any(v < 0 for row in values for v in row):
        raise ValueError("counts are never negative")
    grid = bordered(values)
    rows, columns = len(values), len(grid[0]) - 1
    hidden = {
        (r, c) for r, line in enumerate(grid) for c, value in enumerate(line) if value < threshold
    }
    while True:
        bridges = _bridges(hidden, rows, columns)
        if not bridges:
            break
        added = _cheapest_fix(grid, hidden, bridges)
        if added is None:  # every line through a bridge is hidden already: hide everything
            hidden = {(r, c) for r in range(rows + 1) for c in range(columns + 1)}
            break
        hidden.add(added)
    published = tuple(
        tuple(None if (r, c) in hidden else value for c, value in enumerate(line))
        for r, line in enumerate(grid)
    )
    return Protected(rows=rows, columns=columns, grid=published)
