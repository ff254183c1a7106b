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

DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data"
DEFAULT_DATA = DATA_DIR / "petitions-dev.jsonl"
# Written by the routing developer from the competence guide, after the rules: a check against
# over-fitting to the development lines, not an independent test.
CHECK_DATA = DATA_DIR / "petitions-check.jsonl"
# Written blind (from the competence guide, the data README and the catalog only, before reading the
# rules): the closest thing to the independent judging set. Its first score, before any rule was
# added for it, was the honest estimate; later scores are no longer unseen.
BLIND_DATA = DATA_DIR / "petitions-blind.jsonl"
DEFAULT_SETS = (DEFAULT_DATA, CHECK_DATA, BLIND_DATA)
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
    lines = [f"{title} (rows: expected, columns: predicted)", " " * 11 + "".join(f"{l[:9]:>10}" for l in labels)]
    for row in labels:
        if any(counts[(row, col)] for col in labels):
            lines.append(f"{row[:10]:<11}" + "".join(f"{counts[(row, col)] or '.':>10}" for col in labels))
    return lines


def mix_up_lines(results: list[Scored], expected, predicted, title: str) -> list[str]:
    """Per expected label: count, correct, and what it was mistaken for (a confusion table, long form)."""
    lines = [f"{title}: expected label, n, correct, mistaken for"]
    for label in sorted({expected(r) for r in results}):
        rows = [r for r in results if expected(r) == label]
        wrong = Counter(predicted(r) for r in rows if predicted(r) != label)
        mistakes = ", ".join(f"{k} x{v}" for k, v in wrong.most_common()) or "-"
        lines.append(f"  {label:<24} {len(rows):>3} {len(rows) - sum(wrong.values()):>4}   {mistakes}")
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


def _agency_kind(code: str) -> str:
    """'02545.UBND' → '<xã>.UBND', '076.UBND' → '<huyện>.UBND'; other agencies by their code."""
    unit, _, abbreviation = code.partition(".")
    if abbreviation == "UBND" and len(unit) == 5:
        return "<xã>.UBND"
    if abbreviation == "UBND" and len(unit) == 3:
        return "<huyện>.UBND"
    return code


def report(results: list[Scored], threshold: float, with_errors: bool, title: str) -> str:
    sections = [
        [f"=== {title} ==="],
        accuracy_lines(results, "All petitions, scored as unseen"),
        confusion_lines(results, lambda r: r.item["expected_level"], lambda r: r.decision.level, list(LEVELS),
                        "Level confusion"),
        mix_up_lines(results, lambda r: r.item["topic"], lambda r: r.decision.topic or "-", "Topic confusion"),
        mix_up_lines(results, lambda r: _agency_kind(r.item["expected_agency"]),
                     lambda r: r.decision.agency_code if not r.agency_ok else _agency_kind(r.item["expected_agency"]),
                     "Agency confusion (People's Committees grouped by level)"),
        review_lines(results, threshold),
    ]
    if with_errors:
        sections.append(error_lines(results))
    return "\n\n".join("\n".join(s) for s in sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append",
                        help=f"a labelled JSONL file (default: {', '.join(p.name for p in DEFAULT_SETS)})")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list every petition routed wrongly")
    args = parser.parse_args(argv)
    classifier = default_classifier()
    for path in args.data or list(DEFAULT_SETS):
        if not path.exists():
            continue
        print(report(score(classifier, load_items(path)), args.threshold, args.errors, path.name), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
