import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.base import Base
from services.intake.changes.models import Withdrawable
from services.intake.petitions.search import petition_terms
from shared.events import Status
from shared.persistence import UtcDateTime, utcnow


def _search_terms(context) -> str:
    # Computed on every insert path (form, import, scripts), so the index never misses a petition.
    row = context.get_current_parameters()
    return petition_terms(row["content"], row["code"])


class Petition(Withdrawable, Base):
    """A voter petition (kiến nghị cử tri) as the secretariat entered it."""

    __tablename__ = "petitions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("meetings.id"), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("council_sessions.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(10), index=True)
    content: Mapped[str] = mapped_column(Text)
    # Lower-case, no diacritics: what text search and similarity compare.
    content_folded: Mapped[str] = mapped_column(Text)
    # Search tokens (shared.text.search_terms + the code), indexed by FTS5 / a GIN tsvector index.
    search_terms: Mapped[str] = mapped_column(Text, default=_search_terms)
    topic: Mapped[str | None] = mapped_column(String(50), nullable=True)
    voters_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    repeat_of: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("petitions.id"), nullable=True)
    matter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    # The outcome as monitoring reports it (learnt from its status events, never from its tables);
    # status_version is the sequence of the last one applied, so a late event cannot undo a newer one.
    latest_status: Mapped[str] = mapped_column(String(40), default=Status.AWAITING_ROUTING)
    agency_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    status_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Sequence of this petition's petitions.linked events (intake is their producer).
    link_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Sequence of this petition's petitions.corrected / petitions.withdrawn events.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_petitions_created", "created_at", "id"),)


class Petitioner(Base):
    """Personal data of a voter who raised a petition: never in events, logs or reports."""

    __tablename__ = "petitioners"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("petitions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)


class PetitionLink(Base):
    """Each time the secretariat marks a petition as a repeat of an earlier one (kept, never deleted)."""

    __tablename__ = "petition_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("petitions.id"), index=True)
    earlier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("petitions.id"))
    matter_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    linked_by: Mapped[str] = mapped_column(String(200))
    # A link the secretariat undid stays here, marked with who undid it and when.
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PetitionCodeCounter(Base):
    """Last number handed out per year: taken in the petition's transaction, so codes have no gaps."""

    __tablename__ = "petition_code_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ImportRecord(Base):
    """Each file imported (by its SHA-256): importing the same file again is warned before anything is written."""

    __tablename__ = "import_records"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    rows_taken: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
