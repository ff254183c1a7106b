"""Decide the competent level, agency and topic of a petition, with the signals that decided it.

Order (competence guide): the highest-priority competence rule whose words appear in the text
(national matters, asset classes, household vs organisation...), resolved to an agency of the place
(units named in the text, else the petition's unit); failing any rule, the topic's default body.
With a trained model (model.py), the rules become the model's signals: it ranks routes (level + kind of
agency) from the words and the rules that matched, and the gazetteer turns the route into an agency of
the petition's place. The rules alone decide when no model is loaded.
"""

import copy
import logging
from dataclasses import replace

from services.routing.classification.calibration import traits_of
from services.routing.classification.cooperation import cooperating_outcomes
from services.routing.classification.decision import (
    LEVEL_LABELS,
    RULES_ONLY_THRESHOLD,
    ActiveModel,
    AgencyRecord,
    Candidate,
    Choice,
    Decision,
    Draft,
    PetitionInput,
    RuleView,
)
from services.routing.classification.examples import route_of, split_route
from services.routing.classification.explanation import Explainer
from services.routing.classification.features import (
    RuleSignals,
    masked_words,
    request_body,
    signal_features,
)
from services.routing.classification.model import (
    ModelInput,
    RouteModel,
    topic_with_rules,
    with_rule_prior,
)
from services.routing.classification.places import Gazetteer, Place, UnitRecord
from services.routing.classification.rulebook import TOPIC_BODY, Outcome, Rule, Rulebook
from services.routing.classification.text import PreparedText

logger = logging.getLogger(__name__)

RULE_TOPIC_BONUS = 4.0  # the deciding rule's topic
MATCHED_TOPIC_BONUS = 1.5  # topic of every other rule whose words appear
CLOSE_PRIORITY = 5
WEAK_TOPIC_SCORE = 3.0  # below: only common words point to the topic


