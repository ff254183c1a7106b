"""The FastAPI app every service is built from: lifespan wiring, health, readiness, metrics, errors."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
import structlog

from shared.auth import TokenVerifier, ensure_secret
from shared.db import make_engine, make_session_factory
from shared.consumers import EventConsumer
from shared.errors import document_problems_as_problem_json, install_problem_handlers, problem_responses
from shared.limits import install_limits
from shared.messaging import ConsumerSpec, NatsLink, OutboxRelay
from shared.observability import (
    MetricsMiddleware,
    RequestContextMiddleware,
    ServiceMetrics,
    bind_petition_id,
    configure_logging,
)
from shared.persistence import utcnow
from shared.operations import operations_router
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    """Everything a running service holds; made in the lifespan, never at import."""

    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    link: NatsLink
    relay: OutboxRelay
    metrics: ServiceMetrics
    outbox_model: type
    inbox_model: type
    consumers: list[EventConsumer] = field(default_factory=list)
    tasks: list[asyncio.Task] = field(default_factory=list)
    # What this service adds (routing's classifier, intake's word counts), read through its typed dependency.
    context: Any = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.outbox_model, self.inbox_model,
                          source=self.settings.service_name, on_commit=self.relay.wake)


@dataclass
class ServiceDefinition:
    title: str
    description: str
    outbox_model: type
    inbox_model: type
    routers: Sequence[APIRouter]
    consumers: Sequence[ConsumerSpec] = ()
    # Awaited once the runtime exists, before the app serves (e.g. seed the catalog, set runtime.context).
    on_start: Callable[[ServiceRuntime], Awaitable[None]] | None = None


def make_verifier(settings: ServiceSettings) -> TokenVerifier:
    claims = {"issuer": settings.auth_issuer, "audience": settings.auth_audience,
              "roles_claim": settings.auth_roles_claim, "agency_claim": settings.auth_agency_claim}
    if settings.auth_jwks_url:
        return TokenVerifier(jwks_url=settings.auth_jwks_url, jwks_cache_seconds=settings.auth_jwks_cache_seconds,
                             jwks_cooldown_seconds=settings.auth_jwks_refresh_cooldown_seconds, **claims)
    return TokenVerifier(secret=ensure_secret(settings.jwt_secret_file), **claims)


def _freeze_startup_heap() -> None:
    """Leave what startup made (modules, routes, the catalog, the models) out of every later full
    collection: walking those ~100,000 objects takes 25-40 ms on this machine, a pause that lands in
    whichever request is running (in the search benchmark, 3 % of the searches)."""
    gc.collect()
    gc.freeze()


def create_service_app(settings: ServiceSettings, definition: ServiceDefinition) -> FastAPI:
    metrics = ServiceMetrics(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = _build_runtime(settings, definition, metrics)
        app.state.runtime = runtime
        app.state.token_verifier = make_verifier(settings)
        with structlog.contextvars.bound_contextvars(service=settings.service_name):  # copied into each task
            runtime.link.start()
            runtime.tasks.append(asyncio.create_task(runtime.relay.run(), name="outbox-relay"))
            for consumer in runtime.consumers:
                runtime.tasks.append(asyncio.create_task(consumer.run(), name=f"consumer-{consumer.spec.durable}"))
        if definition.on_start:
            await definition.on_start(runtime)
        _freeze_startup_heap()
        try:
            yield
        finally:
            gc.unfreeze()  # a process that starts apps again (the tests) collects this one's cycles
            await _shutdown(runtime)

    configure_logging(settings.log_level)
    app = FastAPI(title=definition.title, description=definition.description, version="1.0.0",
                  lifespan=lifespan, dependencies=[Depends(bind_petition_id)])
    install_limits(app, settings)  # inside the metrics, so 413 and 429 answers are counted too
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)  # outside: its id is on every line
    install_problem_handlers(app)
    app.include_router(operations_router(metrics.registry, _readiness_checks, _signals, _backlog))
    for router in definition.routers:
        app.include_router(router, responses=problem_responses())
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems_as_problem_json(generate())
        return app.openapi_schema

    app.openapi = openapi


def _build_runtime(settings: ServiceSettings, definition: ServiceDefinition, metrics: ServiceMetrics) -> ServiceRuntime:
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    link = NatsLink.from_settings(settings)
    relay = OutboxRelay(session_factory, definition.outbox_model, link, metrics, settings.outbox_poll_seconds)
    runtime = ServiceRuntime(settings, engine, session_factory, link, relay, metrics,
                             definition.outbox_model, definition.inbox_model)
    runtime.consumers = [EventConsumer(spec, link, runtime.uow, metrics) for spec in definition.consumers]
    return runtime


async def _shutdown(runtime: ServiceRuntime) -> None:
    # Stop fetching first (letting a batch in hand commit), then drain NATS, then close the database.
    for consumer in runtime.consumers:
        consumer.stop()
    consuming = [task for task in runtime.tasks if task.get_name().startswith("consumer-")]
    if consuming:
        await asyncio.wait(consuming, timeout=5)
    for task in reversed(runtime.tasks):
        task.cancel()
    if runtime.tasks:
        _, stuck = await asyncio.wait(runtime.tasks, timeout=10)
        for task in stuck:
            logger.error("task %s did not stop within 10 s of shutdown", task.get_name())
    await runtime.link.close()
    await runtime.engine.dispose()


async def _readiness_checks(request: Request) -> dict[str, bool]:
    # Requests need only the database: events wait in the outbox and the consumers resume with NATS.
    return {"database": await _database_ok(request.app.state.runtime.engine)}


async def _signals(request: Request) -> dict:
    return {"nats": {"connected": request.app.state.runtime.link.connected}}


async def _backlog(request: Request) -> dict:
    runtime: ServiceRuntime = request.app.state.runtime
    try:
        pending, oldest_seconds = await runtime.relay.measure_backlog()
    except Exception:  # noqa: BLE001 - the database is away: readiness says so; the last figures stay
        pending, oldest_seconds = None, None
    return {"outbox_pending": pending, "oldest_pending_seconds": oldest_seconds,
            "nats_connected": runtime.link.connected}


async def _database_ok(engine: AsyncEngine) -> bool:
    try:
        # The wait for a pooled connection counts too (SQLite has one per process).
        async with asyncio.timeout(2):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


async def get_runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


# The services' dependencies are `async def`, even one that only reads a field: FastAPI runs a plain
# `def` dependency in its thread pool, a hand-off to a thread and back on every request (py-spy under
# load). (The web's stay plain functions: its helpers call them directly, and it is not a hot path.)
async def request_time() -> datetime:
    return utcnow()


async def get_settings(request: Request) -> ServiceSettings:
    """The service's settings; each service types them: Annotated[ItsSettings, Depends(get_settings)]."""
    return request.app.state.runtime.settings


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    async with request.app.state.runtime.uow() as uow:
        yield uow


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
# The one clock of a request: the same instant for everything it decides (deadlines, overdue, report month).
Now = Annotated[datetime, Depends(request_time)]
