"""`make bench`: classifying one petition with rules + model (target: under 2 ms), and retraining time.

Trains the model once from the repository's labelled petitions (as a first start does), then
classifies every labelled petition many times and prints per-petition figures; then times one
retraining as `make retrain` runs it (two cross-validations and a final fit; target: under a minute).
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.routing.classification.decision import ActiveModel, PetitionInput  # noqa: E402
from services.routing.classification.evaluate import default_classifier  # noqa: E402
from services.routing.classification.examples import base_examples  # noqa: E402
from services.routing.classification.training import cross_validate, train  # noqa: E402

ROUNDS = 20
TARGET_MS = 2.0
RETRAIN_TARGET_S = 60.0


def main() -> int:
    started = time.perf_counter()
    rules = default_classifier()
    build_ms = (time.perf_counter() - started) * 1000
    examples = base_examples()
    started = time.perf_counter()
    trained = train(rules, examples)
    train_s = time.perf_counter() - started
    classifier = rules.with_model(ActiveModel(1, trained.model, trained.threshold))
    petitions = [PetitionInput(e.content, e.unit_code) for e in examples]
    for petition in petitions:  # warm-up
        classifier.classify(petition)
    timings = []
    for _ in range(ROUNDS):
        for petition in petitions:
            begin = time.perf_counter()
            classifier.classify(petition)
            timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    started = time.perf_counter()
    cross_validate(rules, examples)  # the active recipe's arm of a retraining
    train(rules, examples)  # the candidate's cross-validation and its final fit
    retrain_s = time.perf_counter() - started
    print(f"rules and gazetteer built in {build_ms:.0f} ms; first model trained in {train_s:.1f} s "
          f"({len(examples)} petitions, 5-fold calibration included)")
    print(f"classified {len(timings)} petitions ({len(petitions)} distinct x {ROUNDS} rounds), rules + model")
    print(f"per petition: mean {statistics.mean(timings):.3f} ms, median {statistics.median(timings):.3f} ms, "
          f"p95 {p95:.3f} ms, max {timings[-1]:.3f} ms (target < {TARGET_MS:.0f} ms)")
    print(f"retraining (two cross-validations + fit): {retrain_s:.1f} s (target < {RETRAIN_TARGET_S:.0f} s)")
    return 0 if p95 < TARGET_MS and retrain_s < RETRAIN_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
