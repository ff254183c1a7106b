"""`Idempotency-Key` on POSTs that create something: a retry with the same key gets the first answer.

The key is claimed in the request's own transaction (insert-on-conflict), the answer is stored beside
it before the commit, so either both the change and its answer are committed or neither is: a request
that failed or was refused leaves no key behind and may be retried as new. A concurrent duplicate
waits for the first transaction (PostgreSQL's unique index, SQLite's write lock) and then replays it.
Keys are per user; the same key with a different request is refused (422).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select

from shared.errors import invalid
from shared.persistence import upsert, utcnow
from shared.unit_of_work import UnitOfWork

HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    fingerprint: str


async def _key(idempotency_key: Annotated[
        str | None, Header(alias=HEADER, min_length=1, max_length=200,
                           description="Gửi lại cùng khoá thì nhận lại kết quả lần đầu, không tạo bản ghi mới")] = None,
         ) -> str | None:
    return idempotency_key


async def _from_header(request: Request, key: Annotated[str | None, Depends(_key)]) -> IdempotentRequest | None:
    if key is None:
        return None
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}\n".encode())
    digest.update(await request.body())
    return IdempotentRequest(key, digest.hexdigest())


IdempotencyDep = Annotated[IdempotentRequest | None, Depends(_from_header)]
# An upload's key alone: its fingerprint is the file's bytes (of_upload), not the multipart body, which
# a browser sending the same file again wraps in another boundary (and which the form parser has read).
UploadKeyDep = Annotated[str | None, Depends(_key)]


def of_upload(key: str | None, http: Request, content: bytes) -> IdempotentRequest | None:
    if key is None:
        return None
    digest = hashlib.sha256(f"{http.method} {http.url.path}?{http.url.query}\n".encode())
    digest.update(content)
    return IdempotentRequest(key, digest.hexdigest())


async def replay_or_claim(uow: UnitOfWork, model, request: IdempotentRequest | None,
                          principal: str) -> JSONResponse | None:
    """The first answer when this key was used before; otherwise claim it (None) and go on."""
    if request is None:
        return None
    claimed = await uow.session.execute(upsert(uow.session, model, {
        "principal": principal, "key": request.key, "fingerprint": request.fingerprint, "created_at": utcnow(),
    }))
    if claimed.rowcount == 1:
        return None
    first = (await uow.session.execute(select(model.fingerprint, model.status_code, model.body).where(
        model.principal == principal, model.key == request.key))).one()
    if first.fingerprint != request.fingerprint:
        raise invalid(HEADER, "Khoá này đã dùng cho một yêu cầu khác")
    return JSONResponse(json.loads(first.body), status_code=first.status_code)


async def remember(uow: UnitOfWork, model, request: IdempotentRequest | None, principal: str, status_code: int,
                   answer) -> None:
    """Store the answer with the claimed key, in the same transaction as the change (call before commit)."""
    if request is None:
        return
    record = await uow.session.get(model, (principal, request.key))
    record.status_code = status_code
    record.body = json.dumps(jsonable_encoder(answer), ensure_ascii=False)
