"""What screening publishes for the public monitoring portal: completed screenings by language
and result over a period, summed from the daily counters inside the caller's unit of work."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.screening.tables import ScreenerUse


def screenings(session: Session, first: date, last: date) -> dict[tuple[str, str], int]:
    """{(language, result): screenings completed} from `first` to `last`."""
    rows = session.execute(
        select(ScreenerUse.language, ScreenerUse.result, func.sum(ScreenerUse.count))
        .where(ScreenerUse.day >= first, ScreenerUse.day <= last)
        .group_by(ScreenerUse.language, ScreenerUse.result)
    )
    return {(language, result): int(n or 0) for language, result, n in rows}
