"""What intake's routers are given, typed: its settings, the catalog as it stands, the word counts."""

from typing import Annotated

from fastapi import Depends

from services.intake.catalog import CatalogUnit
from services.intake.petitions.repeats import WordRarity
from services.intake.settings import IntakeSettings
from shared.catalog import Catalog, load_catalog
from shared.catalog_copy import current_catalog
from shared.service_app import RuntimeDep, UowDep, get_settings


def word_rarity(runtime: RuntimeDep) -> WordRarity:
    return runtime.context


SettingsDep = Annotated[IntakeSettings, Depends(get_settings)]


async def catalog(settings: SettingsDep, uow: UowDep) -> Catalog:
    """The shipped catalog with the units routing announced since (a unit an admin added is accepted)."""
    return await current_catalog(uow.session, load_catalog(settings.catalog_file), unit_model=CatalogUnit)


RarityDep = Annotated[WordRarity, Depends(word_rarity)]
CatalogDep = Annotated[Catalog, Depends(catalog)]
