import uuid
from datetime import date, datetime

from sqlalchemy import Date, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.base import Base
from services.intake.changes.models import Withdrawable
from shared.persistence import UtcDateTime, utcnow


class CouncilSession(Withdrawable, Base):
    """A council session (kỳ họp) that voter meetings prepare."""

    __tablename__ = "council_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(300))
    term: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
