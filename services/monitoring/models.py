"""Every monitoring table, imported together so Alembic and the app see one complete metadata."""

from services.monitoring.base import Base, InboxEntry, OutboxMessage
from services.monitoring.catalog import CatalogAgency
from services.monitoring.spot_checks.models import (
           SpotCheck,
           SpotCheckFinding,
           SpotCheckItem,
           SpotCheckLot,
)
from services.monitoring.tracking.models import Petition, PetitionVersion, TimelineEntry

__all__ = ["Base", "CatalogAgency",
           "InboxEntry", "OutboxMessage", "Petition", "PetitionVersion", "SpotCheck", "SpotCheckFinding",
           "SpotCheckItem", "SpotCheckLot", "TimelineEntry"]
