import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.persistence import BigIntPK, UtcDateTime, utcnow

ASSIGNED = "assigned"
NEEDS_REVIEW = "needs_review"
WITHDRAWN = "withdrawn"  # intake withdrew the petition: out of every queue, never assigned again


class Routing(Base):
    """Where a petition stands in routing: assigned to an agency, or waiting for the secretariat.

    For `needs_review` the level/agency/topic are the proposal that was not confident enough.
    """

    __tablename__ = "routings"
    __table_args__ = (Index("ix_routings_state_queue", "state", "queued_at", "petition_id"),)

    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    petition_code: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(20))
    meeting_unit_code: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)  # kept to re-propose after a return; no personal data fields
    state: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str] = mapped_column(String(40), index=True)
    topic: Mapped[str | None] = mapped_column(String(60), nullable=True)
    confidence: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    returned_by: Mapped[list[str]] = mapped_column(JSON, default=list)  # agencies that sent it back
    # The decision as fields, for audit (the explanation is the same in Vietnamese prose).
    rule_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    rule_hits: Mapped[list[str]] = mapped_column(JSON, default=list)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    candidates: Mapped[list[dict]] = mapped_column(JSON, default=list)  # model's top 3: level, agency, probability
    place: Mapped[dict] = mapped_column(JSON, default=dict)  # commune, district, source, mentions
    cooperating: Mapped[list[str]] = mapped_column(JSON, default=list)  # phối hợp
    routed_count: Mapped[int] = mapped_column(Integer, default=0)  # petitions.routed events emitted
    # The last correction or withdrawal applied (intake's revision): an older one cannot undo a newer one.
    intake_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class RoutingEntry(Base):
    """One line of a petition's routing history; nothing is ever updated or deleted."""

    __tablename__ = "routing_history"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))  # classified | queued | confirmed | corrected | returned | petition_corrected | withdrawn
    by: Mapped[str] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    agency_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    topic: Mapped[str | None] = mapped_column(String(60), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    explanation: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # rule, hits, model version, top 3, place
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)  # event:<id> or request:<id>
