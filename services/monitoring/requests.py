"""Request-scoped helpers shared by the routers: the request id kept in the history, the settings.

The clock is shared.service_app.Now; the request id is shared.observability's (one for every service).
"""

from typing import Annotated

from fastapi import Depends

from services.monitoring.settings import MonitoringSettings
from shared.observability import RequestId  # noqa: F401 - the one request id, re-exported for the routers
from shared.service_app import get_settings

SettingsDep = Annotated[MonitoringSettings, Depends(get_settings)]
