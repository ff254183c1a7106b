"""Recording petitions in groups: concurrent POST /petitions share one transaction (a group commit).

Each petition used to be its own transaction, holding the year's code counter (a row lock on
PostgreSQL, the write lock on SQLite) across several round trips, each waiting for a busy event loop:
under load the requests queued on that lock and intake accepted a tenth of what the database could
write. Here one writer task takes every petition waiting when it is free and records them together:
one look-up of their meetings and of the catalog, one block of consecutive codes, one insert per
table, one commit. Nothing waits for a group to fill: alone, a petition is written at once; under load
the groups grow by themselves. Each request gets its own answer or its own 422; a group that fails on
the database is tried again one petition at a time, so one bad petition cannot sink the others.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from fastapi.responses import JSONResponse

from services.intake.base import IdempotencyRecord
from services.intake.meetings import service as meeting_service
from services.intake.meetings.models import Meeting
from services.intake.petitions import repository as petition_repository
from services.intake.petitions.codes import code_year, format_code
from services.intake.petitions.schemas import PetitionCreate, PetitionerOut, PetitionOut
from services.intake.petitions.search import code_token
from services.intake.roles import PERSONAL_DATA_READERS
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import ProblemError, invalid, unavailable
from shared.events import PetitionReceived, Status
from shared.idempotency import IdempotentRequest, remember, replay_or_claim
from shared.persistence import utcnow
from shared.text import fold, search_terms
from shared.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

MAX_GROUP = 200  # petitions per transaction: a few milliseconds of inserts, never a long lock


@dataclass(frozen=True)
class Accepted:
    """A petition that passed every check, with the meeting and unit it belongs to."""

    payload: PetitionCreate
    meeting: Meeting
    unit_code: str
    created_by: str


@dataclass
class Written:
    """What one accepted petition became: its rows, its event and the answer its request gets."""

    petition: dict
    petitioners: list[dict]
    event: PetitionReceived


def written(accepted: Accepted, code: str, now: datetime, terms: str | None = None) -> Written:
    """The rows and the event of one petition numbered `code` (a form's or an import's)."""
    petition_id, meeting, payload = uuid.uuid4(), accepted.meeting, accepted.payload
    petition = {
        "id": petition_id, "code": code, "meeting_id": meeting.id, "session_id": meeting.session_id,
        "unit_code": accepted.unit_code, "content": payload.content, "content_folded": fold(payload.content),
        "search_terms": f"{terms if terms is not None else search_terms(payload.content)} {code_token(code)}",
        "topic": payload.topic, "voters_count": payload.voters_count, "created_at": now,
        "created_by": accepted.created_by}
    petitioners = [{"id": uuid.uuid4(), "petition_id": petition_id, **p.model_dump()} for p in payload.petitioners]
    event = PetitionReceived(
        code=code, session_id=meeting.session_id, meeting_id=meeting.id, meeting_kind=meeting.kind,
        meeting_unit_code=meeting.unit_code, unit_code=accepted.unit_code, content=payload.content,
        topic=payload.topic, voters_count=payload.voters_count, held_on=meeting.held_on, created_at=now)
    return Written(petition, petitioners, event)


async def write_all(uow: UnitOfWork, accepted: list[Accepted], code_timezone: str,
                    terms: list[str] | None = None) -> list[Written]:
    """Accepted petitions in bulk: one block of consecutive codes, then one insert per table."""
    if not accepted:
        return []
    now = utcnow()
    year = code_year(now, code_timezone)
    last = await petition_repository.take_numbers(uow.session, year, len(accepted))
    first = last - len(accepted) + 1
    rows = [written(item, format_code(year, first + index), now, terms[index] if terms else None)
            for index, item in enumerate(accepted)]
    await petition_repository.add_many(uow.session, [r.petition for r in rows],
                                       [p for r in rows for p in r.petitioners])
    await uow.emit_all([(r.petition["id"], r.event) for r in rows])
    return rows


def place(payload: PetitionCreate, meeting: Meeting | None, catalog: Catalog) -> tuple[Meeting, str]:
    """The petition's meeting and unit, or a 422 naming the field at fault."""
    if meeting is None:
        raise invalid("meeting_id", f"Buổi tiếp xúc {payload.meeting_id} không tồn tại")
    if meeting.withdrawn:
        raise invalid("meeting_id", f"Buổi tiếp xúc ngày {meeting.held_on:%d/%m/%Y} đã bị rút: không nhận thêm kiến nghị")
    unit_code = payload.unit_code or meeting.unit_code
    if unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {unit_code} không có trong danh mục")
    return meeting, unit_code


