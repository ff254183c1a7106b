"""Confidence that means what it says: the probability that a decision is right, learnt out of fold.

The model's probability alone is over-sure on petitions unlike the invented ones (real ones are
often confidently wrong), so a second, small logistic regression learns from cross-validated
outcomes how often a decision with these traits was right: how sure the model was, by how much it
beat the runner-up, whether the model and the rules agree, how the petition is written, which level.
It is fitted with scikit-learn in training (fitting.py) and kept here as its coefficients.
"""

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Traits:
    probability: float  # of the chosen route, after the rules' prior
    margin: float  # over the runner-up
    model_agrees: bool  # the model's own first route is the rules' route
    rule_source: str  # rule | default | fallback
    style: str  # list | free
    level: str
    placed: bool
    place_source: str  # text | petition | none (a province-wide petition)

    def features(self) -> dict[str, float]:
        return {"p": self.probability, "margin": self.margin, "agree": float(self.model_agrees),
                f"source={self.rule_source}": 1.0, f"style={self.style}": 1.0, f"level={self.level}": 1.0,
                f"style_agree={self.style}|{self.model_agrees}": 1.0, "placed": float(self.placed),
                f"place={self.place_source}": 1.0}


@dataclass
class Calibrator:
    """A fitted logistic regression over the traits (fitting.fit_calibrator), as plain numbers."""

    vocabulary: dict[str, int] = field(default_factory=dict)  # trait feature → coefficient
    coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    intercept: float = 0.0
    constant: float | None = None  # all outcomes right (or all wrong): nothing to learn

    def confidence(self, traits: list[Traits]) -> list[float]:
        """P(right) for each; the logistic function by hand (predict_proba's checks cost more than the sum)."""
        if self.constant is not None:
            return [self.constant] * len(traits)
        vocabulary, coef = self.vocabulary, self.coef
        scores = [self.intercept + sum(coef[vocabulary[k]] * v for k, v in t.features().items() if k in vocabulary)
                  for t in traits]
        return [1.0 / (1.0 + math.exp(-score)) for score in scores]


def traits_of(raw: list[tuple[str, float]], blended: list[tuple[str, float]], chosen_route: str,
              rule_route: str, rule_source: str, compiled: bool, placed: bool, place_source: str) -> Traits:
    """Traits of choosing `chosen_route`, from the model's routes before and after the rules' prior."""
    chosen = dict(blended).get(chosen_route, 0.0)
    others = [p for route, p in blended if route != chosen_route]
    return Traits(
        probability=chosen, margin=chosen - max(others, default=0.0),
        model_agrees=bool(raw) and raw[0][0] == rule_route, rule_source=rule_source,
        style="list" if compiled else "free", level=chosen_route.partition(":")[0], placed=placed,
        place_source=place_source,
    )