class Classifier:
    """Built once per catalog and rulebook (patterns compiled then); classify() is pure and fast."""

    def __init__(self, rulebook: Rulebook, units: list[UnitRecord], agencies: list[AgencyRecord],
                 model: ActiveModel | None = None, province: str | None = None,
                 rules_threshold: float = RULES_ONLY_THRESHOLD):
        self.rulebook = rulebook
        self.model = model
        self.rules_threshold = rules_threshold
        self.gazetteer = Gazetteer(units)
        self.agencies = {a.code: a for a in agencies}
        self.explainer = Explainer(rulebook, self.gazetteer.units, self.agencies)
        provinces = [u.code for u in units if u.level == "province"]
        if not provinces:
            raise ValueError("the catalog has no province-level unit")
        # A catalog may hold several provinces (a merger): the configured one is this council's.
        self.province = province if province in provinces else min(provinces)
        for missing in self.unknown_agencies():
            logger.warning("rules name agency %s, which the catalog lacks: those rules cannot assign", missing)

    def unknown_agencies(self) -> list[str]:
        """Province-level agency codes the rules use but the catalog does not have."""
        outcomes = [r.outcome for r in self.rulebook.rules if r.outcome and r.outcome.agency != TOPIC_BODY]
        outcomes += list(self.rulebook.defaults.values())
        wanted = {(o.level, o.agency) for o in outcomes}
        wanted |= {(level, agency) for o in outcomes for level, agency in o.addressed.items()}
        codes = {f"{self.province}.{agency}" for level, agency in wanted if level in ("central", "province")}
        return sorted(codes - set(self.agencies))

    def with_model(self, model: ActiveModel | None) -> "Classifier":
        """The same rules and gazetteer (built once) deciding with `model`."""
        clone = copy.copy(self)
        clone.model = model
        return clone

    def classify(self, petition: PetitionInput, exclude: frozenset[str] = frozenset()) -> Decision:
        if self.model is None:
            return self._rules_decision(self._rule_view(petition, exclude))
        view = self._rule_view(petition, frozenset())
        routes, topics = self.model.model.rank(self.model_input(petition.content, view))
        choice = self.choose(view, routes, self.model.model, exclude)
        if choice is not None and self.model.model.calibrator is not None:
            choice = choice.calibrated(self.model.model.calibrator)
        return self._model_decision(view, choice, topics)

    def choose(self, view: "RuleView", routes: list[tuple[str, float]], model: RouteModel,
               exclude: frozenset[str] = frozenset()) -> Choice | None:
        """The first route (after the rules' prior) with an agency at the petition's place.

        Its confidence is the blended probability until a calibrator says how often such choices were right.
        """
        signals = self._signals(view)
        blended = with_rule_prior(routes, signals.rule_route, model.rule_reliability(signals.deciding_rule))
        resolved = self._placed_candidates(blended, view.place)
        allowed = [c for c in resolved if c.agency_code not in exclude] or resolved
        if not allowed:
            return None
        chosen = allowed[0]
        placed = self._placed(chosen, view.place)
        traits = traits_of(routes, blended, route_of(chosen.level, chosen.agency_code.partition(".")[2]),
                           signals.rule_route, signals.rule_source, request_body(view.text.folded.text)[0], placed,
                           view.place.source)
        return Choice(tuple(allowed[:3]), chosen.probability, traits).capped()

    def model_input(self, content: str, view: "RuleView | None" = None) -> ModelInput:
        view = view or self._rule_view(PetitionInput(content), frozenset())
        signals = self._signals(view)
        return ModelInput(masked_words(content), signal_features(view.text.folded.text, signals), signals.rule_route,
                          signals.deciding_rule)

    def rule_view(self, petition: PetitionInput) -> "RuleView":
        return self._rule_view(petition, frozenset())

    def _rule_view(self, petition: PetitionInput, exclude: frozenset[str]) -> RuleView:
        text = PreparedText.of(petition.content)
        place = self.gazetteer.resolve(text, petition.unit_code)
        addressed, addressed_hit = self._addressed(text)
        scores = {t: v.score(text) for t, v in self.rulebook.topics.items()}
        candidates = [(self._concrete(rule, scores), hits) for rule in self.rulebook.rules
                      if (hits := rule.match(text)) is not None]
        candidates.sort(key=lambda c: (-c[0].priority, -c[0].confidence))
        draft = self._from_rules(candidates, place, addressed, exclude)
        if draft is None:
            draft = self._from_topic_default(scores, place, addressed, exclude)
        matched = [rule for rule, _hits in candidates]
        topic, topic_hits = self._topic(scores, draft, matched)
        if addressed and addressed != draft.level and draft.level != "central":
            draft.confidence *= 0.9  # voters asked another level: a reason to look twice
        return RuleView(text, place, addressed, addressed_hit, draft, topic, topic_hits, matched)

    def _concrete(self, rule: Rule, scores) -> Rule:
        """A rule whose agency is TOPIC_BODY names the provincial body of the petition's topic."""
        if rule.outcome is None or rule.outcome.agency != TOPIC_BODY:
            return rule
        topic = max(scores, key=lambda t: scores[t][0]) if any(v[0] > 0 for v in scores.values()) else None
        default = self.rulebook.defaults.get(topic)
        agency = "UBND"
        if default is not None:
            agency = default.agency if default.level == "province" else default.addressed.get("province", "UBND")
        return replace(rule, outcome=replace(rule.outcome, agency=agency))

    def _signals(self, view: RuleView) -> RuleSignals:
        draft = view.draft
        source = "rule" if draft.rule is not None else ("fallback" if draft.confidence <= 0.2 else "default")
        deciding = next((r.id for r in view.matched if r.outcome is not None), source)
        return RuleSignals(tuple(r.id for r in view.matched), deciding, self._rule_route(view), source, view.topic,
                           view.addressed, view.place.source, "nội dung nêu nhiều xã/phường" in view.place.notes)

    def _rule_route(self, view: RuleView) -> str:
        """The route of the first deciding rule, whether or not the place has a unit of that level."""
        for rule in view.matched:
            if rule.outcome is not None:
                return route_of(*rule.outcome.for_addressee(view.addressed))
        return route_of(view.draft.level, view.draft.agency_code.partition(".")[2])

    def _rules_decision(self, view: RuleView) -> Decision:
        draft = view.draft
        others = self._cooperating(view, draft.agency_code)
        explanation = self.explainer.explain(draft, view, others)
        confidence = round(max(0.0, min(1.0, draft.confidence)), 3)
        explanation.append(f"Độ tin cậy: {confidence:.2f}")
        return Decision(draft.level, draft.agency_code, view.topic, confidence, tuple(explanation),
                        draft.rule.id if draft.rule else None, tuple(draft.hits), None, (),
                        self._place_record(view.place), others, self.rules_threshold)

    def _model_decision(self, view: RuleView, choice: Choice | None, topics) -> Decision:
        if choice is None:
            return self._rules_decision(view)
        chosen, allowed, confidence = choice.candidates[0], list(choice.candidates), choice.confidence
        topic = topic_with_rules(topics, view.topic)
        draft = Draft(chosen.level, chosen.agency_code, view.draft.rule, view.draft.hits, confidence)
        others = self._cooperating(view, chosen.agency_code)
        explanation = self.explainer.explain(draft, view, others, topic=topic, model_lines=self.explainer.model_lines(
            allowed[:3], view, self.model.version, self._placed(chosen, view.place)))
        explanation.append(f"Độ tin cậy: {confidence:.2f} (tự động giao từ {self.model.threshold:.2f})")
        rule = view.draft.rule
        return Decision(chosen.level, chosen.agency_code, topic, confidence, tuple(explanation),
                        rule.id if rule else None, tuple(view.draft.hits), self.model.version, tuple(allowed[:3]),
                        self._place_record(view.place), others, self.model.threshold)

    def _placed_candidates(self, routes, place: Place) -> list[Candidate]:
        """Routes as agencies of the place, most likely first; two routes to one agency count once."""
        seen: dict[tuple[str, str], Candidate] = {}
        for route, probability in routes:
            candidate = self._place_route(route, probability, place)
            if candidate is not None:
                seen.setdefault((candidate.level, candidate.agency_code), candidate)
        return list(seen.values())

    def _place_route(self, route: str, probability: float, place: Place) -> Candidate | None:
        """The agency of a route at the petition's place; a route whose unit is unknown goes to the province."""
        level, kind = split_route(route)
        unit = self._unit_of(level, place)
        code = f"{unit}.{kind}" if unit else f"{self.province}.UBND"
        if code not in self.agencies:
            return None
        return Candidate(level, code, probability)

    def _placed(self, candidate: Candidate, place: Place) -> bool:
        return candidate.level in ("central", "province") or not candidate.agency_code.startswith(f"{self.province}.")

    def _cooperating(self, view: RuleView, lead: str) -> tuple[str, ...]:
        found = []
        for outcome in cooperating_outcomes(self.rulebook, view.text.original):
            draft = self._resolve(outcome, view.place, None, 1.0)
            if draft is not None and draft.agency_code != lead and draft.agency_code not in found:
                found.append(draft.agency_code)
        return tuple(found[:3])

    @staticmethod
    def _place_record(place: Place) -> dict:
        return {"commune": place.commune, "district": place.district, "source": place.source,
                "mentions": list(dict.fromkeys(m.text for m in place.mentions)), "notes": list(place.notes)}

    def _addressed(self, text: PreparedText) -> tuple[str | None, str | None]:
        for level, group in self.rulebook.addressees.items():
            hit = group.first_match(text)
            if hit:
                return level, hit
        return None, None

    def _from_rules(self, candidates, place: Place, addressed: str | None, exclude) -> Draft | None:
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
    def _rival(rule: Rule, others, draft: Draft) -> Rule | None:
        for other, _hits in others:
            if other.priority < rule.priority - CLOSE_PRIORITY:
                return None
            if other.outcome is not None and (other.outcome.level, other.outcome.agency) != (draft.level, rule.outcome.agency):
                return other
        return None

    def _from_topic_default(self, scores, place: Place, addressed: str | None, exclude) -> Draft:
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
        return Draft("province", fallback, None, [], 0.2,
                      ["Không nhận ra lĩnh vực hay quy tắc nào: đề xuất UBND tỉnh, cần thư ký xem xét"])

    def _unit_of(self, level: str, place: Place) -> str | None:
        """The unit whose body decides at `level`: the province's, or the petition's district or commune."""
        return {"central": self.province, "province": self.province, "district": place.district,
                "commune": place.commune}.get(level)

    def _resolve(self, outcome: Outcome, place: Place, addressed: str | None, confidence: float) -> Draft | None:
        """Turn (level, agency abbreviation) into an agency code of the petition's place."""
        level, agency = outcome.for_addressee(addressed)
        notes = [f"Thẩm quyền chia sẻ: theo cấp cử tri đề nghị ({LEVEL_LABELS[level]})"] \
            if addressed in outcome.addressed else []
        unit = self._unit_of(level, place)
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
        return Draft(level, code, None, [], confidence, notes)

    def _topic(self, scores, draft: Draft, matched: list[Rule]) -> tuple[str | None, list[str]]:
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
