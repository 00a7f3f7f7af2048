"""Screening a table of profiles at once, with the vectorized rules (Polars): kept apart from
the other use cases so that only `corredor screen-bulk` loads Polars."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from corredor.screening.bulk.tables import PASS_THROUGH, check_dates, read_profiles
from corredor.screening.bulk.vectorized import screen_frame
from corredor.screening.domain.catalogue import Catalogue
from corredor.screening.domain.rules import Outcome
from corredor.screening.schemas import ProfileTable, TableScreening


def read_profile_table(source: Path, as_of: date) -> ProfileTable:
    """A table of profiles (.parquet or .csv), checked; `TableError` names the column and row."""
    frame = read_profiles(source)
    check_dates(frame, as_of, source.name)
    return ProfileTable(name=source.name, frame=frame)


def screen_table(
    catalogue: Catalogue,
    table: ProfileTable,
    *,
    target: Path,
    as_of: date,
    batch_rows: int,
    advance: Callable[[int], None] = lambda rows: None,
) -> TableScreening:
    """Screen every profile against every pathway, `batch_rows` at a time (calling `advance`
    after each batch), and write one outcome column per pathway to `target` (.parquet)."""
    frame = table.frame
    keep = [name for name in PASS_THROUGH if name in frame.columns]
    parts = []
    for start in range(0, frame.height, batch_rows):
        batch = frame.slice(start, batch_rows)
        parts.append(screen_frame(catalogue, batch, as_of, keep=keep))
        advance(batch.height)
    result = pl.concat(parts) if parts else screen_frame(catalogue, frame, as_of, keep=keep)
    target.parent.mkdir(parents=True, exist_ok=True)
    result.write_parquet(target)
    counts = {
        pathway: {
            outcome.value: int((result.get_column(pathway) == outcome.value).sum())
            for outcome in Outcome
        }
        for pathway in catalogue.pathway_ids()
    }
    return TableScreening(rows=frame.height, counts=counts)
