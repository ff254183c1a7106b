"""Bulk import of petitions from a spreadsheet: every row checked before anything is written."""

import asyncio
import uuid
from typing import Literal

from pydantic import ValidationError

from services.intake.petitions import service as petition_service
from services.intake.petitions.importer import Row
from services.intake.petitions.schemas import PetitionCreate
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import FieldError, ProblemError
from shared.unit_of_work import UnitOfWork
from shared.validation_messages import vietnamese_message

ImportMode = Literal["all_or_nothing", "partial"]


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


def _validated(rows: list[Row], default_meeting_id) -> list[tuple[PetitionCreate | None, list | None]]:
    """Each row as a payload, or its field errors (CPU work on thousands of rows: run in a worker thread)."""
    checked = []
    for _, row in rows:
        try:
            checked.append((PetitionCreate.model_validate(_payload_from_row(row, default_meeting_id)), None))
        except ValidationError as exc:
            checked.append((None, _field_errors(exc)))
    return checked


async def _resolved(uow: UnitOfWork, payload: PetitionCreate, catalog: Catalog):
    try:
        meeting, unit_code = await petition_service.resolve_meeting(uow.session, payload, catalog)
    except ProblemError as problem:
        return None, [{"field": e.field, "message": e.message} for e in problem.errors]
    return (payload, meeting, unit_code), None


async def import_rows(uow: UnitOfWork, rows: list[Row], default_meeting_id: uuid.UUID | None,
                      mode: ImportMode, user: Principal, catalog: Catalog, code_timezone: str) -> dict:
    accepted, refused = [], []
    validated = await asyncio.to_thread(_validated, rows, default_meeting_id)
    for (row_number, _), (payload, errors) in zip(rows, validated):
        checked, errors = await _resolved(uow, payload, catalog) if payload is not None else (None, errors)
        if errors:
            refused.append({"row": row_number, "errors": errors})
        else:
            accepted.append((row_number, checked))
    if refused and mode == "all_or_nothing":
        report = _report(mode, len(rows), [], refused, committed=False)
        raise ProblemError(
            422, f"{len(refused)}/{len(rows)} dòng bị từ chối; không dòng nào được ghi (nhập tất cả hoặc không).",
            type="/problems/import-refused",
            errors=[FieldError(f"rows[{r['row']}].{e['field']}", e["message"]) for r in refused for e in r["errors"]],
            extensions={"report": report},
        )
    taken = []
    for row_number, (payload, meeting, unit_code) in accepted:
        petition, _ = await petition_service.record_petition(uow, payload, meeting, unit_code, user, code_timezone)
        taken.append({"row": row_number, "petition_id": str(petition.id), "code": petition.code})
    return _report(mode, len(rows), taken, refused, committed=bool(taken))


def _report(mode: str, total: int, taken: list, refused: list, committed: bool) -> dict:
    return {"mode": mode, "rows_total": total, "rows_taken": len(taken), "rows_refused": len(refused),
            "committed": committed, "taken": taken, "refused": refused}
