from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.routing.catalog import service as catalog_service
from services.routing.catalog.schemas import (AgencyCreate, AgencyList, AgencyOut, AgencyUpdate, UnitCreate, UnitLevel,
                                              UnitList, UnitOut, UnitUpdate)
from services.routing.roles import CATALOG_READERS, CATALOG_WRITERS
from shared.auth import Principal, require_roles
from shared.events import Level
from shared.service_app import UowDep

router = APIRouter(tags=["danh mục"])
Reader = Annotated[Principal, Depends(require_roles(*CATALOG_READERS))]
Writer = Annotated[Principal, Depends(require_roles(*CATALOG_WRITERS))]


@router.get("/units", response_model=UnitList, summary="Đơn vị hành chính")
async def list_units(uow: UowDep, _user: Reader, level: Annotated[UnitLevel | None, Query()] = None,
                     parent: Annotated[str | None, Query(description="Mã đơn vị cấp trên")] = None):
    return UnitList(items=await catalog_service.list_units(uow.session, level, parent))


@router.get("/units/{code}", response_model=UnitOut)
async def get_unit(code: str, uow: UowDep, _user: Reader):
    return await catalog_service.get_unit(uow.session, code)


@router.post("/units", status_code=201, response_model=UnitOut)
async def create_unit(payload: UnitCreate, uow: UowDep, _user: Writer):
    unit = await catalog_service.create_unit(uow, payload)
    await uow.commit()
    return unit


@router.patch("/units/{code}", response_model=UnitOut)
async def update_unit(code: str, payload: UnitUpdate, uow: UowDep, _user: Writer):
    unit = await catalog_service.update_unit(uow, code, payload)
    await uow.commit()
    return unit


@router.get("/agencies", response_model=AgencyList, summary="Cơ quan giải quyết kiến nghị")
async def list_agencies(uow: UowDep, _user: Reader, level: Annotated[Level | None, Query()] = None,
                        unit: Annotated[str | None, Query(description="Mã đơn vị hành chính")] = None):
    return AgencyList(items=await catalog_service.list_agencies(uow.session, level, unit))


@router.get("/agencies/{code}", response_model=AgencyOut)
async def get_agency(code: str, uow: UowDep, _user: Reader):
    return await catalog_service.get_agency(uow.session, code)


@router.post("/agencies", status_code=201, response_model=AgencyOut)
async def create_agency(payload: AgencyCreate, uow: UowDep, _user: Writer):
    agency = await catalog_service.create_agency(uow, payload)
    await uow.commit()
    return agency


@router.patch("/agencies/{code}", response_model=AgencyOut)
async def update_agency(code: str, payload: AgencyUpdate, uow: UowDep, _user: Writer):
    agency = await catalog_service.update_agency(uow, code, payload)
    await uow.commit()
    return agency
