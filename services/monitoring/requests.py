"""Request-scoped helpers shared by the routers: the request id kept in the history, the settings.

The clock is shared.service_app.Now.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from services.monitoring.settings import MonitoringSettings
from shared.service_app import get_settings


async def request_id(request: Request) -> str:
    """The caller's X-Request-ID when given (so a change can be traced to its request), else a new one."""
    given = request.headers.get("x-request-id", "").strip()
    return given[:100] if given else str(uuid.uuid4())


RequestId = Annotated[str, Depends(request_id)]
SettingsDep = Annotated[MonitoringSettings, Depends(get_settings)]
