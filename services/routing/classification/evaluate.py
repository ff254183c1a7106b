"""`make eval`: routing quality, by k-fold cross-validation on every labelled set in the repository.

    python -m services.routing.classification.evaluate [--folds 5] [--errors] [--data UNSEEN.jsonl ...]

Each petition is scored by a model that never saw it (its fold left out of training); each fold's
automatic-assignment threshold is chosen on the other folds. `--data` scores files the project has
never seen with the model trained on everything in the repository (fields as in the labelled sets:
`expected_agency`, or `expected_kind` for units outside the catalog).
"""

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from services.routing.catalog.source import DEFAULT_ALIASES_FILE, read_catalog
from services.routing.classification.classifier import Classifier
from services.routing.classification.decision import ActiveModel, PetitionInput
from services.routing.classification.examples import (
    INVENTED_SETS,
    LabelledExample,
    base_examples,
    read_set,
)
from services.routing.classification.rulebook import LEVELS, load_rulebook
from services.routing.classification.training import FOLDS, TARGET_PRECISION, cross_validate, train
from shared.catalog import DEFAULT_CATALOG

GROUPS = (("Invented (dev, check, blind)", lambda e: e.set_name in INVENTED_SETS),
          ("Real, Tuyên Quang", lambda e: e.set_name == "petitions-real-dev.jsonl"),
          ("Real, other provinces (level + kind of agency)", lambda e: e.set_name == "petitions-real-other-dev.jsonl"))
RELIABILITY_BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)


@dataclass(frozen=True)
class Scored:
    example: LabelledExample
    level: str
    agency_code: str
    topic: str | None
    confidence: float
    automatic: bool

    @property
    def level_ok(self) -> bool:
        return self.level == self.example.level

    @property
    def agency_ok(self) -> bool:
        return self.example.routed_right(self.level, self.agency_code)

    @property
    def topic_ok(self) -> bool:
        return self.topic == self.example.topic


def default_classifier() -> Classifier:
    catalog = read_catalog(DEFAULT_CATALOG, DEFAULT_ALIASES_FILE)
    return Classifier(load_rulebook(), catalog.units, catalog.agencies)


def cross_validated(rules: Classifier, examples: list[LabelledExample], folds: int) -> list[Scored]:
    validation = cross_validate(rules, examples, folds)
    return [Scored(o.example, o.chosen.level, o.chosen.agency_code, o.topic, o.confidence, validation.automatic(o))
            for o in validation.outcomes]


def decided(classifier: Classifier, examples: list[LabelledExample]) -> list[Scored]:
    scored = []
    for example in examples:
        d = classifier.classify(PetitionInput(example.content, example.unit_code))
        scored.append(Scored(example, d.level, d.agency_code, d.topic, d.confidence, d.automatic))
    return scored


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "  n/a"


def accuracy_lines(results: list[Scored]) -> list[str]:
    n = len(results)
    automatic = [r for r in results if r.automatic]
    return [
        f"  level {_pct(sum(r.level_ok for r in results), n)}   agency {_pct(sum(r.agency_ok for r in results), n)}"
        f"   topic {_pct(sum(r.topic_ok for r in results), n)}   (n={n})",
        f"  sent to review {_pct(n - len(automatic), n)}; assigned automatically {len(automatic)}, of which right "
        f"{_pct(sum(r.agency_ok for r in automatic), len(automatic))} (target {TARGET_PRECISION:.0%})",
    ]


def confusion_lines(results: list[Scored]) -> list[str]:
    counts = Counter((r.example.level, r.level) for r in results)
    lines = ["  level confusion (rows: expected, columns: decided)",
             "  " + " " * 10 + "".join(f"{label[:9]:>10}" for label in LEVELS)]
    for row in LEVELS:
        if any(counts[(row, col)] for col in LEVELS):
            lines.append(f"  {row[:10]:<10}" + "".join(f"{counts[(row, col)] or '.':>10}" for col in LEVELS))
    return lines


def reliability_lines(results: list[Scored]) -> list[str]:
    """Calibration: in each band of confidence, how many decisions were right."""
    lines = ["Reliability (confidence band: petitions, share right)"]
    for low, high in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:]):
        band = [r for r in results if low <= r.confidence < high]
        if band:
            right = sum(r.agency_ok for r in band)
            lines.append(f"  {low:.2f}-{min(high, 1.0):.2f}: {len(band):>4}  {_pct(right, len(band))}")
    return lines


def error_lines(results: list[Scored]) -> list[str]:
    lines = ["  errors:"]
    for r in results:
        if not r.agency_ok:
            expected = r.example.agency_code or f"<{r.example.level}>.{r.example.agency_kind}"
            lines.append(f"  - {r.example.id}: expected {r.example.level}/{expected}, got {r.level}/{r.agency_code} "
                         f"(confidence {r.confidence:.2f}{', automatic' if r.automatic else ''})\n"
                         f"      {r.example.content[:160]}")
    return lines


def report(results: list[Scored], title: str, with_errors: bool) -> str:
    lines = [f"--- {title}", *accuracy_lines(results), *confusion_lines(results)]
    if with_errors:
        lines.extend(error_lines(results))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--errors", action="store_true", help="list every petition routed to the wrong body")
    parser.add_argument("--data", type=Path, action="append", default=[],
                        help="a labelled JSONL file never seen by the project, scored by the model trained on all")
    args = parser.parse_args(argv)
    rules, examples = default_classifier(), base_examples()
    results = cross_validated(rules, examples, args.folds)
    print(f"=== Rules + model, {args.folds}-fold cross-validation over {len(examples)} labelled petitions "
          f"(each scored by a model that never saw it)\n")
    for title, member in GROUPS:
        print(report([r for r in results if member(r.example)], title, args.errors), end="\n\n")
    print(report(results, "All sets", with_errors=False), end="\n\n")
    print("\n".join(reliability_lines(results)), end="\n\n")
    invented = [e for e in examples if e.origin == "invented"]
    transfer = train(rules, invented)
    model = rules.with_model(ActiveModel(None, transfer.model, transfer.threshold))
    print("=== Trained on the invented sets only, scored on the real ones (no real petition in training)")
    for title, member in GROUPS[1:]:
        print(f"--- {title}\n" + "\n".join(accuracy_lines(decided(model, [e for e in examples if member(e)]))))
    print()
    alone = decided(rules, examples)
    print("=== Rules alone, on the same petitions (NOT unseen: the rules were written after reading these sets)")
    for title, member in GROUPS:
        print(f"--- {title}\n" + "\n".join(accuracy_lines([r for r in alone if member(r.example)])))
    if args.data:
        trained = train(rules, examples)
        model = rules.with_model(ActiveModel(None, trained.model, trained.threshold))
        for path in args.data:
            unseen = [e for e in read_set(path, "real") if e.content not in {x.content for x in examples}]
            print("\n" + report(decided(model, unseen), f"UNSEEN {path.name} (model trained on every repository set)",
                                args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
