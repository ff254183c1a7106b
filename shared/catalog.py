"""The reference catalog of administrative units and agencies shipped with the project.

The default is Tuyên Quang before July 2025 (`shared/data/catalog.yaml`); another province points
CATALOG_FILE at its own file. Routing owns the live, admin-editable copy; intake only checks that a
unit code exists.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_CATALOG = Path(__file__).parent / "data" / "catalog.yaml"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str
    unit: str
    handles: str


@dataclass(frozen=True)
class Catalog:
    units: dict[str, Unit]
    agencies: dict[str, Agency]

    def district_of(self, unit_code: str) -> str | None:
        unit = self.units.get(unit_code)
        if unit is None:
            return None
        if unit.level == "district":
            return unit.code
        if unit.level == "commune":
            return unit.parent
        return None


@lru_cache(maxsize=4)
def load_catalog(path: Path = DEFAULT_CATALOG) -> Catalog:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    units = {
        str(u["code"]): Unit(str(u["code"]), u["name"], u["level"], str(u["parent"]) if u.get("parent") else None)
        for u in raw["units"]
    }
    agencies = {
        str(a["code"]): Agency(str(a["code"]), a["name"], a["level"], str(a["unit"]), a.get("handles", ""))
        for a in raw["agencies"]
    }
    return Catalog(units, agencies)
