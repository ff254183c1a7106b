"""The classifier of a running process, rebuilt when the catalog's revision changes.

Rules and topics are read once at start; the classifier (compiled patterns, unit gazetteer) is
rebuilt from the database catalog whenever an admin changes it, in this process or another.
"""

from dataclasses import dataclass, field

from services.routing.classification.classifier import AgencyRecord, Classifier
from services.routing.classification.places import UnitRecord
from services.routing.classification.rulebook import Rulebook


@dataclass
class ClassifierHolder:
    rulebook: Rulebook
    revision: int | None = None
    classifier: Classifier | None = field(default=None, repr=False)

    def is_current(self, revision: int) -> bool:
        return self.classifier is not None and self.revision == revision

    def rebuild(self, revision: int, units: list[UnitRecord], agencies: list[AgencyRecord]) -> Classifier:
        self.classifier = Classifier(self.rulebook, units, agencies)
        self.revision = revision
        return self.classifier
