"""Intake service: council sessions, voter meetings, hotline sessions and the petitions raised there."""

from fastapi import FastAPI

from services.intake.base import InboxEntry, OutboxMessage
from services.intake.catalog import catalog_consumer_spec
from services.intake.dependencies import IntakeContext, intake_catalog
from services.intake.meetings.router import router as meetings_router
from services.intake.petitions.handlers import OUTCOME_CONSUMER
from services.intake.petitions.import_jobs import ImportJobs
from services.intake.petitions.recording import PetitionWriter
from services.intake.petitions.repeats import WordRarity
from services.intake.petitions.router import router as petitions_router
from services.intake.sessions.router import router as sessions_router
from services.intake.settings import IntakeSettings
from shared.service_app import ServiceDefinition, ServiceRuntime, create_service_app

DESCRIPTION = "Ghi nhận kỳ họp, buổi tiếp xúc cử tri, đường dây nóng và kiến nghị cử tri."


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()

    async def on_start(runtime: ServiceRuntime) -> None:
        catalog = intake_catalog(settings)
        writer = PetitionWriter(runtime.uow, lambda uow: catalog(uow.session), settings.code_timezone,
                                observe_group=runtime.metrics.petitions_per_transaction.observe)
        runtime.tasks.append(writer.start())
        runtime.context = IntakeContext(word_rarity=WordRarity(), catalog=catalog, import_jobs=ImportJobs(),
                                        petition_writer=writer)

    definition = ServiceDefinition(
        title="Tiếp nhận kiến nghị cử tri (intake)",
        description=DESCRIPTION,
        outbox_model=OutboxMessage,
        inbox_model=InboxEntry,
        routers=[sessions_router, meetings_router, petitions_router],
        consumers=[OUTCOME_CONSUMER, catalog_consumer_spec()],
        on_start=on_start,
    )
    return create_service_app(settings, definition)
