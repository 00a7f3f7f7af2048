"""The portal's tables as open data files: CSV with an HXL hashtag row under the header (for
HDX and the Humanitarian Exchange Language tools), JSON, Parquet, and a Frictionless Data
Package descriptor (`datapackage.json`) that defines every field.

Each table is written long: one row per period (or state, border point, allocation window or
language) and series, the row totals as the series `total`; a hidden cell has no value and the
note "fewer than 10".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from corredor.portal.schemas import PublishedRow, PublishedTable, Statistics, StepDuration

HIDDEN: Final = "fewer than 10"
# ISO 3166-1: every state and border point published is in Mexico; the screener's use and the
# allocation windows are counted where the platform runs, Mexico too
COUNTRY: Final = "MX"
LICENSE: Final = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Frictionless Table Schema type
    hxl: str
    description: str


ROW_FIELDS: Final[dict[str, list[Field]]] = {
    "period": [Field("date", "date", "#date+start", "First day of the period (ISO 8601)")],
    "region": [Field("region", "string", "#adm1+code", "State (ISO 3166-2)")],
    "place": [
        Field("border_point", "string", "#loc+code", "INM border point (id in data/sites.yaml)"),
        Field("region", "string", "#adm1+code", "The border point's state (ISO 3166-2)"),
    ],
    "window": [
        Field("window", "string", "#meta+id", "Allocation window (its id)"),
        Field("date", "date", "#date+start", "The window's first day of appointments"),
        Field("draw", "string", "#meta+draw", "The published draw: /allocation/results/<draw>"),
    ],
    "nationality": [
        Field("nationality", "string", "#group+nationality+code", "Nationality (ISO 3166-1)")
    ],
    "language": [
        Field("language", "string", "#meta+lang", "Language of the pages (ISO 639-1; other)")
    ],
}


def fields_of(table: PublishedTable) -> list[Field]:
    return [
        *ROW_FIELDS[table.rows_are],
        Field("country", "string", "#country+code", "Country (ISO 3166-1 alpha-2)"),
        Field("series", "string", table.series_tag, f"One of: {', '.join(table.series)}, total"),
        Field("value", "integer", table.value_tag, f"{table.description} Unit: {table.unit}."),
        Field("note", "string", "#meta+note", f'"{HIDDEN}" where the value is hidden'),
    ]


def _where(rows_are: str, row: PublishedRow) -> dict[str, object]:
    if rows_are == "place":
        return {"border_point": row.key, "region": row.region}
    if rows_are == "window":
        day = row.first_day.isoformat() if row.first_day else None
        return {"window": row.key, "date": day, "draw": row.draw}
    return {ROW_FIELDS[rows_are][0].name: row.key}


def records(table: PublishedTable) -> Iterator[dict[str, object]]:
    for row in table.rows:
        for series, value in [*zip(table.series, row.values, strict=True), ("total", row.total)]:
            yield {
                **_where(table.rows_are, row),
                "country": COUNTRY,
                "series": series,
                "value": value,
                "note": HIDDEN if value is None else "",
            }


DURATION_FIELDS: Final = [
    Field("from_step", "string", "#indicator+from", "The earlier step of the corridor"),
    Field("to_step", "string", "#indicator+to", "The later step, reached in the period"),
    Field("households", "integer", "#affected+households+num", "Households that took the step"),
    Field("median_days", "integer", "#indicator+median+days", "Median days between the steps"),
    Field("p90_days", "integer", "#indicator+p90+days", "90th percentile of the days"),
    Field("note", "string", "#meta+note", f'"{HIDDEN}" where the figures are hidden'),
]


def duration_records(durations: list[StepDuration]) -> Iterator[dict[str, object]]:
    for d in durations:
        yield {
            "from_step": d.from_step,
            "to_step": d.to_step,
            "households": d.households,
            "median_days": d.median_days,
            "p90_days": d.p90_days,
            "note": HIDDEN if d.households is None else "",
        }


def as_csv(fields: list[Field], rows: list[dict[str, object]]) -> bytes:
    """The header, then the HXL hashtags, then the data."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([f.name for f in fields])
    writer.writerow([f.hxl for f in fields])
    for row in rows:
        writer.writerow(["" if row[f.name] is None else row[f.name] for f in fields])
    return text.getvalue().encode("utf-8")


def as_json(fields: list[Field], rows: list[dict[str, object]]) -> bytes:
    return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def as_parquet(fields: list[Field], rows: list[dict[str, object]]) -> bytes:
    import polars as pl  # noqa: PLC0415 - only the Parquet files need it; the API starts without

    types = {"integer": pl.Int64, "string": pl.Utf8, "date": pl.Utf8}
    frame = pl.DataFrame(
        {f.name: [row[f.name] for row in rows] for f in fields},
        schema={f.name: types[f.type] for f in fields},
    )
    frame = frame.with_columns([pl.col(f.name).str.to_date() for f in fields if f.type == "date"])
    out = io.BytesIO()
    frame.write_parquet(out)
    return out.getvalue()


WRITERS: Final = {"csv": as_csv, "json": as_json, "parquet": as_parquet}


def files(figures: Statistics) -> dict[str, bytes]:
    """Every file of the publication, by name: three forms of each table and the descriptor."""
    tables = [
        (table.id, table.title, fields_of(table), list(records(table))) for table in figures.tables
    ]
    tables.append(
        (
            "step-durations",
            "Days from one step of the corridor to the next",
            DURATION_FIELDS,
            list(duration_records(figures.durations)),
        )
    )
    written: dict[str, bytes] = {}
    resources = []
    for name, title, fields, rows in tables:
        for suffix, writer in WRITERS.items():
            written[f"{name}.{suffix}"] = writer(fields, rows)
        resources.append(
            {
                "name": name,
                "title": title,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                # the HXL hashtag row under the header is not data
                "dialect": {"commentRows": [2]},
                "schema": {
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "description": f.description,
                            "rdfType": "",
                        }
                        | {"hxl": f.hxl}
                        for f in fields
                    ]
                },
            }
        )
    descriptor = {
        "name": f"corredor-monitoring-{figures.period.value}",
        "title": "Corredor: monitoring of the safe, legal migration corridor",
        "description": "People waiting in shelters along the route, the steps of the "
        "corridor, TVRH cards by border point, appointment requests and seats by allocation "
        f"window, and the screener's use, by {figures.period.value}, from {figures.first_day} "
        f"to {figures.last_day}. "
        f"No published cell counts fewer than {figures.threshold} people: smaller cells, and "
        "any a total would give away, are empty with the note 'fewer than 10'.",
        "version": figures.last_day.isoformat(),
        "created": figures.updated_at.isoformat(),
        "licenses": [LICENSE],
        "resources": resources,
    }
    written["datapackage.json"] = (json.dumps(descriptor, indent=2) + "\n").encode("utf-8")
    return written
