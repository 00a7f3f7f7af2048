"""The cases' tables: a case, its people (encrypted), its grants, decisions, vetting results
and timeline.

Columns ending in `_enc` hold AES-GCM ciphertext (see kernel/crypto.py); `_hash` columns hold
a keyed hash for equality lookups. Nothing personal is stored in clear text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    pathway_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(32), index=True)
    site_id: Mapped[str | None] = mapped_column(String(80))
    applicant_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # Non-identifying facts the policy engine reads (grounds, region, documents held...).
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str] = mapped_column(String(32))  # "self" for the principal
    nationality: Mapped[str] = mapped_column(String(2))
    name_enc: Mapped[str] = mapped_column(Text)
    birth_date_enc: Mapped[str] = mapped_column(Text)
    document_number_enc: Mapped[str | None] = mapped_column(Text)
    document_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # given names, first and second surname as JSON, sealed; None on rows written before parts
    # were kept (read off the whole name then)
    name_parts_enc: Mapped[str | None] = mapped_column(Text, default=None)


class Grant(Base):
    """A TVRH, a parole or a work authorization, with its validity dates."""

    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    granted_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Decision(Base):
    """A decision, citing the policy id, version and clause ids that made it."""

    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    subject: Mapped[str] = mapped_column(String(32))  # tvrh, parole, referral
    outcome: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str | None] = mapped_column(String(80))
    policy_version: Mapped[str | None] = mapped_column(String(40))
    clauses: Mapped[list[Any]] = mapped_column(default=list)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VettingRecord(Base):
    __tablename__ = "vetting_results"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome_enc: Mapped[str] = mapped_column(Text)  # the outcome and matches, encrypted
    source: Mapped[str] = mapped_column(String(80))
    checked_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseEvent(Base):
    """The case timeline: every event the workflow emitted, in order."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    on_behalf_of: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseAssignment(Base):
    """Who among the caseworkers may act on a case: one caseworker, or every caseworker of an
    agency at the site where it helps people. A row is in force until `ended_at`; ended rows stay
    as history (who was given the case, by whom, why, and when that ended)."""

    __tablename__ = "case_assignments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    caseworker_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    agency: Mapped[str | None] = mapped_column(String(32))
    site_id: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    assigned_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)


class StepTally(Base):
    """People reaching each state of the corridor per day, by nationality (ISO 3166-1): an
    aggregate counted when the step is taken, so the portal publishes breakdowns without reading
    the persons table, and the counts outlive any case's erasure (docs/portal.md)."""

    __tablename__ = "case_step_tallies"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    nationality: Mapped[str] = mapped_column(String(2), primary_key=True)
    people: Mapped[int] = mapped_column(Integer)
