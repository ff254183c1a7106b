"""The statistical half of routing: linear models over folded words and the rules' signals, as plain arrays.

Two multinomial logistic regressions share one feature space (folded words and word pairs with places
masked, the rules' signals): one ranks routes (level + kind of agency), the other topics. The route the
rules decide keeps a prior (RULE_PRIOR times how often that rule was right in training), so on a few
hundred petitions the model overrules the readable rules only where it is clearly surer, or where
people's corrections keep overruling that rule. How often a decision is right is learnt apart
(calibration.py), and the threshold for automatic assignment is chosen out of fold (training.py).

Fitting needs scikit-learn (fitting.py, in a training process only); a fitted model is served from the
arrays here, so the routing service never imports it (importing scikit-learn alone costs ~135 MB).
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from services.routing.classification.calibration import Calibrator

RULE_PRIOR = 1.6  # probability mass added to the rules' route (times the rule's reliability), then renormalised
TOPIC_PRIOR = 0.5  # the same for the rules' topic (topic words are written for the topics)
RELIABILITY_PRIOR = (4.0, 1.0)  # Beta pseudo-counts (right, wrong): a rule seldom seen is trusted at 0.8
NO_TOPIC = "-"
FORMAT = "routing-linear/1"  # of the stored bytes; a version stored in another format is retrained at start
# scikit-learn's default token pattern, which the word vectorizer is fitted with (fitting.py).
WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class UnreadableModel(ValueError):
    """Stored bytes that are not a model of this FORMAT (a version from an older release)."""


@dataclass(frozen=True)
class ModelInput:
    words: str  # folded, places masked
    signals: dict[str, float]
    rule_route: str = ""  # the route the rules decide
    deciding_rule: str = ""  # which rule decides it


def word_grams(words: str) -> list[str]:
    """Words and word pairs, as the fitted vectorizer reads them (lower-cased, tokens of two characters or more)."""
    tokens = WORD_TOKEN.findall(words.lower())
    return tokens + [f"{first} {second}" for first, second in pairwise(tokens)]


@dataclass
class RouteModel:
    """A fitted model's arithmetic for one petition: tf-idf weights, two softmaxes, the rules' reliability.

    scikit-learn's vectorizers and predict_proba cost about 3 ms a petition, nearly all of it input
    validation; the same sums here take a few tens of microseconds. A test holds them equal.
    """

    vocabulary: dict[str, int]  # word or word pair → column
    idf: np.ndarray
    signal_vocabulary: dict[str, int]  # signal → column after the words
    route_classes: list[str]
    route_coef: np.ndarray  # (routes, columns)
    route_intercept: np.ndarray
    topic_classes: list[str]
    topic_coef: np.ndarray
    topic_intercept: np.ndarray
    reliability: dict[str, float]  # per deciding rule: how often its route was the label
    calibrator: Calibrator | None = None  # set by training, from out-of-fold outcomes

    def rule_reliability(self, rule: str) -> float:
        right, wrong = RELIABILITY_PRIOR
        return self.reliability.get(rule, right / (right + wrong))

    def rank(self, item: ModelInput) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(routes, topics), each sorted by probability, most likely first."""
        indices, values = self._vector(item)
        routes = _softmax(self.route_coef[:, indices] @ values + self.route_intercept)
        topics = _softmax(self.topic_coef[:, indices] @ values + self.topic_intercept)
        return by_probability(self.route_classes, routes), by_probability(self.topic_classes, topics)

    def _vector(self, item: ModelInput) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for gram in word_grams(item.words):
            index = self.vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        word_indices = np.fromiter(counts, dtype=int, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[word_indices]
        norm = np.sqrt(np.dot(weights, weights))
        if norm > 0:
            weights = weights / norm
        offset = len(self.vocabulary)
        signals = [(offset + self.signal_vocabulary[k], v) for k, v in item.signals.items()
                   if k in self.signal_vocabulary]
        indices = np.concatenate([word_indices, np.array([i for i, _ in signals], dtype=int)])
        values = np.concatenate([weights, np.array([v for _, v in signals], dtype=float)])
        return indices, values

    def dumps(self) -> bytes:
        """Arrays and one JSON member in an .npz: loading runs no code (unlike a pickle)."""
        calibrator = self.calibrator or Calibrator(constant=1.0)
        meta = {"format": FORMAT, "vocabulary": _terms(self.vocabulary),
                "signal_vocabulary": _terms(self.signal_vocabulary), "route_classes": self.route_classes,
                "topic_classes": self.topic_classes, "reliability": self.reliability,
                "calibrated": self.calibrator is not None, "calibrator_vocabulary": _terms(calibrator.vocabulary),
                "calibrator_intercept": calibrator.intercept, "calibrator_constant": calibrator.constant}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
                            idf=self.idf, route_coef=self.route_coef, route_intercept=self.route_intercept,
                            topic_coef=self.topic_coef, topic_intercept=self.topic_intercept,
                            calibrator_coef=calibrator.coef)
        return buffer.getvalue()

    @staticmethod
    def loads(blob: bytes) -> "RouteModel":
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            meta = json.loads(arrays["meta"].tobytes())
        except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:  # a pickle of an older release
            raise UnreadableModel(f"the stored routing model is not {FORMAT}: {type(exc).__name__}") from exc
        if meta.get("format") != FORMAT:
            raise UnreadableModel(f"the stored routing model is {meta.get('format')!r}, not {FORMAT}")
        calibrator = Calibrator(_columns(meta["calibrator_vocabulary"]), arrays["calibrator_coef"],
                                meta["calibrator_intercept"], meta["calibrator_constant"])
        return RouteModel(_columns(meta["vocabulary"]), arrays["idf"], _columns(meta["signal_vocabulary"]),
                          meta["route_classes"], arrays["route_coef"], arrays["route_intercept"],
                          meta["topic_classes"], arrays["topic_coef"], arrays["topic_intercept"],
                          meta["reliability"], calibrator if meta["calibrated"] else None)


