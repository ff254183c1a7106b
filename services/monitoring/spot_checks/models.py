"""A spot-check (đợt giám sát xác suất): its seed and plan, every lot member in draw order, findings."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.monitoring.base import Base
from shared.persistence import BigIntPK, UtcDateTime


class SpotCheck(Base):
    __tablename__ = "spot_checks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seed: Mapped[str] = mapped_column(String(200))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    agency_codes: Mapped[str | None] = mapped_column(Text)  # JSON list, as asked
    level: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    tolerable_rate: Mapped[float] = mapped_column(Float)
    assigned_to: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_spot_checks_created", "created_at"),)


class SpotCheckLot(Base):
    """One agency's lot and its pre-registered plan."""

    __tablename__ = "spot_check_lots"

    spot_check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("spot_checks.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    lot_size: Mapped[int] = mapped_column(Integer)
    lot_hash: Mapped[str] = mapped_column(String(64))
    defects_assumed: Mapped[int] = mapped_column(Integer)
    n1: Mapped[int] = mapped_column(Integer)
    n2: Mapped[int | None] = mapped_column(Integer)
    risk: Mapped[float] = mapped_column(Float)
    second_stage_drawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SpotCheckItem(Base):
    """Every member of a lot in draw order; `stage` is 1 or 2 once drawn into the sample."""

    __tablename__ = "spot_check_items"

    spot_check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("spot_checks.id"), primary_key=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(Integer)  # 1 = first in SHA-256 order within the lot
    order_key: Mapped[str] = mapped_column(String(64))
    stage: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_spot_check_items_rank", "spot_check_id", "agency_code", "rank"),)


class SpotCheckFinding(Base):
    """A verdict on one sampled petition; a correction is a new finding (the latest counts)."""

    __tablename__ = "spot_check_findings"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    spot_check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("spot_checks.id"))
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    verdict: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_spot_check_findings", "spot_check_id", "petition_id", "id"),)
