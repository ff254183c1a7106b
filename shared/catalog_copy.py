"""The copy of routing's catalog that intake and monitoring keep from its catalog events.

Routing owns units and agencies; it announces each one created or changed as `unit_changed` or
`agency_changed`, with its catalog revision as the sequence. A consumer keeps the newest state of each
code (an older revision arriving late is ignored) on top of the catalog file shipped with the project,
so a unit or agency an admin adds is known to the other services without a restart or a file edit.
"""

from dataclasses import replace

from sqlalchemy import Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.catalog import Agency, Catalog, Unit
from shared.consumers import consumer_spec
from shared.events import AgencyChanged, Envelope, UnitChanged
from shared.messaging import ConsumerSpec
from shared.persistence import upsert
from shared.unit_of_work import UnitOfWork


class CatalogUnitMixin:
    __tablename__ = "catalog_units"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)  # routing's catalog revision of this state


class CatalogAgencyMixin:
    __tablename__ = "catalog_agencies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)


def catalog_consumer(durable: str, unit_model: type | None = None, agency_model: type | None = None) -> ConsumerSpec:
    """A consumer keeping the units (into `unit_model`) and/or agencies (`agency_model`) routing announces."""
    async def keep(uow: UnitOfWork, model: type, envelope: Envelope, values: dict) -> None:
        row = {**values, "revision": envelope.sequence or 0}
        await uow.session.execute(upsert(uow.session, model, row, key=["code"], update=lambda new: {
            name: getattr(new, name) for name in row if name != "code"
        }, when=lambda new: model.revision < new.revision))

    async def unit_changed(uow: UnitOfWork, envelope: Envelope, data: UnitChanged) -> None:
        await keep(uow, unit_model, envelope, data.model_dump(mode="json"))

    async def agency_changed(uow: UnitOfWork, envelope: Envelope, data: AgencyChanged) -> None:
        await keep(uow, agency_model, envelope, data.model_dump(mode="json"))

    handlers = {}
    if unit_model is not None:
        handlers[("unit_changed", 1)] = unit_changed
    if agency_model is not None:
        handlers[("agency_changed", 1)] = agency_changed
    return consumer_spec(durable, handlers)


async def current_catalog(session: AsyncSession, shipped: Catalog, unit_model: type | None = None,
                          agency_model: type | None = None) -> Catalog:
    """The shipped catalog with every unit and agency learnt from routing's events laid over it."""
    units, agencies = dict(shipped.units), dict(shipped.agencies)
    if unit_model is not None:
        for row in await session.scalars(select(unit_model)):
            units[row.code] = Unit(row.code, row.name, row.level, row.parent_code)
    if agency_model is not None:
        for row in await session.scalars(select(agency_model)):
            known = agencies.get(row.code)
            agency = Agency(row.code, row.name, row.level, row.unit_code, "")
            agencies[row.code] = replace(known, name=row.name, level=row.level, unit=row.unit_code) if known else agency
    return Catalog(units, agencies)


class CatalogCopy:
    """current_catalog for one process, built again only when the copy changed.

    Routing announces every unit at its start, so the copy holds the whole catalog: reading and building
    it for each new petition was an eighth of intake's time under load. A change always raises a row's
    revision or adds a row, so the highest revision and the number of rows tell whether to rebuild.
    """

    def __init__(self, shipped: Catalog, unit_model: type | None = None, agency_model: type | None = None):
        self._shipped, self._unit_model, self._agency_model = shipped, unit_model, agency_model
        self._stamp: tuple | None = None
        self._catalog = shipped

    async def __call__(self, session: AsyncSession) -> Catalog:
        stamp = tuple([
            tuple((await session.execute(select(func.count(), func.max(model.revision)))).one())
            for model in (self._unit_model, self._agency_model) if model is not None])
        if stamp != self._stamp:
            self._catalog = await current_catalog(session, self._shipped, self._unit_model, self._agency_model)
            self._stamp = stamp
        return self._catalog
