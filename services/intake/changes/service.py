"""Corrections and withdrawals of sessions, meetings and petitions: the shared bookkeeping.

A correction changes fields in place and adds a change record of each field's old and new value; a
withdrawal marks the record and adds one too. Nothing is deleted. Nothing here commits.
"""

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.changes import repository as change_repository
from services.intake.changes.models import ChangeRecord
from services.intake.changes.schemas import ChangeOut
from shared.auth import Principal
from shared.errors import conflict, invalid
from shared.persistence import utcnow

CORRECTED, WITHDRAWN = "corrected", "withdrawn"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime, uuid.UUID)):
        return str(value)
    return value


def differences(record: object, wanted: Mapping[str, Any]) -> dict[str, dict]:
    """{field: {from, to}} for each wanted value that differs from the record's."""
    return {name: {"from": _plain(getattr(record, name)), "to": _plain(value)}
            for name, value in wanted.items() if getattr(record, name) != value}


def require_changes(changes: Mapping[str, dict]) -> None:
    if not changes:
        raise invalid("body", "Không có thay đổi nào so với bản ghi hiện tại")


def ensure_not_withdrawn(record: object, what: str) -> None:
    if record.withdrawn_at is not None:
        raise conflict(f"{what} đã bị rút ngày {record.withdrawn_at:%d/%m/%Y}: không sửa hay rút lại được")


def apply(record: object, changes: Mapping[str, dict], values: Mapping[str, Any]) -> None:
    for name in changes:
        setattr(record, name, values[name])


async def record_change(db: AsyncSession, entity: str, entity_id: uuid.UUID, kind: str, user: Principal,
                        reason: str, changes: Mapping[str, dict] | None = None,
                        revision: int | None = None) -> ChangeRecord:
    record = ChangeRecord(entity=entity, entity_id=entity_id, kind=kind, at=utcnow(), by=user.sub, reason=reason,
                          changes=dict(changes or {}), revision=revision)
    await change_repository.add(db, record)
    return record


def mark_withdrawn(record: object, user: Principal, reason: str) -> None:
    record.withdrawn_at, record.withdrawn_by, record.withdrawal_reason = utcnow(), user.sub, reason


async def correct_record(db: AsyncSession, entity: str, record: object, what: str, payload: BaseModel,
                         user: Principal) -> dict[str, dict]:
    """A session's or meeting's correction: the fields sent change, the change record keeps what they were."""
    ensure_not_withdrawn(record, what)
    wanted = {name: value for name, value in payload.model_dump(exclude_unset=True, exclude={"reason"}).items()
              if value is not None}
    changed = differences(record, wanted)
    require_changes(changed)
    apply(record, changed, wanted)
    await record_change(db, entity, record.id, CORRECTED, user, payload.reason, changed)
    return changed


async def withdraw_record(db: AsyncSession, entity: str, record: object, what: str, reason: str, user: Principal,
                          standing: int, children: str) -> None:
    """Withdraw a session or meeting; refused while records under it still stand (they would be orphans)."""
    ensure_not_withdrawn(record, what)
    if standing:
        raise conflict(f"{what} còn {standing} {children} chưa rút: hãy rút hoặc chuyển chúng trước")
    mark_withdrawn(record, user, reason)
    await record_change(db, entity, record.id, WITHDRAWN, user, reason)


PERSONAL_FIELDS = frozenset({"petitioners"})


def visible(record: ChangeRecord, personal_data: bool) -> ChangeOut:
    """A change as a reader may see it: without petitioners' data unless they may read it."""
    out = ChangeOut.model_validate(record)
    if not personal_data:
        out.changes = {name: ({"from": "(ẩn)", "to": "(ẩn)"} if name in PERSONAL_FIELDS else change)
                       for name, change in record.changes.items()}
    return out


async def history(db: AsyncSession, entity: str, entity_id: uuid.UUID) -> list[ChangeRecord]:
    return await change_repository.of(db, entity, entity_id)
