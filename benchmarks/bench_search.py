"""Word search and repeat lookup at a province's scale: prints p50/p95 (figures, not a test).

    .venv/bin/python benchmarks/bench_search.py            # SQLite 100,000 petitions, PostgreSQL 1,000,000
    BENCH_QUICK=1 .venv/bin/python benchmarks/bench_search.py   # 20,000 and 100,000

Petitions are made from the project's 347 labelled petitions: each copy gets another commune, a village
name drawn from syllables of the corpus, a road code and a number, so the index holds many distinct
matters that look alike (the hard case for both searches). Queries are 1-3 words taken from a random
petition (half typed without diacritics), road codes in several spellings and petition codes; lookups
are drafts made from a random petition with words dropped. Targets: search p95 < 50 ms, similar < 100 ms.
"""

import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from services.intake.petitions import repeats, search, search_service  # noqa: E402
from services.intake.petitions.evaluate_repeats import HISTORY, load_jsonl  # noqa: E402
from services.intake.petitions.repository import PetitionFilters  # noqa: E402
from services.intake.petitions.search import code_token  # noqa: E402
from shared.catalog import load_catalog  # noqa: E402
from shared.db import make_engine, make_session_factory  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.text import fold, search_terms  # noqa: E402
from tests.support.servers import PostgresCluster, postgres_bin_dir  # noqa: E402

MIGRATIONS = ROOT / "services" / "intake" / "migrations"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SQLITE_SIZE, PG_SIZE = (20_000, 100_000) if QUICK else (100_000, 1_000_000)
SEARCHES, LOOKUPS = 300, 150
COLUMNS = ("id", "code", "meeting_id", "session_id", "unit_code", "content", "content_folded", "search_terms",
           "topic", "voters_count", "repeat_of", "matter_id", "created_at", "created_by", "latest_status",
           "agency_code", "status_changed_at")


