"""How well repeats are found: `python -m services.intake.petitions.evaluate_repeats` (part of `make eval`).

History: the project's 347 labelled petitions (routing's labelled sets, read as data), entered into a
real, migrated SQLite database. Questions: data/repeats.jsonl, written for this: the same matter raised
again in other words (`repeat_of` names the earlier petition) and similar-looking other matters
(`repeat_of` null). Printed: precision and recall at the threshold in use (and around it), and the
rank of each true repeat among everything the lookup returns.
"""

import asyncio
import json
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from services.intake.petitions import repeats
from shared.catalog import Catalog, load_catalog
from shared.db import make_engine, make_session_factory
from shared.migrations import upgrade
from shared.text import fold

ROOT = Path(__file__).resolve().parents[3]
HISTORY = sorted((ROOT / "services" / "routing" / "classification" / "data" / "labelled").glob("*.jsonl"))
QUESTIONS = Path(__file__).parent / "data" / "repeats.jsonl"
MIGRATIONS = ROOT / "services" / "intake" / "migrations"
THRESHOLDS = (0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


@dataclass
class Outcome:
    question: dict
    found: list[tuple[str, float]]   # (history id, score), best first, no threshold


def history_unit(record: dict, catalog: Catalog) -> str:
    """Where the earlier petition was raised: its meeting's commune, else the deciding body's unit."""
    meeting_unit = record.get("meeting_unit") or ""
    agency_unit = (record.get("expected_agency") or "").split(".")[0]
    for unit in (meeting_unit, agency_unit):
        if unit in catalog.units and catalog.units[unit].level == "commune":
            return unit
    return agency_unit if agency_unit in catalog.units else (meeting_unit if meeting_unit in catalog.units else "08")


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def _fill(session_factory, records: list[dict], catalog: Catalog) -> dict[uuid.UUID, str]:
    from services.intake.meetings.models import Meeting
    from services.intake.petitions.models import Petition
    from services.intake.sessions.models import CouncilSession

    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    council, meeting = uuid.uuid4(), uuid.uuid4()
    ids: dict[uuid.UUID, str] = {}
    async with session_factory() as db, db.begin():
        db.add(CouncilSession(id=council, name="Kỳ họp (đánh giá)", term="2021-2026", starts_on=date(2024, 1, 1),
                              created_by="evaluate"))
        await db.flush()
        db.add(Meeting(id=meeting, session_id=council, held_on=date(2024, 1, 1), kind="voter_meeting", unit_code="08",
                       delegates=[], created_by="evaluate"))
        await db.flush()
        for n, record in enumerate(records):
            petition_id = uuid.uuid4()
            ids[petition_id] = record["id"]
            db.add(Petition(id=petition_id, code=f"KN-2024-{n + 1:06d}", meeting_id=meeting, session_id=council,
                            unit_code=history_unit(record, catalog), content=record["content"],
                            content_folded=fold(record["content"]), topic=record.get("topic"),
                            created_at=start + timedelta(hours=n), created_by="evaluate"))
    return ids


async def run(database_url: str) -> list[Outcome]:
    catalog = load_catalog()
    history = [record for path in HISTORY for record in load_jsonl(path)]
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)
    try:
        ids = await _fill(session_factory, history, catalog)
        by_name = {record["id"]: record for record in history}
        outcomes = []
        async with session_factory() as db:
            rarity = repeats.WordRarity()
            for question in load_jsonl(QUESTIONS):
                unit = question["unit"] or history_unit(by_name[question["repeat_of"]], catalog)
                draft = repeats.Draft(question["content"], unit)
                found = await repeats.find_repeats(db, draft, catalog, rarity, threshold=0.0, limit=50)
                outcomes.append(Outcome(question, [(ids[r.petition.id], r.score) for r in found]))
        return outcomes
    finally:
        await engine.dispose()


def counts(outcomes: list[Outcome], threshold: float) -> tuple[int, int, int]:
    """(true positives, suggestions, true repeats) when everything at or above the threshold is suggested."""
    hits = sum(1 for o in outcomes for name, score in o.found[:repeats.LIMIT]
               if score >= threshold and name == o.question["repeat_of"])
    suggested = sum(1 for o in outcomes for _, score in o.found[:repeats.LIMIT] if score >= threshold)
    return hits, suggested, sum(1 for o in outcomes if o.question["repeat_of"])


def rank_of(outcome: Outcome) -> int | None:
    names = [name for name, _ in outcome.found]
    return names.index(outcome.question["repeat_of"]) + 1 if outcome.question["repeat_of"] in names else None


def report(outcomes: list[Outcome]) -> str:
    lines = [f"Repeats: {sum(1 for o in outcomes if o.question['repeat_of'])} repeat questions, "
             f"{sum(1 for o in outcomes if not o.question['repeat_of'])} other-matter questions, "
             f"history of {sum(len(load_jsonl(p)) for p in HISTORY)} petitions", "",
             "threshold  precision  recall  (suggestions, true among them, true repeats)"]
    for threshold in sorted({*THRESHOLDS, repeats.THRESHOLD}):
        hits, suggested, truths = counts(outcomes, threshold)
        mark = "  <- in use" if threshold == repeats.THRESHOLD else ""
        precision = f"{hits / suggested:9.1%}" if suggested else "        —"
        lines.append(f"{threshold:9.2f}  {precision}  {hits / truths:6.1%}  ({suggested}, {hits}, {truths}){mark}")
    ranks = [rank_of(o) for o in outcomes if o.question["repeat_of"]]
    found = [r for r in ranks if r is not None]
    lines += ["", "ranks of the true repeats (no threshold): " + " ".join(str(r) if r else "—" for r in ranks),
              f"first: {ranks.count(1)}/{len(ranks)}, top 3: {sum(r <= 3 for r in found)}/{len(ranks)}, "
              f"top 10: {sum(r <= 10 for r in found)}/{len(ranks)}, not found: {ranks.count(None)}"]
    false_alarms = [o.question["id"] for o in outcomes if not o.question["repeat_of"]
                    and o.found and o.found[0][1] >= repeats.THRESHOLD]
    lines.append(f"other-matter questions with a suggestion at {repeats.THRESHOLD}: {len(false_alarms)} "
                 f"({', '.join(false_alarms) or 'none'})")
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        outcomes = asyncio.run(run(f"sqlite+aiosqlite:///{folder}/evaluate.db"))
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
