"""Request-scoped helpers shared by the routers: the clock and the request id kept in the history."""

from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends

from shared.observability import RequestId  # noqa: F401 - the one request id, re-exported for the routers


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


Now = Annotated[datetime, Depends(utc_now)]
