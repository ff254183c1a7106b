"""The classifier of a running process, rebuilt when the catalog or the active model version changes.

Rules and topics are read once at start; the classifier (compiled patterns, unit gazetteer, model) is
rebuilt from the database whenever an admin changes the catalog or a new model version is activated,
in this process or another.
"""

from dataclasses import dataclass, field

from services.routing.classification.classifier import Classifier
from services.routing.classification.decision import RULES_ONLY_THRESHOLD, ActiveModel, AgencyRecord
from services.routing.classification.places import UnitRecord
from services.routing.classification.rulebook import Rulebook


@dataclass
class ClassifierHolder:
    rulebook: Rulebook
    province: str | None = None
    rules_threshold: float = RULES_ONLY_THRESHOLD
    revision: int | None = None
    model_version: int | None = None
    classifier: Classifier | None = field(default=None, repr=False)
    rules: Classifier | None = field(default=None, repr=False)  # the same catalog, no model: for training
    loaded: ActiveModel | None = field(default=None, repr=False)  # the active version (each is a few MB)

    def is_current(self, revision: int, model_version: int | None) -> bool:
        return self.classifier is not None and (self.revision, self.model_version) == (revision, model_version)

    def rebuild(self, revision: int, units: list[UnitRecord], agencies: list[AgencyRecord],
                model: ActiveModel | None, version_id: int | None) -> Classifier:
        """`version_id` is the active version; `model` is None when there is none or it cannot be read."""
        self.rules = Classifier(self.rulebook, units, agencies, province=self.province,
                                rules_threshold=self.rules_threshold)
        self.classifier = self.rules.with_model(model)
        self.revision, self.model_version = revision, version_id
        return self.classifier
