"""Requests and capacity files: Parquet list columns, CSV strings, YAML ranges of days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from corredor.allocation.engine import NO_COHORT
from corredor.allocation.files import TableError, read_capacity, read_requests


def test_parquet_with_a_list_of_people(tmp_path: Path) -> None:
    path = tmp_path / "requests.parquet"
    pl.DataFrame(
        {
            "request_id": ["a", "b"],
            "site": ["s2", "s1"],
            "people": [["x", "y", "z"], ["w"]],
            "waiting_since": [date(2026, 1, 1), date(2025, 6, 1)],
            "cohort": ["phase-1", None],
            "urgent": [True, False],
        }
    ).write_parquet(path)
    columns = read_requests(path)
    assert list(columns.ids) == ["a", "b"]
    assert [columns.sites[i] for i in columns.site] == ["s2", "s1"]
    assert columns.size.tolist() == [3, 1]
    assert columns.cohort.tolist() == [0, NO_COHORT]
    assert columns.urgent.tolist() == [True, False]
    assert str(columns.waiting_since[1]) == "2025-06-01"


def test_csv_defaults_cohort_and_urgent(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_text("request_id,site,people,waiting_since\n7,s,x;y,2026-01-01\n")
    columns = read_requests(path)
    assert list(columns.ids) == ["7"]
    assert columns.size.tolist() == [2]
    assert columns.urgent.tolist() == [False]
    assert columns.cohort.tolist() == [NO_COHORT]


def test_capacity_ranges_expand_to_days(tmp_path: Path) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(
        "capacity:\n"
        "  - {site: a, from: 2026-03-30, until: 2026-04-01, seats: 10, quotas: {phase-1: 4}}\n"
        "  - {site: b, from: 2026-03-30, seats: 5}\n"
    )
    days = read_capacity(path)
    assert [(d.site, d.day.isoformat()) for d in days] == [
        ("a", "2026-03-30"),
        ("a", "2026-03-31"),
        ("a", "2026-04-01"),
        ("b", "2026-03-30"),
    ]
    assert days[0].quotas == (("phase-1", 4),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("capacity: []\n", "capacity: List should have at least 1 item"),
        (
            "capacity:\n  - {site: a, from: 2026-03-30, until: 2026-03-01, seats: 1}\n",
            "until is before from",
        ),
        (
            "capacity:\n  - {site: a, from: 2026-03-30, seats: 1, colour: red}\n",
            "capacity.0.colour",
        ),
        ("capacity: [", "not valid YAML"),
    ],
)
def test_bad_capacity_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(text)
    with pytest.raises(TableError, match=message.replace("(", r"\(")):
        read_capacity(path)


def test_unknown_file_types_are_refused(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text("{}")
    with pytest.raises(TableError, match=r"expected a \.csv or \.parquet"):
        read_requests(tmp_path / "r.json")
    with pytest.raises(TableError, match="no such file"):
        read_requests(tmp_path / "missing.csv")
