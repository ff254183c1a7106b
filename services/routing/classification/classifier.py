"""Decide the competent level, agency and topic of a petition, with the signals that decided it.

Order (competence guide): the highest-priority competence rule whose words appear in the text
(national matters, asset classes, household vs organisation...), resolved to an agency of the place
(units named in the text, else the petition's unit); failing any rule, the topic's default body.
"""

import logging
from dataclasses import dataclass, field

from services.routing.classification.places import Gazetteer, Place, UnitRecord
from services.routing.classification.rulebook import Outcome, Rule, Rulebook
from services.routing.classification.text import PreparedText

logger = logging.getLogger(__name__)

LEVEL_LABELS = {"central": "Trung ương (qua Đoàn ĐBQH tỉnh)", "province": "tỉnh", "district": "huyện",
                "commune": "xã"}
RULE_TOPIC_BONUS = 4.0  # the deciding rule's topic
MATCHED_TOPIC_BONUS = 1.5  # topic of every other rule whose words appear
CLOSE_PRIORITY = 5
WEAK_TOPIC_SCORE = 3.0  # below: only common words point to the topic


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
class Decision:
    level: str
    agency_code: str
    topic: str | None
    confidence: float
    explanation: tuple[str, ...]
    rule_id: str | None


@dataclass
class _Draft:
    level: str
    agency_code: str
    rule: Rule | None
    hits: list[str]
    confidence: float
    notes: list[str] = field(default_factory=list)


