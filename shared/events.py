"""The event contract between services (JetStream stream PETITIONS, subjects petitions.<type>).

Payloads never carry voters' personal data (names, addresses, phones).
Version 1 of every type; a breaking change adds a new version number, consumers check it.
"""

import uuid
from datetime import date, datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STREAM_NAME = "PETITIONS"
STREAM_SUBJECTS = ["petitions.>"]

Level = Literal["province", "district", "commune", "central"]


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(exclude=True, default="")


class PetitionReceived(EventData):
    type: Literal["received"] = Field("received", exclude=True)
    code: str
    session_id: uuid.UUID
    meeting_id: uuid.UUID
    meeting_kind: Literal["voter_meeting", "hotline"]
    meeting_unit_code: str
    unit_code: str
    content: str
    topic: str | None = None
    voters_count: int | None = None
    held_on: date
    created_at: datetime
    repeat_of: uuid.UUID | None = None


class PetitionRouted(EventData):
    type: Literal["routed"] = Field("routed", exclude=True)
    level: Level
    agency_code: str
    topic: str | None = None
    confidence: float | None = None
    explanation: list[str] = []
    decided_by: str  # "classifier" or the user's sub
    reason: str | None = None
    reassignment: bool = False


class PetitionReturned(EventData):
    type: Literal["returned"] = Field("returned", exclude=True)
    agency_code: str
    note: str
    by: str


class StatusChanged(EventData):
    type: Literal["status_changed"] = Field("status_changed", exclude=True)
    from_status: str
    to_status: str
    agency_code: str | None = None
    note: str | None = None
    planned_completion: date | None = None
    resolution: str | None = None
    reason: str | None = None
    disputed: bool = False
    by: str


class ResolutionDisputed(EventData):
    type: Literal["resolution_disputed"] = Field("resolution_disputed", exclude=True)
    spot_check_id: uuid.UUID
    agency_code: str | None = None
    verdict: str
    note: str | None = None
    by: str


class PetitionLinked(EventData):
    """A petition marked as a repeat of an earlier one (same matter raised again)."""

    type: Literal["linked"] = Field("linked", exclude=True)
    earlier_id: uuid.UUID
    matter_id: uuid.UUID  # the first petition of the matter
    by: str


class PetitionUnlinked(EventData):
    """The secretariat undid a repeat link: the petition is its own matter again (the link stays in history)."""

    type: Literal["unlinked"] = Field("unlinked", exclude=True)
    earlier_id: uuid.UUID  # the petition it had been linked to
    by: str


class PetitionCorrected(EventData):
    """The secretariat corrected a petition: its current values after the correction (never petitioners' data).

    `fields` names what changed ("petitioners" when only who raised it changed: their data stays in intake).
    `sequence` is intake's revision of the petition, shared with petitions.withdrawn.
    """

    type: Literal["corrected"] = Field("corrected", exclude=True)
    fields: list[str]
    content: str
    unit_code: str
    session_id: uuid.UUID
    meeting_id: uuid.UUID
    meeting_kind: Literal["voter_meeting", "hotline"]
    meeting_unit_code: str
    held_on: date
    topic: str | None = None
    voters_count: int | None = None
    reason: str
    by: str


class PetitionWithdrawn(EventData):
    """The secretariat withdrew a petition (rút kiến nghị): it stays on record, no longer followed up."""

    type: Literal["withdrawn"] = Field("withdrawn", exclude=True)
    reason: str
    by: str


DATA_TYPES: dict[str, type[EventData]] = {
    cls.model_fields["type"].default: cls
    for cls in (PetitionReceived, PetitionRouted, PetitionReturned, StatusChanged, ResolutionDisputed, PetitionLinked,
                PetitionUnlinked, PetitionCorrected, PetitionWithdrawn)
}


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    type: str
    version: int = 1
    occurred_at: datetime
    source: str
    petition_id: uuid.UUID
    # The producer's per-petition sequence (routing's decision number, monitoring's status version):
    # consumers ignore an event older than the last one they applied from that producer.
    # None on events that order nothing (received, linked) and on events from before it existed.
    sequence: int | None = None
    data: dict

    @property
    def subject(self) -> str:
        return f"petitions.{self.type}"

    def parsed(self) -> EventData:
        """The typed payload; raises pydantic.ValidationError (a poison message) when it does not fit."""
        return DATA_TYPES[self.type].model_validate(self.data)


def make_envelope(source: str, petition_id: uuid.UUID, data: EventData,
                  occurred_at: datetime | None = None, sequence: int | None = None) -> Envelope:
    return Envelope(
        id=uuid.uuid4(),
        type=type(data).model_fields["type"].default,
        occurred_at=occurred_at or datetime.now(timezone.utc),
        source=source,
        petition_id=petition_id,
        sequence=sequence,
        data=data.model_dump(mode="json"),
    )


def is_stale(sequence: int | None, applied: int | None) -> bool:
    """True when an event is not newer than the last one applied from the same producer."""
    return sequence is not None and applied is not None and sequence <= applied
