from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.persistence import UtcDateTime, utcnow


class AdministrativeUnit(Base):
    """A province, district or commune (đơn vị hành chính), keyed by its GSO code."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(20), index=True, nullable=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # old names, spelling variants
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Agency(Base):
    """A body petitions are assigned to: a People's Committee, a department, the NA delegation..."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20), index=True)
    unit_code: Mapped[str] = mapped_column(String(20), index=True)
    handles: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class CatalogRevision(Base):
    """One row, bumped by every catalog change, so each process knows to rebuild its classifier."""

    __tablename__ = "catalog_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