def answer(row: Written, user: Principal) -> PetitionOut:
    out = PetitionOut.model_validate(dict(
        row.petition, repeat_of=None, matter_id=None, latest_status=Status.AWAITING_ROUTING, agency_code=None))
    if user.role in PERSONAL_DATA_READERS:
        out.petitioners = [PetitionerOut.model_validate(p) for p in row.petitioners]
    return out


@dataclass
class Pending:
    payload: PetitionCreate
    user: Principal
    idempotency: IdempotentRequest | None
    future: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.user.sub, self.idempotency.key) if self.idempotency else None

    def settle(self, result: PetitionOut | JSONResponse | Exception) -> None:
        if self.future.done():  # the request went away; its petition is recorded all the same
            return
        if isinstance(result, Exception):
            self.future.set_exception(result)
        else:
            self.future.set_result(result)


class PetitionWriter:
    """The one task of a process that writes new petitions; requests hand theirs over with `record`."""

    def __init__(self, new_uow: Callable[[], UnitOfWork], catalog: Callable[[UnitOfWork], object],
                 code_timezone: str, observe_group: Callable[[int], None] = lambda size: None):
        self._new_uow = new_uow
        self._catalog = catalog
        self._code_timezone = code_timezone
        self._observe_group = observe_group
        self._queue: asyncio.Queue[Pending] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def start(self) -> asyncio.Task:
        self._task = asyncio.create_task(self._run(), name="petition-writer")
        return self._task

    async def record(self, payload: PetitionCreate, user: Principal,
                     idempotency: IdempotentRequest | None) -> PetitionOut | JSONResponse:
        """The new petition's answer (or the first answer of a repeated Idempotency-Key)."""
        if self._task is None or self._task.done():
            raise unavailable("Dịch vụ đang dừng: chưa ghi được kiến nghị")
        pending = Pending(payload, user, idempotency)
        self._queue.put_nowait(pending)
        return await asyncio.shield(pending.future)

    async def _run(self) -> None:
        try:
            while True:
                group = [await self._queue.get()]
                while len(group) < MAX_GROUP and not self._queue.empty():
                    group.append(self._queue.get_nowait())
                self._observe_group(len(group))
                await self._write_group(group)
        finally:
            self._refuse_waiting()

    def _refuse_waiting(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait().settle(unavailable("Dịch vụ đang dừng: chưa ghi được kiến nghị"))

    async def _write_group(self, group: list[Pending]) -> None:
        now_group, later = _one_per_key(group)
        for pending in later:  # the same key twice: the second replays the first, once it is committed
            self._queue.put_nowait(pending)
        try:
            results = await self._transaction(now_group)
        except asyncio.CancelledError:
            for pending in now_group:
                pending.settle(unavailable("Dịch vụ đang dừng: chưa ghi được kiến nghị"))
            raise
        except Exception as exc:  # noqa: BLE001 - each petition's own outcome is found one by one below
            if len(now_group) == 1:
                now_group[0].settle(exc)
                return
            logger.warning("a group of %d petitions failed (%s); writing them one by one",
                           len(now_group), type(exc).__name__)
            for pending in now_group:
                await self._write_group([pending])
            return
        for pending, result in zip(now_group, results, strict=True):
            pending.settle(result)

    async def _transaction(self, group: list[Pending]) -> list:
        async with self._new_uow() as uow:
            catalog = await self._catalog(uow)
            meetings = await meeting_service.get_meetings(uow.session, {p.payload.meeting_id for p in group})
            results: list = [None] * len(group)
            accepted, positions = [], []
            for index, pending in enumerate(group):
                try:
                    meeting, unit_code = place(pending.payload, meetings.get(pending.payload.meeting_id), catalog)
                except ProblemError as refusal:
                    results[index] = refusal
                    continue
                # A refused petition claims no key: it may be sent again as new.
                replay = await replay_or_claim(uow, IdempotencyRecord, pending.idempotency, pending.user.sub)
                if replay is not None:
                    results[index] = replay
                    continue
                accepted.append(Accepted(pending.payload, meeting, unit_code, pending.user.sub))
                positions.append(index)
            for index, row in zip(positions, await write_all(uow, accepted, self._code_timezone), strict=True):
                pending = group[index]
                results[index] = answer(row, pending.user)
                await remember(uow, IdempotencyRecord, pending.idempotency, pending.user.sub, 201, results[index])
            await uow.commit()
        return results

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task


def _one_per_key(group: list[Pending]) -> tuple[list[Pending], list[Pending]]:
    keys, now, later = set(), [], []
    for pending in group:
        (later if pending.key is not None and pending.key in keys else now).append(pending)
        keys.add(pending.key)
    return now, later
