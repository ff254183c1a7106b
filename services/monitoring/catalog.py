"""Monitoring's copy of routing's agencies, kept from its catalog events (shared.catalog_copy), so a
report names an agency an admin added."""

from services.monitoring.base import Base
from shared.catalog_copy import CatalogAgencyMixin, catalog_consumer


class CatalogAgency(CatalogAgencyMixin, Base):
    pass


def catalog_consumer_spec():
    return catalog_consumer("monitoring-catalog", agency_model=CatalogAgency)
