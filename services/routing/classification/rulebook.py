"""The competence rules and topic vocabulary, read from YAML files a secretariat can read and extend.

Nothing here decides anything: it turns the files into compiled patterns (once, when loaded).
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from services.routing.classification.text import PhraseSet, PreparedText, compile_phrase
from shared.events import Topic

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_RULES_FILE = DATA_DIR / "rules.yaml"
DEFAULT_TOPICS_FILE = DATA_DIR / "topics.yaml"
LEVELS = ("central", "province", "district", "commune")
TOPIC_BODY = "@topic"  # a rule's agency: the provincial body of the petition's topic (from the defaults)


class RulebookError(ValueError):
    """A rule file that cannot be used (unknown level, topic, agency...)."""


@dataclass(frozen=True)
class PhraseGroup:
    phrases: PhraseSet

    def first_match(self, text: PreparedText) -> str | None:
        hit = self.phrases.search(text)
        return hit[2] if hit else None


@dataclass(frozen=True)
class Outcome:
    level: str
    agency: str  # abbreviation: the code is <unit of that level>.<agency>
    addressed: dict[str, str] = field(default_factory=dict)  # addressed level → agency, where shared

    def for_addressee(self, addressed: str | None) -> tuple[str, str]:
        """(level, agency): the addressed level's body where competence is shared, else the rule's."""
        if addressed in self.addressed:
            return addressed, self.addressed[addressed]
        return self.level, self.agency


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    topic: str | None
    outcome: Outcome | None  # None: a topic rule, which names the topic but never the agency
    priority: int
    confidence: float
    when: tuple[PhraseGroup, ...]
    unless: PhraseGroup | None

    def match(self, text: PreparedText) -> list[str] | None:
        """The matched words (one per group), or None when the rule does not apply."""
        if self.unless is not None and self.unless.first_match(text):
            return None
        found = []
        for group in self.when:
            hit = group.first_match(text)
            if hit is None:
                return None
            found.append(hit)
        return found


@dataclass(frozen=True)
class TopicVocabulary:
    topic: str
    label: str
    weighted: tuple[tuple[PhraseSet, float], ...]  # strong phrases first

    def score(self, text: PreparedText) -> tuple[float, list[str]]:
        """Weight of each distinct phrase found; a phrase overlapping one already counted adds nothing."""
        total, hits, spans = 0.0, [], []
        for phrases, weight in self.weighted:
            for begin, finish, matched in phrases.hits(text):
                if matched in hits or any(begin < end and start < finish for start, end in spans):
                    continue
                spans.append((begin, finish))
                total += weight
                hits.append(matched)
        return total, hits


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    defaults: dict[str, Outcome]
    default_confidence: float
    addressees: dict[str, PhraseGroup]
    topics: dict[str, TopicVocabulary]
    central_topic: str

    def topic_label(self, topic: str | None) -> str:
        return self.topics[topic].label if topic in self.topics else (topic or "chưa rõ")


def _group(phrases) -> PhraseGroup:
    return PhraseGroup(PhraseSet.of(compile_phrase(p) for p in phrases))


def _outcome(raw: dict, where: str) -> Outcome:
    level = raw.get("level")
    if level not in LEVELS:
        raise RulebookError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    addressed = {str(k): str(v) for k, v in (raw.get("addressed") or {}).items()}
    for key in addressed:
        if key not in LEVELS:
            raise RulebookError(f"{where}: addressed level {key!r} is unknown")
    return Outcome(level, str(raw["agency"]), addressed)


def _rule(raw: dict, topics: set[str]) -> Rule:
    rule_id = raw["id"]
    topic = raw.get("topic")
    if topic is not None and topic not in topics:
        raise RulebookError(f"rule {rule_id}: topic {topic!r} is not in the topic file")
    when = raw.get("when") or []
    if not when:
        raise RulebookError(f"rule {rule_id}: 'when' needs at least one list of phrases")
    if "level" not in raw and topic is None:
        raise RulebookError(f"rule {rule_id}: a rule needs a level and agency, a topic, or both")
    outcome = _outcome(raw, f"rule {rule_id}") if "level" in raw else None
    return Rule(
        id=rule_id, label=raw["label"], topic=topic, outcome=outcome,
        priority=int(raw.get("priority", 50)), confidence=float(raw.get("confidence", 0.8)),
        when=tuple(_group(g) for g in when), unless=_group(raw["unless"]) if raw.get("unless") else None,
    )


def _topics(raw: dict) -> dict[str, TopicVocabulary]:
    vocabularies = {}
    unknown = set(raw) - set(Topic)
    if unknown:  # a topic travels in events, whose contract (shared.events.Topic) must know it first
        raise RulebookError(f"topics not in shared.events.Topic: {', '.join(sorted(unknown))}")
    for topic, spec in raw.items():
        weighted = ((PhraseSet.of(compile_phrase(p) for p in spec.get("strong", [])), 3.0),
                    (PhraseSet.of(compile_phrase(p) for p in spec.get("words", [])), 1.0))
        vocabularies[topic] = TopicVocabulary(topic, spec.get("label", topic), weighted)
    return vocabularies


def load_rulebook(rules_file: Path = DEFAULT_RULES_FILE, topics_file: Path = DEFAULT_TOPICS_FILE) -> Rulebook:
    topics = _topics(yaml.safe_load(Path(topics_file).read_text(encoding="utf-8")))
    raw = yaml.safe_load(Path(rules_file).read_text(encoding="utf-8"))
    rules = tuple(_rule(r, set(topics)) for r in raw["rules"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RulebookError("rule ids must be unique")
    defaults = {t: _outcome(o, f"default for {t}") for t, o in raw["defaults"].items()}
    unknown = set(defaults) - set(topics)
    if unknown:
        raise RulebookError(f"defaults for unknown topics: {', '.join(sorted(unknown))}")
    addressees = {level: _group(phrases) for level, phrases in raw.get("addressees", {}).items()}
    return Rulebook(rules, defaults, float(raw.get("default_confidence", 0.5)), addressees, topics,
                    raw.get("central_topic", "chinh_sach_phap_luat"))
