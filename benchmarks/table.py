"""One row per figure, each beside the baseline it is compared with; the table printed and kept as JSON.

A row is a dict: area, measure, db ("sqlite", "postgres" or ""), value, unit, baseline, baseline_of
(what the baseline measures), ratio (value / baseline, filled in here), target, met (True, False or
None when the figure has no target), note.
"""

import json
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

COLUMNS = ("#", "area", "measure", "db", "figure", "baseline (same run)", "ratio", "target", "met")


def row(area: str, measure: str, value: float | None, unit: str, db: str = "", baseline: float | None = None,
        baseline_of: str = "", target: str = "", met: bool | None = None, note: str = "") -> dict:
    ratio = value / baseline if value is not None and baseline else None
    return {"area": area, "measure": measure, "db": db, "value": value, "unit": unit, "baseline": baseline,
            "baseline_of": baseline_of, "ratio": ratio, "target": target, "met": met, "note": note}


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def cells(item: dict) -> list[str]:
    baseline = f"{_number(item['baseline'], item['unit'])} {item['baseline_of']}".strip() \
        if item["baseline"] is not None or item["baseline_of"] else ""
    ratio = f"{item['ratio']:.0%}" if item["ratio"] is not None else ""
    met = {True: "yes", False: "NO", None: ""}[item["met"]]
    return [item["area"], item["measure"], item["db"], _number(item["value"], item["unit"]), baseline or "—",
            ratio, item["target"], met]


def format_table(rows: list[dict]) -> str:
    table = [list(COLUMNS)] + [[str(i), *cells(item)] for i, item in enumerate(rows, 1)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |" for line in table]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    notes = [f"  {i}. {' '.join(item['note'].split())}"
             for i, item in enumerate(rows, 1) if item["note"]]
    return "\n".join(lines + (["notes (by row number):"] + notes if notes else []))


def machine() -> dict:
    return {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "host": platform.node(),
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


def write_json(rows: list[dict], meta: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
