"""What intake's routers are given, typed: its settings, the catalog as it stands, the word counts."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.intake.catalog import CatalogUnit
from services.intake.petitions.import_jobs import ImportJobs
from services.intake.petitions.recording import PetitionWriter
from services.intake.petitions.repeats import WordRarity
from services.intake.settings import IntakeSettings
from shared.catalog import Catalog, load_catalog
from shared.catalog_copy import CatalogCopy
from shared.service_app import RuntimeDep, UowDep, get_settings
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class IntakeContext:
    """What one intake process keeps between requests."""

    word_rarity: WordRarity
    catalog: CatalogCopy  # routing's units as this process last read them
    import_jobs: ImportJobs  # in this process's memory: a job is polled on the replica that runs it
    petition_writer: PetitionWriter  # new petitions of this process, recorded in groups


async def word_rarity(runtime: RuntimeDep) -> WordRarity:
    return runtime.context.word_rarity


async def import_jobs(runtime: RuntimeDep) -> ImportJobs:
    return runtime.context.import_jobs


async def petition_writer(runtime: RuntimeDep) -> PetitionWriter:
    return runtime.context.petition_writer


SettingsDep = Annotated[IntakeSettings, Depends(get_settings)]


@dataclass(frozen=True)
class CatalogReader:
    """Reads the catalog when the handler asks (a dependency that read it would touch the database before
    the body is validated: bad input must stay a 422, and no transaction opens for it)."""

    catalog: CatalogCopy
    uow: UnitOfWork

    async def __call__(self) -> Catalog:
        """The shipped catalog with the units routing announced since (a unit an admin added is accepted)."""
        return await self.catalog(self.uow.session)


def intake_catalog(settings: IntakeSettings) -> CatalogCopy:
    return CatalogCopy(load_catalog(settings.catalog_file), unit_model=CatalogUnit)


async def catalog_reader(runtime: RuntimeDep, uow: UowDep) -> CatalogReader:
    return CatalogReader(runtime.context.catalog, uow)


RarityDep = Annotated[WordRarity, Depends(word_rarity)]
CatalogDep = Annotated[CatalogReader, Depends(catalog_reader)]
ImportJobsDep = Annotated[ImportJobs, Depends(import_jobs)]
PetitionWriterDep = Annotated[PetitionWriter, Depends(petition_writer)]
