from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field

from shared.catalog import DEFAULT_CATALOG
from shared.settings import ServiceSettings


class MonitoringSettings(ServiceSettings):
    service_name: str = "monitoring"
    port: int = 8003
    catalog_file: Path = DEFAULT_CATALOG
    # Answer deadline in days from assignment, per level (DEADLINE_DAYS_PROVINCE=45, ...).
    deadline_days_province: int = Field(default=60, gt=0, le=730)
    deadline_days_district: int = Field(default=60, gt=0, le=730)
    deadline_days_commune: int = Field(default=60, gt=0, le=730)
    deadline_days_central: int = Field(default=60, gt=0, le=730)
    # Deadlines, report months and spot-check periods are counted in Vietnam's calendar.
    local_timezone: str = "Asia/Ho_Chi_Minh"
    report_overdue_limit: int = Field(default=200, gt=0, le=5000)
    # The council whose committee the report is for: the printed report's header (COUNCIL_NAME).
    council_name: str = Field(default="Hội đồng nhân dân tỉnh Tuyên Quang", min_length=1, max_length=200)

    def deadline_days(self, level: str) -> int:
        return getattr(self, f"deadline_days_{level}")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.local_timezone)
