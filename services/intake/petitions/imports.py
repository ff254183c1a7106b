"""Bulk import of petitions from a spreadsheet: every row checked before anything is written.

Rows already imported (the same file, or the same content at the same meeting) are listed in a 409
before anything is written, unless the officer chose what to do with them (`on_duplicates`). Accepted
rows are written in bulk: one block of codes from the year's counter, one insert each for petitions,
their petitioners and their outbox events.
"""

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from services.intake.meetings import service as meeting_service
from services.intake.meetings.models import Meeting
from services.intake.petitions import import_repository, recording
from services.intake.petitions.importer import Row
from services.intake.petitions.models import ImportRecord
from services.intake.petitions.recording import Accepted
from services.intake.petitions.schemas import PetitionCreate
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import FieldError, ProblemError
from shared.persistence import utcnow
from shared.text import fold, search_terms
from shared.unit_of_work import UnitOfWork
from shared.validation_messages import vietnamese_message

ImportMode = Literal["all_or_nothing", "partial"]
# What to do with rows already imported: None asks first (409 listing them).
OnDuplicates = Literal["skip", "import"]
WRITE_CHUNK = 500


@dataclass
class ImportFile:
    """An uploaded file's identity and its rows, as read, until the check takes them (`total` stays)."""

    filename: str
    sha256: str
    rows: list[Row]
    total: int = field(init=False)

    def __post_init__(self) -> None:
        self.total = len(self.rows)

    def take_rows(self) -> list[Row]:
        """The rows, let go of here: once checked they are garbage (5 MB for 5,000 rows)."""
        rows, self.rows = self.rows, []
        return rows


@dataclass
class Checked:
    """A row that passed validation (its folded text and search terms are computed as it is written)."""

    row: int
    payload: PetitionCreate
    meeting: Meeting | None = None
    unit_code: str = ""


@dataclass
class Progress:
    """Where an import stands, for a page that polls its job."""

    phase: str = "reading"  # reading | checking | writing | done
    rows_read: int = 0
    rows_total: int | None = None

    def enter(self, phase: str) -> None:
        self.phase = phase


def _payload_from_row(row: dict[str, str], default_meeting_id: uuid.UUID | None) -> dict:
    payload: dict = {
        "meeting_id": row.get("meeting_id") or (str(default_meeting_id) if default_meeting_id else None),
        "content": row.get("content"),
        "unit_code": row.get("unit_code"),
        "topic": row.get("topic"),
        "voters_count": row.get("voters_count"),
    }
    if row.get("petitioner_name"):
        payload["petitioners"] = [{
            "name": row["petitioner_name"], "address": row.get("petitioner_address"),
            "phone": row.get("petitioner_phone"),
        }]
    return {key: value for key, value in payload.items() if value is not None}


def _field_errors(exc: ValidationError) -> list[dict]:
    return [{"field": ".".join(str(part) for part in e["loc"]) or "row", "message": vietnamese_message(e)}
            for e in exc.errors()]


def _validated(rows: list[Row], default_meeting_id) -> list[Checked | dict]:
    """Each row checked (or its refusal): CPU work, for a worker thread."""
    checked: list[Checked | dict] = []
    for number, row in rows:
        try:
            payload = PetitionCreate.model_validate(_payload_from_row(row, default_meeting_id))
        except ValidationError as exc:
            checked.append({"row": number, "errors": _field_errors(exc)})
            continue
        checked.append(Checked(number, payload))
    return checked


def _texts(chunk: list[Checked]) -> list[tuple[str, str]]:
    """(folded text, search terms) of each row: CPU work, for a worker thread."""
    return [(folded := fold(item.payload.content), search_terms(item.payload.content, folded)) for item in chunk]


def _placed(item: Checked, meetings: dict[uuid.UUID, Meeting], catalog: Catalog) -> list[dict]:
    """The row's meeting and unit (set on `item`), or the errors naming the field at fault."""
    meeting = meetings.get(item.payload.meeting_id)
    if meeting is None or meeting.withdrawn:
        return [{"field": "meeting_id", "message": f"Buổi tiếp xúc {item.payload.meeting_id} không tồn tại "
                                                   "hoặc đã bị rút"}]
    unit_code = item.payload.unit_code or meeting.unit_code
    if unit_code not in catalog.units:
        return [{"field": "unit_code", "message": f"Mã đơn vị hành chính {unit_code} không có trong danh mục"}]
    item.meeting, item.unit_code = meeting, unit_code
    return []


async def _checked_rows(uow: UnitOfWork, upload: ImportFile, default_meeting_id, catalog: Catalog,
                        ) -> tuple[list[Checked], list[dict]]:
    validated = await asyncio.to_thread(_validated, upload.take_rows(), default_meeting_id)
    wanted = {item.payload.meeting_id for item in validated if isinstance(item, Checked)}
    meetings = await meeting_service.get_meetings(uow.session, wanted)
    accepted, refused = [], []
    for item in validated:
        errors = item["errors"] if isinstance(item, dict) else _placed(item, meetings, catalog)
        if errors:
            refused.append({"row": item["row"] if isinstance(item, dict) else item.row, "errors": errors})
        else:
            accepted.append(item)
    return accepted, refused


