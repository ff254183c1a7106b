import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.base import Base
from shared.persistence import BigIntPK, UtcDateTime, utcnow


class Withdrawable:
    """Columns of a record that can be withdrawn (rút) with a reason instead of being deleted."""

    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ChangeRecord(Base):
    """One correction or withdrawal of a session, meeting or petition: who, when, why, from what to what.

    Rows are only ever added: the record itself is never deleted, so this is its history.
    """

    __tablename__ = "change_records"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))  # session | meeting | petition
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(20))  # corrected | withdrawn
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    # {field: {"from": old, "to": new}}; petitioners' values are kept only here, read only by the secretariat.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the petition's revision it made

    __table_args__ = (Index("ix_change_records_entity", "entity", "entity_id", "id"),)
