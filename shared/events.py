"""The event contract between services (JetStream stream PETITIONS, subjects petitions.<type>).

Payloads never carry voters' personal data (names, addresses, phones).
Version 1 of every type; a breaking change adds a new version number, consumers check it.
"""

import uuid
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STREAM_NAME = "PETITIONS"
STREAM_SUBJECTS = ["petitions.>"]



class Status(StrEnum):
    """A petition's status, owned by monitoring."""

    AWAITING_ROUTING = "awaiting_routing"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved_lack_of_resources"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"  # intake withdrew it (rút kiến nghị): kept on record, no longer followed up


# What an agency may report about a petition assigned to it.
AGENCY_STATUSES = (Status.IN_PROGRESS, Status.RESOLVED, Status.UNRESOLVED, Status.RETURNED)


class Level(StrEnum):
    """The level of government that answers a petition."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    CENTRAL = "central"


class Verdict(StrEnum):
    """A spot-check's finding on a petition reported resolved."""

    CONFIRMED = "confirmed"
    NOT_RESOLVED = "not_resolved"
    PARTIALLY_RESOLVED = "partially_resolved"


class Topic(StrEnum):
    """A petition's field (lĩnh vực); routing's topic file describes each one."""

    GIAO_THONG = "giao_thong"
    THUY_LOI = "thuy_loi"
    DAT_DAI = "dat_dai"
    MOI_TRUONG = "moi_truong"
    GIAO_DUC = "giao_duc"
    Y_TE = "y_te"
    BAO_HIEM = "bao_hiem"
    CHINH_SACH_XA_HOI = "chinh_sach_xa_hoi"
    GIAM_NGHEO = "giam_ngheo"
    DIEN = "dien"
    NUOC_SACH = "nuoc_sach"
    NONG_LAM_NGHIEP = "nong_lam_nghiep"
    DAN_TOC = "dan_toc"
    AN_NINH_TRAT_TU = "an_ninh_trat_tu"
    XAY_DUNG_QUY_HOACH = "xay_dung_quy_hoach"
    THU_TUC_HANH_CHINH = "thu_tuc_hanh_chinh"
    VIEN_THONG = "vien_thong"
    TAI_CHINH = "tai_chinh"
    VAN_HOA = "van_hoa"
    CHINH_SACH_PHAP_LUAT = "chinh_sach_phap_luat"


class MeetingKind(StrEnum):
    VOTER_MEETING = "voter_meeting"
    HOTLINE = "hotline"


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(exclude=True, default="")


class PetitionReceived(EventData):
    type: Literal["received"] = Field("received", exclude=True)
    code: str
    session_id: uuid.UUID
    meeting_id: uuid.UUID
    meeting_kind: MeetingKind
    meeting_unit_code: str
    unit_code: str
    content: str
    topic: Topic | None = None
    voters_count: int | None = None
    held_on: date
    created_at: datetime
    repeat_of: uuid.UUID | None = None


class PetitionRouted(EventData):
    type: Literal["routed"] = Field("routed", exclude=True)
    level: Level
    agency_code: str
    topic: Topic | None = None
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
    from_status: Status
    to_status: Status
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
    verdict: Verdict
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


class UnitChanged(EventData):
    """Routing's catalog: an administrative unit created or changed (its whole current state).

    Catalog events carry no petition id; their sequence is routing's catalog revision.
    """

    type: Literal["unit_changed"] = Field("unit_changed", exclude=True)
    code: str
    name: str
    level: Level
    parent_code: str | None = None


class AgencyChanged(EventData):
    """Routing's catalog: an agency created or changed (its whole current state)."""

    type: Literal["agency_changed"] = Field("agency_changed", exclude=True)
    code: str
    name: str
    level: Level
    unit_code: str
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
    meeting_kind: MeetingKind
    meeting_unit_code: str
    held_on: date
    topic: Topic | None = None
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
                PetitionUnlinked, UnitChanged, AgencyChanged, PetitionCorrected, PetitionWithdrawn)
}


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    type: str
    version: int = 1
    occurred_at: datetime
    source: str
    petition_id: uuid.UUID | None = None  # None on catalog events (unit_changed, agency_changed)
    # The producer's per-petition sequence (routing's decision number, monitoring's status version):
    # consumers ignore an event older than the last one they applied from that producer.
    # None on events that order nothing (received, linked) and on events from before it existed.
    sequence: int | None = None
    data: dict

    @property
    def subject(self) -> str:
        return subject_of(self.type)

    def parsed(self) -> EventData:
        """The typed payload; raises pydantic.ValidationError (a poison message) when it does not fit."""
        return DATA_TYPES[self.type].model_validate(self.data)


def subject_of(event_type: str) -> str:
    return f"petitions.{event_type}"


def make_envelope(source: str, petition_id: uuid.UUID | None, data: EventData,
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
