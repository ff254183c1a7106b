"""`make bench`: how long classifying one petition takes (target: under 5 ms).

Builds the classifier once (as the service does at start), then classifies every labelled petition
of the development set many times and prints the per-petition time.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.routing.classification.classifier import PetitionInput  # noqa: E402
from services.routing.classification.evaluate import DEFAULT_DATA, default_classifier, load_items  # noqa: E402

ROUNDS = 50
TARGET_MS = 5.0


def main() -> int:
    started = time.perf_counter()
    classifier = default_classifier()
    build_ms = (time.perf_counter() - started) * 1000
    petitions = [PetitionInput(item["content"], item["meeting_unit"]) for item in load_items(DEFAULT_DATA)]
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
    print(f"classifier built in {build_ms:.0f} ms (once, at start)")
    print(f"classified {len(timings)} petitions ({len(petitions)} distinct x {ROUNDS} rounds)")
    print(f"per petition: mean {statistics.mean(timings):.3f} ms, median {statistics.median(timings):.3f} ms, "
          f"p95 {p95:.3f} ms, max {timings[-1]:.3f} ms (target < {TARGET_MS:.0f} ms)")
    return 0 if p95 < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
