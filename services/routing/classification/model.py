"""The statistical half of routing: linear models over words, character n-grams and the rules' signals.

Two multinomial logistic regressions share one feature space (folded words and word pairs, the
rules' signals): one ranks routes (level + kind of agency), the other topics. The route the rules
decide keeps a prior (RULE_PRIOR): on a few hundred petitions the model overrules the readable rules
only where it is clearly more sure, which people's corrections make it. Logistic regression gives probabilities; the threshold that turns them
into "assign automatically" is chosen from cross-validated predictions (training.py), so the
confidence an officer reads is the one measured on petitions the model had not seen.
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

# Chosen by 5-fold cross-validation over every labelled set (grid: prior 0.3-1.0, C 3-30, real weight 1-6).
# A prior of 1.0 scores the same on these sets but would never let people's corrections overrule a rule.
ROUTE_C = 3.0
TOPIC_C = 10.0
RULE_PRIOR = 0.8  # probability mass added to the rules' route before renormalising
NO_TOPIC = "-"


@dataclass(frozen=True)
class ModelInput:
    words: str  # folded, places masked
    signals: dict[str, float]


class RouteModel:
    def __init__(self):
        self.word_vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self.signal_vectorizer = DictVectorizer()
        self.routes = LogisticRegression(C=ROUTE_C, max_iter=2000)
        self.topics = LogisticRegression(C=TOPIC_C, max_iter=2000)
        self.calibrator = None  # set by training (calibration.Calibrator), from out-of-fold outcomes

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
        return self

    def rank(self, item: ModelInput) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(routes, topics), each sorted by probability, most likely first."""
        matrix = self._matrix([item], fit=False)
        return _ranked(self.routes, matrix), _ranked(self.topics, matrix)

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


def with_rule_prior(routes: list[tuple[str, float]], rule_route: str) -> list[tuple[str, float]]:
    """The model's routes with the rules' route given RULE_PRIOR more, renormalised and re-sorted."""
    boosted = {route: p + (RULE_PRIOR if route == rule_route else 0.0) for route, p in routes}
    if rule_route not in boosted:
        boosted[rule_route] = RULE_PRIOR
    total = sum(boosted.values())
    return sorted(((route, p / total) for route, p in boosted.items()), key=lambda item: -item[1])


def _ranked(estimator: LogisticRegression, matrix) -> list[tuple[str, float]]:
    return _sorted(estimator.classes_, estimator.predict_proba(matrix)[0])


def _sorted(classes, probabilities) -> list[tuple[str, float]]:
    order = np.argsort(-probabilities)
    return [(str(classes[i]), float(probabilities[i])) for i in order]