class Classifier:
    """Built once per catalog and rulebook (patterns compiled then); classify() is pure and fast."""

    def __init__(self, rulebook: Rulebook, units: list[UnitRecord], agencies: list[AgencyRecord]):
        self.rulebook = rulebook
        self.gazetteer = Gazetteer(units)
        self.agencies = {a.code: a for a in agencies}
        provinces = [u.code for u in units if u.level == "province"]
        if not provinces:
            raise ValueError("the catalog has no province-level unit")
        self.province = provinces[0]
        for missing in self.unknown_agencies():
            logger.warning("rules name agency %s, which the catalog lacks: those rules cannot assign", missing)

    def unknown_agencies(self) -> list[str]:
        """Province-level agency codes the rules use but the catalog does not have."""
        outcomes = [r.outcome for r in self.rulebook.rules if r.outcome] + list(self.rulebook.defaults.values())
        wanted = {(o.level, o.agency) for o in outcomes}
        wanted |= {(level, agency) for o in outcomes for level, agency in o.addressed.items()}
        codes = {f"{self.province}.{agency}" for level, agency in wanted if level in ("central", "province")}
        return sorted(codes - set(self.agencies))

    def classify(self, petition: PetitionInput, exclude: frozenset[str] = frozenset()) -> Decision:
        text = PreparedText.of(petition.content)
        place = self.gazetteer.resolve(text, petition.unit_code)
        addressed, addressed_hit = self._addressed(text)
        scores = {t: v.score(text) for t, v in self.rulebook.topics.items()}
        candidates = [(rule, hits) for rule in self.rulebook.rules if (hits := rule.match(text)) is not None]
        candidates.sort(key=lambda c: (-c[0].priority, -c[0].confidence))
        draft = self._from_rules(candidates, place, addressed, exclude)
        if draft is None:
            draft = self._from_topic_default(scores, place, addressed, exclude)
        topic, topic_hits = self._topic(scores, draft, [rule for rule, _hits in candidates])
        if addressed and addressed != draft.level and draft.level != "central":
            draft.confidence *= 0.9  # voters asked another level: a reason to look twice
        explanation = self._explain(draft, topic, topic_hits, place, addressed, addressed_hit)
        confidence = round(max(0.0, min(1.0, draft.confidence)), 3)
        explanation.append(f"Độ tin cậy: {confidence:.2f}")
        return Decision(draft.level, draft.agency_code, topic, confidence, tuple(explanation),
                        draft.rule.id if draft.rule else None)

    def _addressed(self, text: PreparedText) -> tuple[str | None, str | None]:
        for level, group in self.rulebook.addressees.items():
            hit = group.first_match(text)
            if hit:
                return level, hit
        return None, None

    def _from_rules(self, candidates, place: Place, addressed: str | None, exclude) -> _Draft | None:
        for index, (rule, hits) in enumerate(candidates):
            if rule.outcome is None:
                continue
            draft = self._resolve(rule.outcome, place, addressed, rule.confidence)
            if draft is None or draft.agency_code in exclude:
                continue
            draft.rule, draft.hits = rule, hits
            rival = self._rival(rule, candidates[index + 1:], draft)
            if rival is not None:
                draft.confidence *= 0.85
                draft.notes.append(f"Tín hiệu khác không được chọn: «{rival.label}»")
            return draft
        return None

    @staticmethod
    def _rival(rule: Rule, others, draft: _Draft) -> Rule | None:
        for other, _hits in others:
            if other.priority < rule.priority - CLOSE_PRIORITY:
                return None
            if other.outcome is not None and (other.outcome.level, other.outcome.agency) != (draft.level, rule.outcome.agency):
                return other
        return None

    def _from_topic_default(self, scores, place: Place, addressed: str | None, exclude) -> _Draft:
        best = max(scores, key=lambda t: scores[t][0])
        outcome = self.rulebook.defaults.get(best) if scores[best][0] > 0 else None
        if outcome is not None:
            weak = scores[best][0] < WEAK_TOPIC_SCORE
            confidence = self.rulebook.default_confidence * (0.7 if weak else 1.0)
            draft = self._resolve(outcome, place, addressed, confidence)
            if draft is not None and draft.agency_code not in exclude:
                draft.notes.append(f"Không có quy tắc thẩm quyền nào khớp: cơ quan mặc định của lĩnh vực "
                                   f"«{self.rulebook.topic_label(best)}»")
                return draft
        fallback = f"{self.province}.UBND"
        return _Draft("province", fallback, None, [], 0.2,
                      ["Không nhận ra lĩnh vực hay quy tắc nào: đề xuất UBND tỉnh, cần thư ký xem xét"])

    def _resolve(self, outcome: Outcome, place: Place, addressed: str | None, confidence: float) -> _Draft | None:
        """Turn (level, agency abbreviation) into an agency code of the petition's place."""
        level, agency, notes = outcome.level, outcome.agency, []
        if addressed in outcome.addressed:
            level, agency = addressed, outcome.addressed[addressed]
            notes.append(f"Thẩm quyền chia sẻ: theo cấp cử tri đề nghị ({LEVEL_LABELS[level]})")
        unit = {"central": self.province, "province": self.province,
                "district": place.district, "commune": place.commune}[level]
        if unit is None and level == "commune" and place.district:
            level, agency, unit = "district", "UBND", place.district
            confidence = min(confidence, 0.4)
            notes.append("Không xác định được xã/phường: đề xuất UBND huyện, cần xem xét")
        if unit is None:
            return None
        code = f"{unit}.{agency}"
        if code not in self.agencies:
            return None
        if level == "commune" and "nội dung nêu nhiều xã/phường" in place.notes:
            confidence *= 0.8
        return _Draft(level, code, None, [], confidence, notes)

    def _topic(self, scores, draft: _Draft, matched: list[Rule]) -> tuple[str | None, list[str]]:
        """Topic words, plus a bonus for the deciding rule's topic and for close rules that also matched.

        A national rule without its own topic lends the bonus to the most specific rule that has one.
        """
        weighted = {t: s for t, (s, _h) in scores.items()}
        top = matched[0].priority if matched else 0
        for rule in matched:
            if rule.topic is not None and rule.priority >= top - 2 * CLOSE_PRIORITY:
                weighted[rule.topic] += MATCHED_TOPIC_BONUS
        topic_rule = draft.rule if draft.rule is not None and draft.rule.topic else None
        if topic_rule is None and draft.rule is not None:
            topic_rule = next((r for r in matched if r.topic is not None), None)
        aspect = next((r for r in matched if r.outcome is None), None)
        if aspect is not None and (topic_rule is None or aspect.priority >= topic_rule.priority):
            topic_rule = aspect
        preferred = topic_rule.topic if topic_rule is not None else None
        if preferred is not None:
            weighted[preferred] += RULE_TOPIC_BONUS - MATCHED_TOPIC_BONUS
        best = max(weighted, key=lambda t: (weighted[t], t == preferred))
        if weighted[best] > 0:
            return best, scores[best][1]
        if draft.level == "central":
            return self.rulebook.central_topic, []
        return None, []

    def _explain(self, draft: _Draft, topic, topic_hits, place: Place, addressed, addressed_hit) -> list[str]:
        lines = []
        if draft.rule is not None:
            lines.append(f"Quy tắc «{draft.rule.label}» [{draft.rule.id}] — khớp: «{'», «'.join(draft.hits)}»")
        lines.extend(draft.notes)
        words = f" — từ khóa: «{'», «'.join(topic_hits[:5])}»" if topic_hits else ""
        lines.append(f"Lĩnh vực: {self.rulebook.topic_label(topic)}{words}")
        lines.append(self._place_line(place))
        if addressed:
            lines.append(f"Cử tri đề nghị cấp {LEVEL_LABELS[addressed]} («{addressed_hit}») — là tín hiệu, "
                         f"không phải căn cứ quyết định")
        agency = self.agencies[draft.agency_code]
        lines.append(f"Cơ quan đề xuất: {agency.name} ({agency.code}), cấp {LEVEL_LABELS[draft.level]}")
        return lines

    def _place_line(self, place: Place) -> str:
        code = place.commune or place.district
        if code is None:
            return "Địa bàn: không xác định (không nêu trong nội dung, kiến nghị thuộc cấp tỉnh)"
        origin = "nêu trong nội dung" if place.source == "text" else "đơn vị của kiến nghị / nơi tiếp xúc cử tri"
        named = ", ".join(dict.fromkeys(m.text for m in place.mentions))
        suffix = f" («{named}»)" if named else ""
        return f"Địa bàn: {self.gazetteer.units[code].name} ({code}) — {origin}{suffix}"
