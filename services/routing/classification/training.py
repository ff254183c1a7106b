"""Training, k-fold cross-validation and the automatic-assignment threshold of the routing model.

Every figure here comes from out-of-fold predictions: a petition is scored by a model that never saw
it. The threshold of a fold is chosen from the other folds' predictions, so the precision reported
for automatic assignment is not chosen on the petitions it is measured on. This module fits with
scikit-learn (fitting.py): the routing service runs it in a child process (learning/training_child.py).
"""

import time
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from services.routing.classification.classifier import Classifier
from services.routing.classification.decision import Candidate, Choice, PetitionInput
from services.routing.classification.examples import LabelledExample
from services.routing.classification.fitting import FittedRouteModel, fit_calibrator
from services.routing.classification.model import ModelInput, RouteModel, topic_with_rules

FOLDS = 5
SEED = 20261201
TARGET_PRECISION = 0.95  # of automatic assignments; below the threshold a petition waits for review
# Thresholds are chosen for a little more than the target: chosen on other petitions, they land a little
# lower on new ones (measured: 94.8 % at a 95 % aim).
SELECTION_MARGIN = 0.015
MIN_THRESHOLD = 0.5


@dataclass(frozen=True)
class Outcome:
    """One petition's out-of-fold result."""

    example: LabelledExample
    choice: Choice
    topic: str | None
    fold: int

    @property
    def chosen(self) -> Candidate:
        return self.choice.candidates[0]

    @property
    def confidence(self) -> float:
        return self.choice.confidence

    @property
    def level_ok(self) -> bool:
        return self.chosen.level == self.example.level

    @property
    def agency_ok(self) -> bool:
        return self.example.routed_right(self.chosen.level, self.chosen.agency_code)

    @property
    def topic_ok(self) -> bool:
        return self.topic == self.example.topic


@dataclass
class CrossValidation:
    outcomes: list[Outcome]  # confidences calibrated by the other folds' outcomes
    thresholds: dict[int, float]  # per fold, from the other folds
    threshold: float  # from every fold: the one a model trained on all of them uses
    seconds: float = 0.0

    def automatic(self, outcome: Outcome) -> bool:
        return outcome.confidence >= self.thresholds[outcome.fold]


@dataclass
class TrainedModel:
    model: RouteModel  # as served: plain arrays
    threshold: float
    validation: CrossValidation
    seconds: float


def model_inputs(classifier: Classifier, examples: list[LabelledExample]) -> list[ModelInput]:
    return [classifier.model_input(e.content, classifier.rule_view(PetitionInput(e.content, e.unit_code)))
            for e in examples]


def fit(classifier: Classifier, examples: list[LabelledExample],
        inputs: list[ModelInput] | None = None) -> FittedRouteModel:
    inputs = inputs if inputs is not None else model_inputs(classifier, examples)
    return FittedRouteModel().fit(inputs, [e.route for e in examples], [e.topic for e in examples],
                                  [e.weight for e in examples])


def train(classifier: Classifier, examples: list[LabelledExample],
          validation: CrossValidation | None = None) -> TrainedModel:
    """A model on every example, its calibrator and threshold from a cross-validation of the same recipe."""
    started = time.perf_counter()
    validation = validation or cross_validate(classifier, examples)
    model = fit(classifier, examples).served
    model.calibrator = fit_calibrator([o.choice.traits for o in validation.outcomes],
                                      [o.agency_ok for o in validation.outcomes])
    return TrainedModel(model, validation.threshold, validation, time.perf_counter() - started + validation.seconds)


def fold_of(examples: list[LabelledExample], folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """A fold per petition, stable for one list (a permutation by seed, dealt round-robin)."""
    order = np.random.default_rng(seed).permutation(len(examples))
    assignment = np.empty(len(examples), dtype=int)
    assignment[order] = np.arange(len(examples)) % folds
    return assignment


def cross_validate(classifier: Classifier, examples: list[LabelledExample], folds: int = FOLDS,
                   train_filter=None, seed: int = SEED) -> CrossValidation:
    """Out-of-fold outcomes; `train_filter(example)` limits what each fold trains on (the active arm)."""
    started = time.perf_counter()
    inputs = model_inputs(classifier, examples)
    views = [classifier.rule_view(PetitionInput(e.content, e.unit_code)) for e in examples]
    assignment = fold_of(examples, folds, seed)
    raw: list[Outcome | None] = [None] * len(examples)
    for fold in range(folds):
        train_rows = [i for i in range(len(examples)) if assignment[i] != fold
                      and (train_filter is None or train_filter(examples[i]))]
        test_rows = [i for i in range(len(examples)) if assignment[i] == fold]
        model = fit(classifier, [examples[i] for i in train_rows], [inputs[i] for i in train_rows])
        for i, (routes, topics) in zip(test_rows, model.rank_many([inputs[i] for i in test_rows])):
            topic = topic_with_rules(topics, views[i].topic)
            raw[i] = Outcome(examples[i], classifier.choose(views[i], routes, model.served), topic, fold)
    outcomes = _calibrated([o for o in raw if o is not None], folds)
    thresholds = {f: choose_threshold([o for o in outcomes if o.fold != f]) for f in range(folds)}
    return CrossValidation(outcomes, thresholds, choose_threshold(outcomes), time.perf_counter() - started)


def _calibrated(outcomes: list[Outcome], folds: int) -> list[Outcome]:
    """Each fold's confidences from a calibrator that learnt on the other folds only."""
    calibrated = []
    for fold in range(folds):
        others = [o for o in outcomes if o.fold != fold]
        calibrator = fit_calibrator([o.choice.traits for o in others], [o.agency_ok for o in others])
        calibrated.extend(replace(o, choice=o.choice.calibrated(calibrator)) for o in outcomes if o.fold == fold)
    return calibrated


def choose_threshold(outcomes: list[Outcome], target: float = TARGET_PRECISION + SELECTION_MARGIN) -> float:
    """The lowest confidence from which the automatically assigned are at least `target` right."""
    ranked = sorted(outcomes, key=lambda o: -o.confidence)
    best, right = 1.0, 0
    for count, outcome in enumerate(ranked, start=1):
        right += outcome.agency_ok
        if right / count >= target and (count == len(ranked) or ranked[count].confidence < outcome.confidence):
            best = outcome.confidence
    return round(max(best, MIN_THRESHOLD), 4)


def figures(validation: CrossValidation, group=lambda e: e.origin) -> dict:
    """Accuracy, review share and precision of automatic assignment, per group of examples and in all."""
    groups = defaultdict(list)
    for outcome in validation.outcomes:
        groups[group(outcome.example)].append(outcome)
        groups["all"].append(outcome)
    return {name: _group_figures(validation, items) for name, items in groups.items()}


def _group_figures(validation: CrossValidation, items: list[Outcome]) -> dict:
    automatic = [o for o in items if validation.automatic(o)]
    n = len(items)
    return {
        "n": n,
        "level": sum(o.level_ok for o in items) / n,
        "agency": sum(o.agency_ok for o in items) / n,
        "topic": sum(o.topic_ok for o in items) / n,
        "review_share": 1 - len(automatic) / n,
        "automatic_precision": (sum(o.agency_ok for o in automatic) / len(automatic)) if automatic else None,
    }

