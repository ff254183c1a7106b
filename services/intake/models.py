"""Every intake table, imported together so Alembic and the app see one complete metadata."""

from services.intake.base import Base, InboxEntry, OutboxMessage
from services.intake.catalog import CatalogUnit
from services.intake.changes.models import ChangeRecord
from services.intake.meetings.models import Meeting
from services.intake.petitions.models import (
    ImportRecord,
    Petition,
    PetitionCodeCounter,
    Petitioner,
    PetitionLink,
)
from services.intake.sessions.models import CouncilSession

__all__ = [
    "Base",
    "CatalogUnit",
    "ChangeRecord",
    "CouncilSession",
    "ImportRecord",
    "InboxEntry",
    "Meeting",
    "OutboxMessage",
    "Petition",
    "PetitionCodeCounter",
    "PetitionLink",
    "Petitioner",
]