def _refuse_all(mode: str, total: int, refused: list[dict]) -> ProblemError:
    return ProblemError(
        422, f"{len(refused)}/{total} dòng bị từ chối; không dòng nào được ghi (nhập tất cả hoặc không).",
        type="/problems/import-refused",
        errors=[FieldError(f"rows[{r['row']}].{e['field']}", e["message"]) for r in refused for e in r["errors"]],
        extensions={"report": _report(mode, total, [], refused, committed=False)},
    )


async def _duplicates(uow: UnitOfWork, upload: ImportFile, accepted: list[Checked]) -> tuple[dict | None, list]:
    """The earlier import of this very file, and the rows whose content is already recorded at their meeting."""
    earlier = await import_repository.same_file(uow.session, upload.sha256)
    same_file = None if earlier is None else {
        "filename": earlier.filename, "at": earlier.created_at.isoformat(), "by": earlier.created_by,
        "rows": earlier.rows_taken}
    recorded = await import_repository.recorded_contents(
        uow.session, {(item.payload.meeting_id, item.payload.content) for item in accepted})
    rows = [{"row": item.row, "petition_id": str(found[0]), "code": found[1]}
            for item in accepted if (found := recorded.get((item.payload.meeting_id, item.payload.content)))]
    return same_file, rows


def _warn(same_file: dict | None, rows: list[dict]) -> ProblemError:
    what = f"Tệp này đã được nhập ngày {same_file['at'][:10]} bởi {same_file['by']}. " if same_file else ""
    return ProblemError(
        409, f"{what}{len(rows)} dòng đã có (cùng nội dung, cùng buổi tiếp xúc); chưa dòng nào được ghi. "
             "Chọn bỏ qua các dòng trùng (on_duplicates=skip) hoặc vẫn nhập (on_duplicates=import).",
        type="/problems/import-duplicates",
        extensions={"duplicates": rows, **({"same_file": same_file} if same_file else {})},
    )


async def import_rows(uow: UnitOfWork, upload: ImportFile, default_meeting_id: uuid.UUID | None,
                      mode: ImportMode, on_duplicates: OnDuplicates | None, user: Principal, catalog: Catalog,
                      code_timezone: str, progress: Progress | None = None) -> dict:
    progress = progress or Progress()
    progress.enter("checking")
    accepted, refused = await _checked_rows(uow, upload, default_meeting_id, catalog)
    if refused and mode == "all_or_nothing":
        raise _refuse_all(mode, upload.total, refused)
    same_file, duplicates = await _duplicates(uow, upload, accepted)
    if (same_file or duplicates) and on_duplicates is None:
        raise _warn(same_file, duplicates)
    skipped = []
    if on_duplicates == "skip":
        repeated = {d["row"] for d in duplicates}
        skipped = duplicates
        accepted = [item for item in accepted if item.row not in repeated]
    progress.enter("writing")
    taken = await _write(uow, accepted, user, code_timezone)
    await import_repository.add_record(uow.session, ImportRecord(
        sha256=upload.sha256, filename=upload.filename[:300], rows_taken=len(taken), created_by=user.sub,
        created_at=utcnow()))
    report = _report(mode, upload.total, taken, refused, committed=bool(taken))
    report["skipped"] = skipped
    if on_duplicates == "import":
        report["duplicates_imported"] = duplicates
    return report


async def _write(uow: UnitOfWork, accepted: list[Checked], user: Principal, code_timezone: str) -> list[dict]:
    """The accepted rows in bulk, as the form's petitions are written (recording.write_all), WRITE_CHUNK
    at a time in the one transaction: a chunk's texts, rows, events and statement parameters are let go
    once inserted (a 5,000-row file written at once held 40 MB more, traced with tracemalloc)."""
    taken = []
    for start in range(0, len(accepted), WRITE_CHUNK):
        chunk = accepted[start:start + WRITE_CHUNK]
        texts = await asyncio.to_thread(_texts, chunk)
        rows = await recording.write_all(
            uow, [Accepted(item.payload, item.meeting, item.unit_code, user.sub) for item in chunk], code_timezone,
            texts=texts)
        taken += [{"row": item.row, "petition_id": str(row.petition["id"]), "code": row.petition["code"]}
                  for item, row in zip(chunk, rows, strict=True)]
    return taken


def _report(mode: str, total: int, taken: list, refused: list, committed: bool) -> dict:
    return {"mode": mode, "rows_total": total, "rows_taken": len(taken), "rows_refused": len(refused),
            "committed": committed, "taken": taken, "refused": refused}
