"""Reading tables of profiles (Parquet or CSV) for bulk screening, with clear errors.

CSV cells hold text: booleans as true/false, dates as YYYY-MM-DD, and the list and record facts
(documents, household, irregular_entries, job_offer, us_relative) as JSON, for example
``[{"relation": "child", "birth_date": "2022-05-01"}]``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from corredor.kernel.domain.countries import ISO_COUNTRIES
from corredor.screening.bulk.vectorized import FRAME_SCHEMA
from corredor.screening.domain.facts import (
    DOCUMENT_TYPES,
    FACTS,
    RELATIONS,
    FactKind,
)
from corredor.screening.domain.problems import TableError

PASS_THROUGH = ("id",)
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")
_PATTERNS = {FactKind.COUNTRY: r"^[A-Z]{2}$", FactKind.REGION: r"^[A-Z]{2}-[A-Z0-9]{1,3}$"}


def read_profiles(path: Path) -> pl.DataFrame:
    """A table in FRAME_SCHEMA layout (plus an `id` column if given), validated."""
    shown = str(path)
    if not path.is_file():
        raise TableError(shown, "", "no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pl.read_parquet(path)
    elif suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False)
    else:
        raise TableError(shown, "", "expected a .parquet or .csv file")
    unknown = [name for name in frame.columns if name not in FACTS and name not in PASS_THROUGH]
    if unknown:
        raise TableError(
            shown, unknown[0], f"not a fact; expected one of {', '.join(sorted(FACTS))} or id"
        )
    columns = [_typed(frame, name, shown) for name in frame.columns if name in FACTS]
    typed = frame.with_columns(columns)
    for name in typed.columns:
        if name in FACTS:
            _check_vocabulary(typed, name, shown)
    return typed


def _typed(frame: pl.DataFrame, name: str, file: str) -> pl.Series:
    column = frame.get_column(name)
    dtype = FRAME_SCHEMA[name]
    if column.dtype == dtype:
        return column
    if column.dtype != pl.String:
        try:
            return column.cast(dtype)
        except pl.exceptions.PolarsError:
            raise TableError(file, name, f"expected {dtype}, got {column.dtype}") from None
    kind = FACTS[name].kind
    text = column.str.strip_chars().replace("", None)
    if kind is FactKind.BOOLEAN:
        lowered = text.str.to_lowercase()
        typed = (
            pl.select(
                pl.when(lowered.is_in(_TRUE))
                .then(True)
                .when(lowered.is_in(_FALSE))
                .then(False)
                .otherwise(None)
            )
            .to_series()
            .alias(name)
        )
        expected = "true or false"
    elif kind is FactKind.DATE:
        typed = text.str.to_date("%Y-%m-%d", strict=False)
        expected = "a date as YYYY-MM-DD"
    elif dtype == pl.String:
        return text
    else:
        try:
            typed = text.str.json_decode(dtype)
        except pl.exceptions.PolarsError as error:
            raise TableError(file, name, f"expected JSON of shape {dtype}: {error}") from None
        expected = f"JSON of shape {dtype}"
    bad = (text.is_not_null() & typed.is_null()).arg_true()
    if len(bad):
        row = int(bad[0])
        raise TableError(file, name, f"expected {expected}, got {text[row]!r}", row + 1)
    return typed


def _check_vocabulary(frame: pl.DataFrame, name: str, file: str) -> None:
    kind = FACTS[name].kind
    column = frame.get_column(name)
    if kind in _PATTERNS:
        bad = (column.is_not_null() & ~column.str.contains(_PATTERNS[kind])).arg_true()
        if len(bad):
            row = int(bad[0])
            raise TableError(file, name, f"not an ISO code: {column[row]!r}", row + 1)
        prefix = column if kind is FactKind.COUNTRY else column.str.slice(0, 2)
        unassigned = (column.is_not_null() & ~prefix.is_in(sorted(ISO_COUNTRIES))).arg_true()
        if len(unassigned):
            row = int(unassigned[0])
            raise TableError(
                file, name, f"not an assigned ISO 3166-1 code: {column[row]!r}", row + 1
            )
    elif kind is FactKind.TERMS:
        _check_words(column, name, file, sorted(DOCUMENT_TYPES))
    elif kind is FactKind.HOUSEHOLD:
        _check_words(
            column.list.eval(pl.element().struct.field("relation")), name, file, sorted(RELATIONS)
        )


def _check_words(column: pl.Series, name: str, file: str, allowed: list[str]) -> None:
    bad = column.list.eval(~pl.element().is_in(allowed)).list.any().fill_null(False).arg_true()
    if len(bad):
        row = int(bad[0])
        raise TableError(
            file, name, f"unknown value in {column[row].to_list()}; expected {allowed}", row + 1
        )


def check_dates(frame: pl.DataFrame, as_of: date, file: str) -> None:
    """Refuse a table with a date after the screening date (a birth date in the future...)."""
    limit = pl.lit(as_of)
    checks: list[tuple[str, pl.Expr]] = []
    for name in ("birth_date", "in_country_since"):
        if name in frame.columns:
            checks.append((name, pl.col(name) > limit))
    if "household" in frame.columns:
        member = pl.element().struct.field("birth_date") > limit
        checks.append(("household", pl.col("household").list.eval(member).list.any()))
    if "irregular_entries" in frame.columns:
        entry = pl.element().struct.field("date") > limit
        checks.append(
            ("irregular_entries", pl.col("irregular_entries").list.eval(entry).list.any())
        )
    for name, late in checks:
        rows = frame.select(late.fill_null(False).alias("late"))["late"].arg_true()
        if len(rows):
            raise TableError(
                file, name, f"a date after the screening date {as_of.isoformat()}", int(rows[0]) + 1
            )
