from pathlib import Path

from pydantic import Field

from services.routing.catalog.source import DEFAULT_ALIASES_FILE
from services.routing.classification.rulebook import DEFAULT_RULES_FILE, DEFAULT_TOPICS_FILE
from shared.catalog import DEFAULT_CATALOG
from shared.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    service_name: str = "routing"
    port: int = 8002
    # The catalog loaded at start (missing units and agencies are added; admin edits are kept).
    catalog_file: Path = DEFAULT_CATALOG
    unit_aliases_file: Path | None = DEFAULT_ALIASES_FILE
    # Competence rules and topic vocabulary (YAML a secretariat can read and extend).
    rules_file: Path = DEFAULT_RULES_FILE
    topics_file: Path = DEFAULT_TOPICS_FILE
    # Below this confidence a petition waits in the review queue instead of being assigned. Unset: the
    # active model version's threshold, chosen by cross-validation for 95 % right among those assigned.
    review_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # Train and use the statistical model (rules alone when false).
    routing_learning: bool = True
    # This council's province in the catalog (a catalog may hold several after a merger).
    province_code: str = Field(default="08", min_length=1, max_length=20)
    page_size_max: int = Field(default=200, gt=0)