def _terms(vocabulary: dict[str, int]) -> list[str]:
    """A vocabulary as its terms in column order (columns run 0..n-1)."""
    return sorted(vocabulary, key=vocabulary.__getitem__)


def _columns(terms: list[str]) -> dict[str, int]:
    return {term: column for column, term in enumerate(terms)}


def _softmax(scores: np.ndarray) -> np.ndarray:
    exponentials = np.exp(scores - scores.max())
    return exponentials / exponentials.sum()


def with_rule_prior(routes: list[tuple[str, float]], rule_route: str, reliability: float) -> list[tuple[str, float]]:
    """The model's routes with the rules' route given RULE_PRIOR × reliability more, renormalised, re-sorted."""
    return _with_prior(routes, rule_route, RULE_PRIOR * reliability)


def topic_with_rules(topics: list[tuple[str, float]], rule_topic: str | None) -> str | None:
    """The topic: the rules' one unless the model is much surer of another (TOPIC_PRIOR)."""
    favoured = rule_topic or NO_TOPIC
    best = _with_prior(topics, favoured, TOPIC_PRIOR)[0][0]
    return None if best == NO_TOPIC else best


def _with_prior(ranked: list[tuple[str, float]], favoured: str, mass: float) -> list[tuple[str, float]]:
    boosted = {label: p + (mass if label == favoured else 0.0) for label, p in ranked}
    if favoured not in boosted:
        boosted[favoured] = mass
    total = sum(boosted.values())
    return sorted(((label, p / total) for label, p in boosted.items()), key=lambda item: -item[1])


def by_probability(classes, probabilities) -> list[tuple[str, float]]:
    """(class, probability) pairs, most likely first."""
    order = np.argsort(-probabilities)
    return [(str(classes[i]), float(probabilities[i])) for i in order]
