"""Every routing table, imported together so Alembic and the app see one complete metadata."""

from services.routing.base import Base, IdempotencyRecord, InboxEntry, OutboxMessage
from services.routing.catalog.models import AdministrativeUnit, Agency, CatalogRevision
from services.routing.learning.models import ModelVersion, TrainingExample
from services.routing.routings.models import Routing, RoutingEntry

__all__ = ["AdministrativeUnit", "Agency", "Base", "CatalogRevision", "IdempotencyRecord", "InboxEntry", "ModelVersion",
           "OutboxMessage", "Routing", "RoutingEntry", "TrainingExample"]
