import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.base import Base
from services.intake.changes.models import Withdrawable
from shared.persistence import UtcDateTime, utcnow


class Meeting(Withdrawable, Base):
    """A voter meeting (tiếp xúc cử tri) or a hotline session where petitions were raised."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("council_sessions.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(10), index=True)
    delegates: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
