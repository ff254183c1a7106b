"""`make eval`: accuracy of routing on the labelled development set, with confusion tables.

    python -m services.routing.classification.evaluate [--data FILE] [--threshold 0.6] [--errors]

The classifier is rules written from the competence guide; nothing in it is fitted to these lines,
so every petition is scored as unseen. (Were a learned component added, it would have to be scored
by cross-validation here, never on what it trained on.)
"""

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from services.routing.catalog.source import DEFAULT_ALIASES_FILE, read_catalog
from services.routing.classification.classifier import Classifier, Decision, PetitionInput
from services.routing.classification.rulebook import LEVELS, load_rulebook
from shared.catalog import DEFAULT_CATALOG

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "petitions-dev.jsonl"
DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class Scored:
    item: dict
    decision: Decision

    @property
    def level_ok(self) -> bool:
        return self.decision.level == self.item["expected_level"]

    @property
    def agency_ok(self) -> bool:
        return self.decision.agency_code == self.item["expected_agency"]

    @property
    def topic_ok(self) -> bool:
        return self.decision.topic == self.item["topic"]


def load_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def default_classifier() -> Classifier:
    catalog = read_catalog(DEFAULT_CATALOG, DEFAULT_ALIASES_FILE)
    return Classifier(load_rulebook(), catalog.units, catalog.agencies)


def score(classifier: Classifier, items: list[dict]) -> list[Scored]:
    return [Scored(item, classifier.classify(PetitionInput(item["content"], item["meeting_unit"]))) for item in items]


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "  n/a"


def accuracy_lines(results: list[Scored], title: str) -> list[str]:
    n = len(results)
    return [
        f"{title} (n={n})",
        f"  level  accuracy {_pct(sum(r.level_ok for r in results), n)}",
        f"  agency accuracy {_pct(sum(r.agency_ok for r in results), n)}",
        f"  topic  accuracy {_pct(sum(r.topic_ok for r in results), n)}",
    ]


def confusion_lines(results: list[Scored], expected, predicted, labels: list[str], title: str) -> list[str]:
    counts = Counter((expected(r), predicted(r)) for r in results)
    width = max(10, *(len(label) for label in labels)) + 1
    lines = [f"{title} (rows: expected, columns: predicted)", " " * width + "".join(f"{l[:9]:>10}" for l in labels)]
    for row in labels:
        if any(counts[(row, col)] for col in labels):
            lines.append(f"{row:<{width}}" + "".join(f"{counts[(row, col)] or '.':>10}" for col in labels))
    return lines


def review_lines(results: list[Scored], threshold: float) -> list[str]:
    queued = [r for r in results if r.decision.confidence < threshold]
    assigned = [r for r in results if r.decision.confidence >= threshold]
    lines = [f"Review queue at confidence < {threshold:.2f}: {len(queued)} of {len(results)} petitions "
             f"(of which {sum(not r.agency_ok for r in queued)} would have been misrouted)"]
    return lines + accuracy_lines(assigned, "Assigned automatically")


def error_lines(results: list[Scored]) -> list[str]:
    lines = ["Errors:"]
    for r in results:
        if r.level_ok and r.agency_ok and r.topic_ok:
            continue
        d = r.decision
        lines.append(f"- {r.item['id']}: expected {r.item['expected_level']}/{r.item['expected_agency']}/"
                     f"{r.item['topic']}, got {d.level}/{d.agency_code}/{d.topic} (conf {d.confidence:.2f}, "
                     f"rule {d.rule_id})\n    {r.item['content']}")
    return lines


def report(results: list[Scored], threshold: float, with_errors: bool) -> str:
    topics = sorted({r.item["topic"] for r in results} | {r.decision.topic or "-" for r in results})
    sections = [
        accuracy_lines(results, "All petitions, scored as unseen"),
        confusion_lines(results, lambda r: r.item["expected_level"], lambda r: r.decision.level, list(LEVELS),
                        "Level confusion"),
        confusion_lines(results, lambda r: r.item["topic"], lambda r: r.decision.topic or "-", topics,
                        "Topic confusion"),
        review_lines(results, threshold),
    ]
    if with_errors:
        sections.append(error_lines(results))
    return "\n\n".join("\n".join(s) for s in sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list every petition routed wrongly")
    args = parser.parse_args(argv)
    results = score(default_classifier(), load_items(args.data))
    print(report(results, args.threshold, args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
