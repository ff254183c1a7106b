"""Reading a catalog file (units and agencies of a province) and its unit-alias file.

The default deployment is Tuyên Quang before July 2025 (shared/data/catalog.yaml, with the aliases of
unit_aliases.yaml); another province sets CATALOG_FILE and UNIT_ALIASES_FILE to its own files.
A catalog file may also carry `aliases:` on each unit directly.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from services.routing.classification.decision import AgencyRecord
from services.routing.classification.places import UnitRecord

DEFAULT_ALIASES_FILE = Path(__file__).parent / "data" / "unit_aliases.yaml"


@dataclass(frozen=True)
class CatalogData:
    units: list[UnitRecord]
    agencies: list[AgencyRecord]
    handles: dict[str, str]  # agency code → what it handles (shown in GET /agencies)


def read_aliases(path: Path | None) -> dict[str, list[str]]:
    if path is None or not Path(path).exists():
        return {}
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(code): [str(a) for a in names or []] for code, names in raw.items()}


def read_catalog(catalog_file: Path, aliases_file: Path | None = DEFAULT_ALIASES_FILE) -> CatalogData:
    raw = yaml.safe_load(Path(catalog_file).read_text(encoding="utf-8"))
    extra = read_aliases(aliases_file)
    units = []
    for entry in raw["units"]:
        code = str(entry["code"])
        aliases = [*(entry.get("aliases") or []), *extra.get(code, [])]
        parent = str(entry["parent"]) if entry.get("parent") else None
        units.append(UnitRecord(code, entry["name"], entry["level"], parent, tuple(dict.fromkeys(aliases))))
    agencies = [AgencyRecord(str(a["code"]), a["name"], a["level"], str(a["unit"])) for a in raw["agencies"]]
    handles = {str(a["code"]): a.get("handles", "") for a in raw["agencies"]}
    return CatalogData(units, agencies, handles)
