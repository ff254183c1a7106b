"""Intake's copy of routing's units, kept from its catalog events (shared.catalog_copy)."""

from services.intake.base import Base
from shared.catalog_copy import CatalogUnitMixin, catalog_consumer


class CatalogUnit(CatalogUnitMixin, Base):
    pass


def catalog_consumer_spec():
    return catalog_consumer("intake-catalog", unit_model=CatalogUnit)
