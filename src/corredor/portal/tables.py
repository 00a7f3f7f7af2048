"""The portal's one table: the figures as last computed, per period, so that /data and
/api/v1/stats answer from them instead of recomputing every indicator on each request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import Base


class PublishedFigures(Base):
    __tablename__ = "portal_figures"

    period: Mapped[str] = mapped_column(String(8), primary_key=True)  # month or week
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    figures: Mapped[str] = mapped_column(Text)  # schemas.Statistics as JSON: aggregates only
