"""The statistical half of routing: linear models over folded words and the rules' signals.

Two multinomial logistic regressions share one feature space (folded words and word pairs with places
masked, the rules' signals): one ranks routes (level + kind of agency), the other topics. The route the
rules decide keeps a prior (RULE_PRIOR times how often that rule was right in training), so on a few
hundred petitions the model overrules the readable rules only where it is clearly surer, or where
people's corrections keep overruling that rule. How often a decision is right is learnt apart
(calibration.py), and the threshold for automatic assignment is chosen out of fold (training.py).
"""

import pickle
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

# Chosen by 5-fold cross-validation over every labelled set (grid: prior 0.3-2.0, C 3-30, real weight 1-6):
# the rules' route is overruled only where the model is much surer or people keep correcting that rule.
ROUTE_C = 3.0
TOPIC_C = 10.0
RULE_PRIOR = 1.6  # probability mass added to the rules' route (times the rule's reliability), then renormalised
TOPIC_PRIOR = 0.5  # the same for the rules' topic (topic words are written for the topics)
RELIABILITY_PRIOR = (4.0, 1.0)  # Beta pseudo-counts (right, wrong): a rule seldom seen is trusted at 0.8
NO_TOPIC = "-"


@dataclass(frozen=True)
class ModelInput:
    words: str  # folded, places masked
    signals: dict[str, float]
    rule_route: str = ""  # the route the rules decide
    deciding_rule: str = ""  # which rule decides it


class RouteModel:
    def __init__(self):
        self.word_vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.signal_vectorizer = DictVectorizer()
        self.routes = LogisticRegression(C=ROUTE_C, max_iter=2000)
        self.topics = LogisticRegression(C=TOPIC_C, max_iter=2000)
        self.calibrator = None  # set by training (calibration.Calibrator), from out-of-fold outcomes
        self.reliability: dict[str, float] = {}  # per deciding rule: how often its route was the label

    def _matrix(self, inputs: list[ModelInput], fit: bool) -> csr_matrix:
        words = [i.words for i in inputs]
        signals = [i.signals for i in inputs]
        if fit:
            parts = [self.word_vectorizer.fit_transform(words), self.signal_vectorizer.fit_transform(signals)]
        else:
            parts = [self.word_vectorizer.transform(words), self.signal_vectorizer.transform(signals)]
        return hstack(parts, format="csr")

    def fit(self, inputs: list[ModelInput], routes: list[str], topics: list[str | None],
            weights: list[float]) -> "RouteModel":
        matrix = self._matrix(inputs, fit=True)
        sample_weight = np.asarray(weights, dtype=float)
        # One BLAS thread: on small matrices more threads only contend (4 s instead of 0.7 s on two cores).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.routes.fit(matrix, routes, sample_weight=sample_weight)
            self.topics.fit(matrix, [t or NO_TOPIC for t in topics], sample_weight=sample_weight)
        self.reliability = _reliability(inputs, routes, weights)

        self.scorer = LinearScorer.of(self)
        return self

    def rule_reliability(self, rule: str) -> float:
        right, wrong = RELIABILITY_PRIOR
        return self.reliability.get(rule, right / (right + wrong))

    def rank(self, item: ModelInput) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(routes, topics), each sorted by probability, most likely first."""
        indices, values = self.scorer.vector(item)
        return (_sorted(self.routes.classes_, self.scorer.routes(indices, values)),
                _sorted(self.topics.classes_, self.scorer.topics(indices, values)))

    def rank_many(self, items: list[ModelInput]) -> list[tuple[list[tuple[str, float]], list[tuple[str, float]]]]:
        matrix = self._matrix(items, fit=False)
        routes, topics = self.routes.predict_proba(matrix), self.topics.predict_proba(matrix)
        return [(_sorted(self.routes.classes_, r), _sorted(self.topics.classes_, t)) for r, t in zip(routes, topics)]

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(blob: bytes) -> "RouteModel":
        # Only our own database holds these bytes (written by training); never load a model from a user.
        model = pickle.loads(blob)  # noqa: S301
        if not isinstance(model, RouteModel):
            raise TypeError("the stored routing model is not a RouteModel")
        return model


@dataclass
class LinearScorer:
    """The fitted models' arithmetic for one petition, without scikit-learn's per-call checks.

    Classifying one petition through the vectorizers and predict_proba costs about 3 ms, nearly all of it
    input validation; the same tf-idf weights and softmax here take a few tens of microseconds. A test
    holds it equal to predict_proba.
    """

    analyzer: object
    vocabulary: dict[str, int]
    idf: np.ndarray
    signal_vocabulary: dict[str, int]
    signal_offset: int
    route_coef: np.ndarray
    route_intercept: np.ndarray
    topic_coef: np.ndarray
    topic_intercept: np.ndarray

    @classmethod
    def of(cls, model: "RouteModel") -> "LinearScorer":
        words = model.word_vectorizer
        return cls(words.build_analyzer(), words.vocabulary_, words.idf_, model.signal_vectorizer.vocabulary_,
                   len(words.vocabulary_), np.asarray(model.routes.coef_), np.asarray(model.routes.intercept_),
                   np.asarray(model.topics.coef_), np.asarray(model.topics.intercept_))

    def vector(self, item: ModelInput) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for token in self.analyzer(item.words):
            index = self.vocabulary.get(token)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        word_indices = np.fromiter(counts, dtype=int, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[word_indices]
        norm = np.sqrt(np.dot(weights, weights))
        if norm > 0:
            weights = weights / norm
        signals = [(self.signal_offset + self.signal_vocabulary[k], v) for k, v in item.signals.items()
                   if k in self.signal_vocabulary]
        indices = np.concatenate([word_indices, np.array([i for i, _ in signals], dtype=int)])
        values = np.concatenate([weights, np.array([v for _, v in signals], dtype=float)])
        return indices, values

    def routes(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        return _softmax(self.route_coef[:, indices] @ values + self.route_intercept)

    def topics(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        return _softmax(self.topic_coef[:, indices] @ values + self.topic_intercept)


def _softmax(scores: np.ndarray) -> np.ndarray:
    exponentials = np.exp(scores - scores.max())
    return exponentials / exponentials.sum()


def _reliability(inputs: list[ModelInput], routes: list[str], weights: list[float]) -> dict[str, float]:
    """Per deciding rule, the weighted share of examples whose label is the rule's route (Beta-smoothed).

    People's corrections weigh most, so a rule they keep overruling loses its say, and the words learnt
    from the corrections decide.
    """
    right, total = {}, {}
    for item, route, weight in zip(inputs, routes, weights):
        total[item.deciding_rule] = total.get(item.deciding_rule, 0.0) + weight
        right[item.deciding_rule] = right.get(item.deciding_rule, 0.0) + (weight if item.rule_route == route else 0.0)
    prior_right, prior_wrong = RELIABILITY_PRIOR
    return {rule: (right[rule] + prior_right) / (total[rule] + prior_right + prior_wrong) for rule in total}


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


def _sorted(classes, probabilities) -> list[tuple[str, float]]:
    order = np.argsort(-probabilities)
    return [(str(classes[i]), float(probabilities[i])) for i in order]
