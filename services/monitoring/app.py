"""The monitoring service (theo dõi, đôn đốc, giám sát việc giải quyết kiến nghị cử tri)."""

from fastapi import FastAPI

from services.monitoring import problems
from services.monitoring.base import InboxEntry, OutboxMessage
from services.monitoring.catalog import catalog_consumer_spec
from services.monitoring.reports.router import router as report_router
from services.monitoring.settings import MonitoringSettings
from services.monitoring.spot_checks.router import router as spot_check_router
from services.monitoring.tracking import handlers as tracking_handlers
from services.monitoring.tracking.router import router as tracking_router
from shared.observability import configure_logging
from shared.service_app import ServiceDefinition, create_service_app

DESCRIPTION = (
    "Trạng thái, hạn trả lời và diễn biến của từng kiến nghị; cơ quan báo cáo kết quả giải quyết; "
    "giám sát xác suất các kiến nghị được báo cáo đã giải quyết; báo cáo giao ban hằng tháng."
)


def create_app(settings: MonitoringSettings | None = None) -> FastAPI:
    settings = settings or MonitoringSettings()
    configure_logging(settings.log_level)
    definition = ServiceDefinition(
        title="Theo dõi giải quyết kiến nghị cử tri (monitoring)",
        description=DESCRIPTION,
        outbox_model=OutboxMessage,
        inbox_model=InboxEntry,
        routers=[tracking_router, spot_check_router, report_router],
        consumers=[*tracking_handlers.consumers(settings), catalog_consumer_spec()],
    )
    app = create_service_app(settings, definition)
    problems.install(app)  # domain errors become problem+json here, at the edge
    return app
