"""Fitting the routing model and its calibrator with scikit-learn: training processes only.

The routing service never imports this module (scikit-learn alone is ~135 MB resident): it trains in a
child process (learning/training_child.py) and serves the plain arrays a fit turns into (model.py).
"""

import warnings

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from services.routing.classification.calibration import Calibrator, Traits
from services.routing.classification.model import NO_TOPIC, RELIABILITY_PRIOR, WORD_TOKEN, ModelInput, RouteModel, by_probability

# Chosen by 5-fold cross-validation over every labelled set (grid: prior 0.3-2.0, C 3-30, real weight 1-6):
# the rules' route is overruled only where the model is much surer or people keep correcting that rule.
ROUTE_C = 3.0
TOPIC_C = 10.0


class FittedRouteModel:
    """The two regressions as scikit-learn fits them; `served` is the same model as arrays."""

    def __init__(self):
        self.word_vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                               token_pattern=WORD_TOKEN.pattern)
        self.signal_vectorizer = DictVectorizer()
        self.routes = LogisticRegression(C=ROUTE_C, max_iter=2000)
        self.topics = LogisticRegression(C=TOPIC_C, max_iter=2000)
        self.served: RouteModel | None = None

    def _matrix(self, inputs: list[ModelInput], fit: bool) -> csr_matrix:
        words = [i.words for i in inputs]
        signals = [i.signals for i in inputs]
        if fit:
            parts = [self.word_vectorizer.fit_transform(words), self.signal_vectorizer.fit_transform(signals)]
        else:
            parts = [self.word_vectorizer.transform(words), self.signal_vectorizer.transform(signals)]
        return hstack(parts, format="csr")

    def fit(self, inputs: list[ModelInput], routes: list[str], topics: list[str | None],
            weights: list[float]) -> "FittedRouteModel":
        matrix = self._matrix(inputs, fit=True)
        sample_weight = np.asarray(weights, dtype=float)
        # One BLAS thread: on small matrices more threads only contend (4 s instead of 0.7 s on two cores).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.routes.fit(matrix, routes, sample_weight=sample_weight)
            self.topics.fit(matrix, [t or NO_TOPIC for t in topics], sample_weight=sample_weight)
        self.served = RouteModel(
            dict(self.word_vectorizer.vocabulary_), np.asarray(self.word_vectorizer.idf_),
            dict(self.signal_vectorizer.vocabulary_), *_softmax_rows(self.routes), *_softmax_rows(self.topics),
            _reliability(inputs, routes, weights))
        return self

    def rank_many(self, items: list[ModelInput]) -> list[tuple[list[tuple[str, float]], list[tuple[str, float]]]]:
        """scikit-learn's predict_proba over many petitions at once (cross-validation's test folds)."""
        matrix = self._matrix(items, fit=False)
        routes, topics = self.routes.predict_proba(matrix), self.topics.predict_proba(matrix)
        return [(by_probability(self.routes.classes_, r), by_probability(self.topics.classes_, t))
                for r, t in zip(routes, topics)]


def _softmax_rows(regression: LogisticRegression) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Classes, coefficients and intercepts whose softmax is predict_proba.

    With two classes scikit-learn keeps one row, the second class's log-odds: softmax([0, z]) is its logistic.
    """
    coef, intercept = np.asarray(regression.coef_, dtype=float), np.asarray(regression.intercept_, dtype=float)
    if len(regression.classes_) == 2:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return [str(c) for c in regression.classes_], np.ascontiguousarray(coef), intercept


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


def fit_calibrator(traits: list[Traits], right: list[bool]) -> Calibrator:
    labels = np.asarray(right, dtype=int)
    if labels.min() == labels.max():
        return Calibrator(constant=float(labels[0]))
    vectorizer = DictVectorizer()
    regression = LogisticRegression(C=1.0, max_iter=1000)
    matrix = vectorizer.fit_transform([t.features() for t in traits])
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        regression.fit(matrix, labels)
    return Calibrator(dict(vectorizer.vocabulary_), np.asarray(regression.coef_[0]), float(regression.intercept_[0]))

