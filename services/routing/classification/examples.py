"""Labelled petitions the routing model learns from: the sets kept in the repository, plus corrections.

A label is a route: the competent level and the kind of agency ("district:UBND", "province:SGTVT").
The unit that turns a route into an agency code comes from the petition's place, never from the model,
so a route learnt in one district applies in every district (and in other provinces' sets, whose
units are not in the catalog).
"""

import json
from dataclasses import dataclass
from pathlib import Path

LABELLED_DIR = Path(__file__).parent / "data" / "labelled"

# Invented petitions (written from the competence guide) and real ones (labelled from the province's
# published answers). Real practice is the ground truth, so it weighs more when the two disagree.
INVENTED_SETS = ("petitions-dev.jsonl", "petitions-check.jsonl", "petitions-blind.jsonl")
REAL_SETS = ("petitions-real-dev.jsonl", "petitions-real-other-dev.jsonl")
SET_WEIGHTS = {"invented": 1.0, "real": 2.0, "correction": 6.0}
PROVINCE_UNIT = "08"


@dataclass(frozen=True)
class LabelledExample:
    content: str
    unit_code: str
    level: str
    agency_kind: str  # the abbreviation after the unit: UBND, SGTVT, DDBQH...
    topic: str | None
    origin: str  # invented | real | correction
    set_name: str
    agency_code: str | None = None  # the exact code where the unit is in the catalog
    id: str = ""

    @property
    def route(self) -> str:
        return route_of(self.level, self.agency_kind)

    @property
    def weight(self) -> float:
        return SET_WEIGHTS[self.origin]

    def routed_right(self, level: str, agency_code: str) -> bool:
        """The exact agency where the label has one; else (units outside the catalog) level and kind."""
        if level != self.level:
            return False
        if self.agency_code is not None:
            return agency_code == self.agency_code
        return agency_kind(agency_code) == self.agency_kind


def route_of(level: str, agency_kind: str) -> str:
    return f"{level}:{agency_kind}"


def split_route(route: str) -> tuple[str, str]:
    level, _, kind = route.partition(":")
    return level, kind


def agency_kind(agency_code: str) -> str:
    return agency_code.partition(".")[2]


def _from_line(raw: dict, origin: str, set_name: str) -> LabelledExample:
    code = raw.get("expected_agency")
    kind = agency_kind(code) if code else raw["expected_kind"]
    return LabelledExample(
        content=raw["content"], unit_code=raw.get("meeting_unit") or PROVINCE_UNIT, level=raw["expected_level"],
        agency_kind=kind, topic=raw.get("topic"), origin=origin, set_name=set_name, agency_code=code,
        id=str(raw.get("id", "")),
    )


def read_set(path: Path, origin: str) -> list[LabelledExample]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [_from_line(json.loads(line), origin, Path(path).name) for line in lines if line.strip()]


def base_examples(directory: Path = LABELLED_DIR) -> list[LabelledExample]:
    """Every labelled petition in the repository (the base every model version starts from)."""
    examples: list[LabelledExample] = []
    for names, origin in ((INVENTED_SETS, "invented"), (REAL_SETS, "real")):
        for name in names:
            if (directory / name).exists():
                examples.extend(read_set(directory / name, origin))
    return examples
