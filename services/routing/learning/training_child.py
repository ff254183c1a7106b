"""The training child process: `python -m services.routing.learning.training_child`, a job on stdin.

Reads a pickled job from training_process.py, fits with scikit-learn, writes the TrainedVersion pickled
on stdout. On failure it writes only the error's type on stderr (petition text is never logged whole).
"""

import pickle
import sys

from services.routing.classification.classifier import Classifier
from services.routing.classification.examples import base_examples
from services.routing.classification.training import cross_validate, figures, train
from services.routing.learning.service import TrainedVersion, TrainingData


def base_version(rules: Classifier) -> TrainedVersion:
    """The model of the repository's labelled petitions, as a first start trains it."""
    trained = train(rules, base_examples())
    return TrainedVersion(trained.model.dumps(), trained.threshold, figures(trained.validation), trained.seconds)


def candidate_version(rules: Classifier, data: TrainingData, force: bool) -> TrainedVersion:
    """Both recipes on the same folds of every example, the active one without what came after it; the
    candidate is to be activated if it is not worse (or if `force`d: the active version was made with
    other rules or another recipe, so its figures no longer apply)."""
    examples = data.base + [example for example, _ in data.learnt]
    after = {id(e) for e, row_id in data.learnt if data.active_through is None or row_id > data.active_through}
    candidate = cross_validate(rules, examples)
    current = cross_validate(rules, examples, train_filter=lambda e: id(e) not in after)
    candidate_figures, current_figures = figures(candidate)["all"], figures(current)["all"]
    activate = force or candidate_figures["agency"] >= current_figures["agency"]
    trained = train(rules, examples, validation=candidate)
    comparison = {"candidate": candidate_figures, "active": current_figures, "activated": activate,
                  "new_examples": len(after), "active_version": data.active_id}
    return TrainedVersion(trained.model.dumps(), trained.threshold, figures(trained.validation), trained.seconds,
                          comparison, activate)


JOBS = {"base": base_version, "candidate": candidate_version}


def main() -> int:
    kind, *args = pickle.load(sys.stdin.buffer)
    result, sys.stdout = sys.stdout.buffer, sys.stderr  # a stray print must not corrupt the pickle
    try:
        trained = JOBS[kind](*args)
    except Exception as exc:  # noqa: BLE001 - reported to the parent by type only
        print(type(exc).__name__, file=sys.stderr)
        return 1
    pickle.dump(trained, result, protocol=pickle.HIGHEST_PROTOCOL)
    result.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
