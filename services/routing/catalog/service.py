"""The catalog of administrative units and agencies: seed, read, admin changes, the records routing reads."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.catalog import repository as catalog_repository
from services.routing.catalog.models import AdministrativeUnit, Agency
from services.routing.catalog.schemas import AgencyCreate, AgencyUpdate, UnitCreate, UnitUpdate
from services.routing.catalog.source import CatalogData
from services.routing.classification.decision import AgencyRecord
from services.routing.classification.places import UnitRecord
from shared.errors import conflict, invalid, not_found
from shared.events import AgencyChanged, UnitChanged
from shared.unit_of_work import UnitOfWork

PARENT_LEVEL = {"district": "province", "commune": "district"}
AGENCY_UNIT_LEVEL = {"central": "province", "province": "province", "district": "district", "commune": "commune"}
SEED_CHUNK = 100  # rows per INSERT: SQLite caps the bound parameters of one statement


async def seed(db: AsyncSession, data: CatalogData) -> int:
    """Add the units and agencies of the catalog file that the database lacks; returns how many."""
    units = [{"code": u.code, "name": u.name, "level": u.level, "parent_code": u.parent, "aliases": list(u.aliases)}
             for u in data.units]
    agencies = [{"code": a.code, "name": a.name, "level": a.level, "unit_code": a.unit,
                 "handles": data.handles.get(a.code, "")} for a in data.agencies]
    added = 0
    for model, rows in ((AdministrativeUnit, units), (Agency, agencies)):
        for start in range(0, len(rows), SEED_CHUNK):
            added += await catalog_repository.insert_missing(db, model, rows[start:start + SEED_CHUNK])
    if added or await catalog_repository.get_revision(db) == 0:
        await catalog_repository.bump_revision(db)
    return added


async def records(db: AsyncSession) -> tuple[list[UnitRecord], list[AgencyRecord]]:
    """The catalog as the classifier reads it."""
    units = [UnitRecord(u.code, u.name, u.level, u.parent_code, tuple(u.aliases or ()))
             for u in await catalog_repository.list_units(db)]
    agencies = [AgencyRecord(a.code, a.name, a.level, a.unit_code) for a in await catalog_repository.list_agencies(db)]
    return units, agencies


async def list_units(db: AsyncSession, level: str | None, parent: str | None) -> list[AdministrativeUnit]:
    return await catalog_repository.list_units(db, level, parent)


async def get_unit(db: AsyncSession, code: str) -> AdministrativeUnit:
    unit = await catalog_repository.get_unit(db, code)
    if unit is None:
        raise not_found("Đơn vị hành chính", code)
    return unit


async def create_unit(uow: UnitOfWork, payload: UnitCreate) -> AdministrativeUnit:
    db = uow.session
    if await catalog_repository.get_unit(db, payload.code):
        raise conflict(f"Đơn vị hành chính {payload.code} đã có")
    await _check_parent(db, payload.level, payload.parent_code)
    unit = AdministrativeUnit(**payload.model_dump())
    await catalog_repository.add(db, unit)
    await _announce_unit(uow, unit)
    return unit


async def update_unit(uow: UnitOfWork, code: str, payload: UnitUpdate) -> AdministrativeUnit:
    db = uow.session
    unit = await get_unit(db, code)
    changes = payload.model_dump(exclude_unset=True)
    if "parent_code" in changes:
        await _check_parent(db, unit.level, changes["parent_code"])
    for key, value in changes.items():
        setattr(unit, key, value)
    await db.flush()
    await _announce_unit(uow, unit)
    return unit


async def _announce_unit(uow: UnitOfWork, unit: AdministrativeUnit) -> None:
    """A new catalog revision, and the unit's state in the outbox for intake and monitoring."""
    revision = await catalog_repository.bump_revision(uow.session)
    uow.emit(None, UnitChanged(code=unit.code, name=unit.name, level=unit.level, parent_code=unit.parent_code),
             sequence=revision)


async def _announce_agency(uow: UnitOfWork, agency: Agency) -> None:
    revision = await catalog_repository.bump_revision(uow.session)
    uow.emit(None, AgencyChanged(code=agency.code, name=agency.name, level=agency.level, unit_code=agency.unit_code),
             sequence=revision)


async def _check_parent(db: AsyncSession, level: str, parent_code: str | None) -> None:
    wanted = PARENT_LEVEL.get(level)
    if wanted is None:
        if parent_code:
            raise invalid("parent_code", "Đơn vị cấp tỉnh không có đơn vị cấp trên")
        return
    parent = await catalog_repository.get_unit(db, parent_code) if parent_code else None
    if parent is None or parent.level != wanted:
        raise invalid("parent_code", f"Cần mã một đơn vị cấp {wanted} đã có trong danh mục")


async def list_agencies(db: AsyncSession, level: str | None, unit: str | None) -> list[Agency]:
    return await catalog_repository.list_agencies(db, level, unit)


async def get_agency(db: AsyncSession, code: str) -> Agency:
    agency = await catalog_repository.get_agency(db, code)
    if agency is None:
        raise not_found("Cơ quan", code)
    return agency


async def create_agency(uow: UnitOfWork, payload: AgencyCreate) -> Agency:
    db = uow.session
    if await catalog_repository.get_agency(db, payload.code):
        raise conflict(f"Cơ quan {payload.code} đã có")
    unit = await catalog_repository.get_unit(db, payload.unit_code)
    if unit is None or unit.level != AGENCY_UNIT_LEVEL[payload.level]:
        raise invalid("unit_code", f"Cơ quan cấp {payload.level} cần một đơn vị cấp "
                                   f"{AGENCY_UNIT_LEVEL[payload.level]} đã có trong danh mục")
    if not payload.code.startswith(payload.unit_code + "."):
        raise invalid("code", f"Mã cơ quan phải có dạng {payload.unit_code}.<viết tắt>")
    agency = Agency(**payload.model_dump() | {"handles": payload.handles or ""})
    await catalog_repository.add(db, agency)
    await _announce_agency(uow, agency)
    return agency


async def update_agency(uow: UnitOfWork, code: str, payload: AgencyUpdate) -> Agency:
    agency = await get_agency(uow.session, code)
    for key, value in payload.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(agency, key, value)
    await uow.session.flush()
    await _announce_agency(uow, agency)
    return agency


async def agency_exists(db: AsyncSession, code: str) -> Agency | None:
    return await catalog_repository.get_agency(db, code)
