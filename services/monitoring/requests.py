"""Request-scoped helpers shared by the routers: the clock and the request id kept in the history."""

import uuid
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends, Request


async def request_id(request: Request) -> str:
    """The caller's X-Request-ID when given (so a change can be traced to its request), else a new one."""
    given = request.headers.get("x-request-id", "").strip()
    return given[:100] if given else str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


RequestId = Annotated[str, Depends(request_id)]
Now = Annotated[datetime, Depends(utc_now)]
