"""Building the events other services send, and applying them as the consumer would."""

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from shared.events import (
    Envelope,
    PetitionLinked,
    PetitionReceived,
    PetitionRouted,
    make_envelope,
)

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "monitoring" / "migrations"
# API tests feed events straight to the consumer; with no NATS reachable, nothing else reaches the database.
NO_NATS = "nats://127.0.0.1:1"


def received(petition_id: uuid.UUID, at: datetime, code: str | None = None, topic: str | None = None,
             repeat_of: uuid.UUID | None = None) -> Envelope:
    data = PetitionReceived(
        code=code or f"KN-{at.year}-{petition_id.hex[:6]}", session_id=uuid.uuid4(), meeting_id=uuid.uuid4(),
        meeting_kind="voter_meeting", meeting_unit_code="070", unit_code="070", content="Đề nghị sửa đường",
        topic=topic, held_on=date(at.year, at.month, at.day), created_at=at, repeat_of=repeat_of,
    )
    return make_envelope("intake", petition_id, data, occurred_at=at)


def routed(petition_id: uuid.UUID, at: datetime, agency_code: str = "08.SGTVT", level: str = "province",
           topic: str | None = "giao_thong", decided_by: str = "classifier", sequence: int | None = None) -> Envelope:
    data = PetitionRouted(level=level, agency_code=agency_code, topic=topic, confidence=0.9,
                          explanation=["ĐT.185"], decided_by=decided_by)
    return make_envelope("routing", petition_id, data, occurred_at=at, sequence=sequence)


def linked(petition_id: uuid.UUID, earlier_id: uuid.UUID, matter_id: uuid.UUID, at: datetime,
           sequence: int | None = None) -> Envelope:
    return make_envelope("intake", petition_id, PetitionLinked(earlier_id=earlier_id, matter_id=matter_id,
                                                                by="thu-ky"), occurred_at=at, sequence=sequence)


async def deliver(runtime, *envelopes: Envelope) -> None:
    """Apply events through the durable consumer's own path (inbox claim + handler + commit)."""
    for envelope in envelopes:
        await runtime.consumers[0].apply(envelope)


async def assigned_petition(runtime, agency_code: str = "08.SGTVT", at: datetime | None = None,
                            level: str = "province") -> uuid.UUID:
    at = at or datetime.now(UTC) - timedelta(days=1)
    petition_id = uuid.uuid4()
    await deliver(runtime, received(petition_id, at), routed(petition_id, at + timedelta(hours=1), agency_code, level))
    return petition_id
