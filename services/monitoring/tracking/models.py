"""The read model: each petition's current state, its state history and its timeline."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.monitoring.base import FOREVER, Base
from shared.persistence import BigIntPK, UtcDateTime


class Petition(Base):
    """Current state of a petition, built from events and agencies' status updates."""

    __tablename__ = "petitions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str | None] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)  # hạn trả lời, a date in local time
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the moment it becomes overdue
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    matter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # first petition of a repeated matter
    repeat_of: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)  # start of the current version
    routing_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # last routing decision applied
    status_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # sequence of status events
    link_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # last intake link applied
    # Last intake correction or withdrawal applied (intake's revision of the petition).
    intake_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_petitions_agency_status", "agency_code", "status"),
        Index("ix_petitions_status", "status"),
        Index("ix_petitions_received", "received_at", "id"),
        Index("ix_petitions_unanswered_deadline", "deadline_at",
              postgresql_where=text("answered_at IS NULL"), sqlite_where=text("answered_at IS NULL")),
        # The report's repeated matters as of a past month: the matters' petitions received since (index only).
        Index("ix_petitions_matter_received", "received_at", "matter_id",
              postgresql_where=text("matter_id IS NOT NULL"), sqlite_where=text("matter_id IS NOT NULL")),
        Index("ix_petitions_resolved", "agency_code", "resolved_at",
              postgresql_where=text("status = 'resolved'"), sqlite_where=text("status = 'resolved'")),
    )


class PetitionVersion(Base):
    """One interval of a petition's state (valid_from <= t < valid_to): answers "status as of t"."""

    __tablename__ = "petition_versions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("petitions.id"))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime] = mapped_column(UtcDateTime, default=FOREVER)
    status: Mapped[str] = mapped_column(String(40))
    status_entered: Mapped[bool] = mapped_column(Boolean)  # this version began with a status change
    level: Mapped[str | None] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str | None] = mapped_column(String(60))
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_versions_petition_open", "petition_id", "valid_to"),
        # Monthly "resolved this month / last month": counted from the index alone (petition_id included).
        Index("ix_versions_entered", "status", "valid_from", postgresql_include=["petition_id"],
              postgresql_where=text("status_entered"), sqlite_where=text("status_entered")),
        # Overdue lists walk unanswered versions in deadline order and stop at the limit.
        Index("ix_versions_unanswered", "deadline_at", postgresql_include=["valid_from", "valid_to", "petition_id"],
              postgresql_where=text("answered_at IS NULL AND deadline_at IS NOT NULL"),
              sqlite_where=text("answered_at IS NULL AND deadline_at IS NOT NULL")),
    )


class TimelineEntry(Base):
    """Every change to a petition: who, when, what, from which request or event. Never edited."""

    __tablename__ = "timeline"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("petitions.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    type: Mapped[str] = mapped_column(String(40))
    by: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(36))
    request_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON

    __table_args__ = (Index("ix_timeline_petition", "petition_id", "id"),)


class StateCount(Base):
    """Monthly ledger of state changes: +1 for the state a petition enters, -1 for the one it leaves.

    Summing `delta` over months <= M gives the petitions by status, level and agency at the end of M
    without scanning the history: the monthly report stays fast at millions of petitions.
    """

    __tablename__ = "state_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, local calendar
    status: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)  # "unassigned" when none
    agency_code: Mapped[str] = mapped_column(String(40), primary_key=True)  # "unassigned" when none
    delta: Mapped[int] = mapped_column(Integer, default=0)


class TopicCount(Base):
    """The same ledger by topic (lĩnh vực)."""

    __tablename__ = "topic_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), primary_key=True)  # "unclassified" when none
    delta: Mapped[int] = mapped_column(Integer, default=0)


class DeadlineCount(Base):
    """The same ledger for deadlines, per agency: answered on time / late, unanswered by deadline month, none."""

    __tablename__ = "deadline_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # not_assigned|on_time|late|unanswered
    deadline_month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "" unless unanswered
    delta: Mapped[int] = mapped_column(Integer, default=0)


class MatterCount(Base):
    """The petitions of each matter (vụ việc): +1 when a petition joins it, -1 when one leaves.

    One row per matter, so `delta` is its petitions now. The report reads only matters of two or more
    (the partial index) and takes off those received after the report's moment, instead of counting a
    million petitions by matter.
    """

    __tablename__ = "matter_counts"

    matter_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    delta: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_matter_counts_repeated", "matter_id", postgresql_include=["delta"],
              postgresql_where=text("delta > 1"), sqlite_where=text("delta > 1")),
    )