class Corpus:
    def __init__(self, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self.base = [record for path in HISTORY for record in load_jsonl(path)]
        catalog = load_catalog()
        self.communes = [code for code, unit in catalog.units.items() if unit.level == "commune"]
        syllables = {word for record in self.base for word in record["content"].split() if word.isalpha()}
        self.syllables = sorted(word.capitalize() for word in syllables if len(word) <= 5)

    def parts(self) -> tuple[dict, list[str]]:
        """A labelled petition and the pieces of the sentence appended to it (a village, a road, a number)."""
        record = self.rng.choice(self.base)
        first, second = self.rng.sample(self.syllables, 2)
        road = f"ĐT.{self.rng.randint(100, 400)}" if self.rng.random() < 0.3 else f"km {self.rng.randint(1, 90)}"
        return record, ["Thôn", first, second + ",", road + ",", str(self.rng.randint(2, 300)), "hộ dân."]

    def content(self) -> tuple[str, str | None]:
        record, extra = self.parts()
        return " ".join([record["content"], *extra]), record.get("topic")


@lru_cache(maxsize=None)
def _prepared(text: str) -> tuple[str, tuple[str, ...]]:
    return fold(text), tuple(search_terms(text).split())


def indexed(record: dict, extra: list[str], code: str) -> tuple[str, str, str]:
    """(content, folded, search terms) of a generated petition, the tokens the service would index.

    Each labelled text and each piece of the appended sentence is folded and tokenised once, not once
    per copy: no token spans two pieces (tests/unit/test_bench_corpus.py checks it), and the fill of a
    million petitions spends its time in the database instead of in Python.
    """
    pieces = [record["content"], *extra]
    prepared = [_prepared(piece) for piece in pieces]
    terms = [token for _, tokens in prepared for token in tokens] + [code_token(code)]
    return " ".join(pieces), " ".join(folded for folded, _ in prepared), " ".join(dict.fromkeys(terms))


def petition_rows(corpus: Corpus, count: int, meeting: uuid.UUID, session: uuid.UUID):
    start = datetime(2021, 1, 1, tzinfo=timezone.utc)
    for n in range(count):
        record, extra = corpus.parts()
        code = f"KN-{2021 + n * 5 // count}-{n + 1:06d}"
        content, folded, terms = indexed(record, extra, code)
        yield (uuid.uuid4(), code, meeting, session, corpus.rng.choice(corpus.communes), content, folded,
               terms, record.get("topic"), None, None, None, start + timedelta(minutes=2 * n), "bench",
               corpus.rng.choice(("resolved", "in_progress", "assigned")), None, None)


async def parents(connection) -> tuple[uuid.UUID, uuid.UUID]:
    from services.intake.meetings.models import Meeting
    from services.intake.sessions.models import CouncilSession
    session, meeting, now = uuid.uuid4(), uuid.uuid4(), datetime.now(timezone.utc)
    await connection.execute(CouncilSession.__table__.insert(), [dict(
        id=session, name="Kỳ họp", term="2021-2026", starts_on=date(2021, 1, 1), created_at=now, created_by="bench")])
    await connection.execute(Meeting.__table__.insert(), [dict(
        id=meeting, session_id=session, held_on=date(2021, 1, 1), kind="voter_meeting", unit_code="08", delegates=[],
        created_at=now, created_by="bench")])
    return meeting, session


async def fill_sqlite(engine, corpus: Corpus, count: int) -> None:
    from services.intake.petitions.models import Petition
    async with engine.begin() as connection:
        meeting, session = await parents(connection)
        batch = []
        for row in petition_rows(corpus, count, meeting, session):
            batch.append(dict(zip(COLUMNS, row)))
            if len(batch) == 5000:
                await connection.execute(Petition.__table__.insert(), batch)
                batch = []
        if batch:
            await connection.execute(Petition.__table__.insert(), batch)


async def fill_postgres(engine, corpus: Corpus, count: int) -> None:
    async with engine.begin() as connection:
        meeting, session = await parents(connection)
        # The index as the migrations made it, built again once the rows are in (faster than kept up)
        search_index = (await connection.execute(
            text("SELECT pg_get_indexdef('ix_petitions_search'::regclass)"))).scalar_one()
        await connection.execute(text("DROP INDEX ix_petitions_search"))
    raw = await engine.raw_connection()
    try:
        driver = raw.driver_connection
        chunk = 50_000
        generated = petition_rows(corpus, count, meeting, session)
        for _ in range(0, count, chunk):
            records = [next(generated) for _ in range(min(chunk, count))]
            await driver.copy_records_to_table("petitions", records=records, columns=COLUMNS)
            count -= len(records)
            if count <= 0:
                break
    finally:
        raw.close()
    started = time.perf_counter()
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))  # the build sorts in memory
        await connection.execute(text(search_index))
    print(f"  GIN index built in {time.perf_counter() - started:.0f} s", flush=True)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE petitions"))


def queries(corpus: Corpus, codes: list[str]) -> list[str]:
    rng, made = corpus.rng, []
    for _ in range(SEARCHES):
        kind = rng.random()
        if kind < 0.15:
            number = rng.randint(100, 400)
            made.append(rng.choice((f"ĐT.{number}", f"dt{number}", f"ĐT {number}")))
        elif kind < 0.25:
            year, number = rng.choice(codes).split("-")[1:]
            made.append(f"KN-{year}-{int(number)}")
        else:
            words = [w.strip(".,:;()") for w in rng.choice(corpus.base)["content"].split()]
            words = [w for w in words if len(w) > 1]
            start = rng.randrange(max(1, len(words) - 3))
            typed = " ".join(words[start:start + rng.randint(1, 3)])
            made.append(fold(typed) if rng.random() < 0.5 else typed)
    return made


def drafts(corpus: Corpus) -> list[repeats.Draft]:
    made = []
    for _ in range(LOOKUPS):
        content, topic = corpus.content()
        words = content.split()
        kept = [w for w in words if corpus.rng.random() > 0.2]
        made.append(repeats.Draft(" ".join(kept), corpus.rng.choice(corpus.communes), topic))
    return made


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else values[0] * 1000


