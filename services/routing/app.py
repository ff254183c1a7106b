"""Routing service: units and agencies, classification of every petition, the secretariat's review."""

from fastapi import FastAPI

from services.routing.base import InboxEntry, OutboxMessage
from services.routing.catalog import service as catalog_service
from services.routing.catalog.router import router as catalog_router
from services.routing.catalog.source import read_catalog
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.rulebook import load_rulebook
from services.routing.dependencies import RoutingState
from services.routing.learning import handlers as learning_handlers
from services.routing.learning.router import router as learning_router
from services.routing.routings.handlers import petition_consumer
from services.routing.routings.router import router as routings_router
from services.routing.routings.service import RoutingContext
from services.routing.settings import RoutingSettings
from shared.service_app import ServiceDefinition, ServiceRuntime, create_service_app

DESCRIPTION = ("Danh mục đơn vị hành chính và cơ quan; phân loại từng kiến nghị theo cấp, cơ quan có thẩm quyền "
               "và lĩnh vực, kèm giải thích; hàng chờ để thư ký xác nhận hoặc điều chỉnh.")


def create_app(settings: RoutingSettings | None = None) -> FastAPI:
    settings = settings or RoutingSettings()
    holder = ClassifierHolder(load_rulebook(settings.rules_file, settings.topics_file), settings.province_code)
    context = RoutingContext(holder, settings.review_threshold)

    async def on_start(runtime: ServiceRuntime) -> None:
        # Seed the catalog idempotently (missing rows only; admin edits stay), then build the classifier,
        # training the first model version from the repository's labelled petitions if there is none.
        data = read_catalog(settings.catalog_file, settings.unit_aliases_file)
        async with runtime.uow() as uow:
            await catalog_service.seed(uow.session, data)
            await uow.commit()
        if settings.routing_learning:
            await learning_handlers.ensure_model(runtime.uow, context.holder)
        runtime.context = RoutingState(context, learning_handlers.BackgroundTraining())

    definition = ServiceDefinition(
        title="Phân loại kiến nghị cử tri (routing)",
        description=DESCRIPTION,
        outbox_model=OutboxMessage,
        inbox_model=InboxEntry,
        routers=[catalog_router, routings_router, learning_router],
        consumers=[petition_consumer(context)],
        on_start=on_start,
    )
    return create_service_app(settings, definition)
