from pathlib import Path

from pydantic import Field

from shared.catalog import DEFAULT_CATALOG
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    port: int = 8001
    catalog_file: Path = DEFAULT_CATALOG
    import_max_rows: int = Field(default=5000, gt=0)
    # Petition codes (KN-<year>-<n>) take the year in Vietnam's time zone, not UTC.
    code_timezone: str = "Asia/Ho_Chi_Minh"