async def measure(engine, corpus: Corpus, label: str, count: int) -> dict[str, float]:
    session_factory = make_session_factory(engine)
    catalog, rarity = load_catalog(), repeats.WordRarity()
    async with session_factory() as db:
        codes = list((await db.execute(text("SELECT code FROM petitions ORDER BY random() LIMIT 50"))).scalars())
    typed_queries, lookups = queries(corpus, codes), drafts(corpus)
    # What lives from here on, as in a service after its startup (shared/service_app.py), is left out
    # of full collections: the fill's caches would otherwise put ~40 ms pauses into 3 % of the searches.
    gc.collect()
    gc.freeze()
    search_times, found = [], []
    for typed in typed_queries:
        async with session_factory() as db:
            started = time.perf_counter()
            page, _ = await search_service.search_petitions(db, PetitionFilters(), search.parse(typed), 50, None)
            search_times.append(time.perf_counter() - started)
            found.append(len(page))
    similar_times, suggested = [], []
    async with session_factory() as db:
        await rarity.counts(db)  # the sample is taken once every few minutes, not per lookup
    for draft in lookups:
        async with session_factory() as db:
            started = time.perf_counter()
            result = await repeats.find_repeats(db, draft, catalog, rarity)
            similar_times.append(time.perf_counter() - started)
            suggested.append(len(result))
    print(f"{label} {count:,} petitions: search p50 {p(search_times, 50):.1f} ms, p95 {p(search_times, 95):.1f} ms "
          f"(target < 50; {SEARCHES} queries, {statistics.mean(found):.0f} results/page on average); "
          f"similar p50 {p(similar_times, 50):.1f} ms, p95 {p(similar_times, 95):.1f} ms "
          f"(target < 100; {LOOKUPS} drafts, {statistics.mean(suggested):.1f} suggestions)", flush=True)
    gc.unfreeze()
    return {"search_p50": p(search_times, 50), "search_p95": p(search_times, 95),
            "similar_p50": p(similar_times, 50), "similar_p95": p(similar_times, 95)}


async def bench(label: str, url: str, count: int, fill) -> dict[str, float]:
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    engine = make_engine(url)
    started = time.perf_counter()
    await fill(engine, Corpus(), count)
    print(f"  {label}: {count:,} petitions generated and indexed in {time.perf_counter() - started:.0f} s", flush=True)
    figures = await measure(engine, Corpus(seed=14), label, count)
    await engine.dispose()
    return figures


def rows(quick: bool) -> list[dict]:
    """`make bench`: search and repeat lookups on SQLite and PostgreSQL at the sizes of the run."""
    from benchmarks.table import row

    sqlite_size, pg_size = (10_000, 30_000) if quick else (100_000, 1_000_000)  # quick: the whole run < 3 min
    found = []
    with tempfile.TemporaryDirectory() as folder:
        found.append(("sqlite", sqlite_size, asyncio.run(
            bench("SQLite", f"sqlite+aiosqlite:///{folder}/bench.db", sqlite_size, fill_sqlite))))
    bin_dir = postgres_bin_dir()
    if bin_dir is not None:
        cluster = PostgresCluster(bin_dir)
        cluster.start()
        try:
            found.append(("postgres", pg_size, asyncio.run(
                bench("PostgreSQL", cluster.create_database("bench"), pg_size, fill_postgres))))
        finally:
            cluster.stop()
    out = []
    for db, size, figures in found:
        out.append(row("search", f"word search p95, {size:,} petitions", figures["search_p95"], "ms", db=db,
                       baseline=figures["search_p50"], baseline_of="p50", target="< 50 ms",
                       met=figures["search_p95"] < 50))
        out.append(row("search", f"repeat lookup p95, {size:,} petitions", figures["similar_p95"], "ms", db=db,
                       baseline=figures["similar_p50"], baseline_of="p50", target="< 100 ms",
                       met=figures["similar_p95"] < 100))
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench("SQLite", f"sqlite+aiosqlite:///{folder}/bench.db", SQLITE_SIZE, fill_sqlite))
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        print("PostgreSQL binaries (initdb, pg_ctl) not found: PostgreSQL figures skipped")
        return
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    try:
        asyncio.run(bench("PostgreSQL", cluster.create_database("bench"), PG_SIZE, fill_postgres))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
