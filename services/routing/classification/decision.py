"""What a routing decision is made of: inputs, the model's candidates, the decision with its audit fields."""

from dataclasses import dataclass, field, replace

from services.routing.classification.calibration import Calibrator, Traits
from services.routing.classification.model import RouteModel
from services.routing.classification.places import Place
from services.routing.classification.rulebook import Rule
from services.routing.classification.text import PreparedText

LEVEL_LABELS = {"central": "Trung ương (qua Đoàn ĐBQH tỉnh)", "province": "tỉnh", "district": "huyện",
                "commune": "xã"}
UNPLACED_CONFIDENCE = 0.3  # a district or commune route whose unit cannot be found: the secretariat decides
RULES_ONLY_THRESHOLD = 0.6


@dataclass(frozen=True)
class AgencyRecord:
    code: str
    name: str
    level: str
    unit: str


@dataclass(frozen=True)
class PetitionInput:
    content: str
    unit_code: str | None = None


@dataclass(frozen=True)
class ActiveModel:
    """A trained model version and the confidence from which its decisions are assigned automatically."""

    version: int | None
    model: RouteModel
    threshold: float


@dataclass(frozen=True)
class Candidate:
    level: str
    agency_code: str
    probability: float


@dataclass(frozen=True)
class Choice:
    candidates: tuple[Candidate, ...]  # the chosen one first, then the runners-up (three at most)
    confidence: float  # calibrated: how often a decision like this was right out of fold
    traits: Traits

    def capped(self) -> "Choice":
        confidence = self.confidence if self.traits.placed else min(self.confidence, UNPLACED_CONFIDENCE)
        return replace(self, confidence=round(min(confidence, 1.0), 3))

    def calibrated(self, calibrator: Calibrator) -> "Choice":
        return replace(self, confidence=calibrator.confidence([self.traits])[0]).capped()


@dataclass(frozen=True)
class Decision:
    level: str
    agency_code: str
    topic: str | None
    confidence: float
    explanation: tuple[str, ...]
    rule_id: str | None
    rule_hits: tuple[str, ...] = ()
    model_version: int | None = None
    candidates: tuple[Candidate, ...] = ()  # the model's top three
    place: dict = field(default_factory=dict)  # commune, district, how it was found, the words
    cooperating: tuple[str, ...] = ()  # phối hợp: agencies of the petition's other requests
    threshold: float = RULES_ONLY_THRESHOLD

    @property
    def automatic(self) -> bool:
        return self.confidence >= self.threshold


@dataclass(frozen=True)
class RuleView:
    text: PreparedText
    place: Place
    addressed: str | None
    addressed_hit: str | None
    draft: "Draft"
    topic: str | None
    topic_hits: list[str]
    matched: list[Rule]


@dataclass
class Draft:
    level: str
    agency_code: str
    rule: Rule | None
    hits: list[str]
    confidence: float
    notes: list[str] = field(default_factory=list)
