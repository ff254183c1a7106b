"""Correcting and withdrawing a petition: history kept, routing and monitoring told (petitions.corrected/withdrawn).

The petition's `revision` numbers these events, so a consumer never lets an older correction undo a newer one.
Nothing here commits.
"""

from services.intake.changes import service as changes
from services.intake.meetings import service as meeting_service
from services.intake.meetings.models import Meeting
from services.intake.petitions import repository as petition_repository
from services.intake.petitions.models import Petition, Petitioner
from services.intake.petitions.schemas import PetitionCorrection
from services.intake.petitions.search import petition_terms
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import invalid
from shared.events import EventData, PetitionCorrected, PetitionWithdrawn
from shared.text import fold
from shared.unit_of_work import UnitOfWork

ENTITY = "petition"
# Fields a correction may clear (send null); the others only change to a new value.
CLEARABLE = frozenset({"topic", "voters_count"})


def _wanted(payload: PetitionCorrection) -> dict:
    sent = payload.model_dump(exclude_unset=True, exclude={"reason", "petitioners"})
    return {name: value for name, value in sent.items() if value is not None or name in CLEARABLE}


async def _meeting_for(uow: UnitOfWork, petition: Petition, wanted: dict) -> Meeting:
    meeting = await meeting_service.get_meeting(uow.session, wanted.get("meeting_id", petition.meeting_id))
    if "meeting_id" in wanted and (meeting is None or meeting.withdrawn_at is not None):
        raise invalid("meeting_id", f"Buổi tiếp xúc {wanted['meeting_id']} không tồn tại hoặc đã bị rút")
    wanted["session_id"] = meeting.session_id
    return meeting


def _people(petitioners: list) -> list[dict]:
    return [{"name": p.name, "address": p.address, "phone": p.phone} for p in petitioners]


async def _petitioner_change(uow: UnitOfWork, petition: Petition, payload: PetitionCorrection) -> dict:
    if payload.petitioners is None:
        return {}
    before = _people((await petition_repository.petitioners_of(uow.session, [petition.id]))[petition.id])
    after = [p.model_dump() for p in payload.petitioners]
    return {} if before == after else {"petitioners": {"from": before, "to": after}}


async def correct(uow: UnitOfWork, petition: Petition, payload: PetitionCorrection, user: Principal,
                  catalog: Catalog) -> list[Petitioner] | None:
    """Apply a correction; the new petitioner rows when they changed (None when they did not)."""
    changes.ensure_not_withdrawn(petition, f"Kiến nghị {petition.code}")
    wanted = _wanted(payload)
    if wanted.get("unit_code") is not None and wanted["unit_code"] not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {wanted['unit_code']} không có trong danh mục")
    meeting = await _meeting_for(uow, petition, wanted)
    changed = {**changes.differences(petition, wanted), **await _petitioner_change(uow, petition, payload)}
    changes.require_changes(changed)
    changes.apply(petition, {k: v for k, v in changed.items() if k != "petitioners"}, wanted)
    if "content" in changed:
        petition.content_folded = fold(petition.content)
        petition.search_terms = petition_terms(petition.content, petition.code)
    people = None
    if "petitioners" in changed:
        people = [Petitioner(petition_id=petition.id, **p) for p in changed["petitioners"]["to"]]
        await petition_repository.replace_petitioners(uow.session, petition.id, people)
    fields = sorted(name for name in changed if name != "session_id")
    await _announce(uow, petition, user, payload.reason, changed, PetitionCorrected(
        fields=fields, content=petition.content, unit_code=petition.unit_code, session_id=petition.session_id,
        meeting_id=petition.meeting_id, meeting_kind=meeting.kind, meeting_unit_code=meeting.unit_code,
        held_on=meeting.held_on, topic=petition.topic, voters_count=petition.voters_count,
        reason=payload.reason, by=user.sub))
    return people


async def withdraw(uow: UnitOfWork, petition: Petition, reason: str, user: Principal) -> None:
    changes.ensure_not_withdrawn(petition, f"Kiến nghị {petition.code}")
    changes.mark_withdrawn(petition, user, reason)
    await _announce(uow, petition, user, reason, {}, PetitionWithdrawn(reason=reason, by=user.sub))


async def _announce(uow: UnitOfWork, petition: Petition, user: Principal, reason: str, changed: dict,
                    data: EventData) -> None:
    petition.revision = (petition.revision or 0) + 1
    await changes.record_change(uow.session, ENTITY, petition.id, data.type, user, reason, changed,
                                revision=petition.revision)
    uow.emit(petition.id, data, sequence=petition.revision)
