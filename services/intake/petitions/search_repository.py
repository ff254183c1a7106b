"""Word search queries: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL, the same answers on both."""

import json
import math
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import combinations

from sqlalchemy import Select, Uuid, case, cast, column, func, literal, literal_column, select, table, text, true
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import defer
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.sql.visitors import InternalTraversal

from services.intake.petitions.models import Petition
from services.intake.petitions.search import Term

RANKED = 1000
# PostgreSQL word search: the window of newest petitions is sized to hold this many times the RANKED
# matches the planner expects, so that one query seldom falls short.
WINDOW_MARGIN = 2
# Where the rarest typed word is in SAMPLE_FROM of the petitions or more, the newest SAMPLE_ROWS are
# tested one by one (~1.2 µs each); with WALK_FROM of them matching, walking on is cheaper than the
# index.
SAMPLE_FROM, SAMPLE_ROWS, WALK_FROM = 0.005, 3000, 0.08
REPEAT_WINDOW = 0.05
# A window asks the GIN index for its months too (migration 0006) where that costs less than what it
# saves: the months' entries cost ~30 ns a petition of the window; each match outside the window,
# fetched from the table only to be dropped by its date, 2.5 µs (cached) to 6 µs.
FETCH_PER_MONTH_ENTRY = 80
petition_search = table("petition_search", column("petition_id", Uuid))
# PostgreSQL only: a generated tsvector column (migration 0003), GIN-indexed; the model does not map it.
_VECTOR = literal_column("petitions.search_vector")
_MONTH = literal_column("petitions.created_month")
# A page of results shows neither: each is as long as the content, and loading them was a tenth of a
# search's time (1,000,000 petitions). Reading one anyway raises, instead of a query per row.
_NOT_SHOWN = (defer(Petition.content_folded, raiseload=True), defer(Petition.search_terms, raiseload=True))


class _Explain(Executable, ClauseElement):
    """EXPLAIN (FORMAT JSON) of a select: the planner's estimate, without running it.

    Cached like any statement (its key is the select's): compiled anew for every search, the EXPLAINs
    of the typed words took a sixth of a search's Python time (py-spy, 1,000,000 petitions).
    """

    inherit_cache = True
    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]

    def __init__(self, statement: Select) -> None:
        self.statement = statement

    @property
    def _all_selected_columns(self):
        # A cached compilation maps result columns by the statement's; the one row is read by position.
        return self.statement._all_selected_columns


@compiles(_Explain, "postgresql")
def _compile_explain(element: _Explain, compiler, **kw) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def fts5_query(terms: list[Term]) -> str:
    return " AND ".join("(" + " OR ".join(f'"{token}"' for token in term.tokens) + ")" for term in terms)


def tsquery(terms: list[Term]) -> str:
    return " & ".join("(" + " | ".join(f"'{token}'" for token in term.tokens) + ")" for term in terms)


def _two_of(words: list[str]) -> tuple[str, str]:
    """Queries for petitions sharing at least two of the words (one common word says little).

    PostgreSQL's is written a & (b | c) | b & c rather than pair by pair: the index tests each
    candidate row against a third of the nodes (measured 2.4 times faster with six words).
    """
    pairs = list(combinations(words, 2)) or [(word, word) for word in words]
    if len(words) < 2:
        return (" OR ".join(f'("{a}" AND "{b}")' for a, b in pairs),
                " | ".join(f"('{a}' & '{b}')" for a, b in pairs))
    nested = [f"('{word}' & (" + " | ".join(f"'{other}'" for other in words[n + 1:]) + "))"
              for n, word in enumerate(words[:-1])]
    return " OR ".join(f'("{a}" AND "{b}")' for a, b in pairs), " | ".join(nested)


def exact_hits(terms: list[Term], search_terms=Petition.search_terms):
    """How many words typed with diacritics the petition holds with the same diacritics."""
    padded = literal(" ") + search_terms + literal(" ")
    hits = [case((padded.like(f"% {term.exact} %"), 1), else_=0) for term in terms if term.exact]
    return sum(hits[1:], hits[0]) if hits else literal(0)


async def ranked_page(session: AsyncSession, filtered: Select, terms: list[Term], limit: int,
                      offset: int) -> list[Petition]:
    """Petitions holding every term: exact-diacritic matches first, then by relevance, newest first.

    Ranking reads every row it ranks, so a query matching more than RANKED petitions ranks the RANKED
    newest of them.
    """
    ids = filtered.with_only_columns(Petition.id)
    if session.bind.dialect.name == "sqlite":
        return await _sqlite_ranked_page(session, ids, terms, offset, limit)
    return await _pg_ranked_page(session, ids, terms, offset, limit)


async def _sqlite_ranked_page(session: AsyncSession, ids: Select, terms: list[Term], offset: int,
                              limit: int) -> list[Petition]:
    search = literal_column("petition_search")
    query = ids.join(petition_search, petition_search.c.petition_id == Petition.id).where(
        search.op("MATCH")(fts5_query(terms)))
    # bm25() lives where MATCH is; the FTS rowid follows insertion order
    newest = literal_column("petition_search.rowid").desc()
    inner = query.add_columns((-func.bm25(search)).label("relevance")).order_by(newest).limit(RANKED).subquery()
    ranked = (select(Petition).join(inner, inner.c.id == Petition.id)
              .order_by(exact_hits(terms).desc(), inner.c.relevance.desc(), Petition.created_at.desc(),
                        Petition.id.desc()).offset(offset).limit(limit))
    return list(await session.scalars(ranked))


async def _pg_ranked_page(session: AsyncSession, ids: Select, terms: list[Term], offset: int,
                          limit: int) -> list[Petition]:
    """PostgreSQL: the page of the RANKED newest matches, ranked and cut in the database."""
    if offset >= RANKED:
        return []
    await custom_plans(session)
    found = await _newest_matches(session, ids, _ts(terms), terms, Page(offset, limit))
    return found.petitions


@dataclass(frozen=True)
class Page:
    """Which of the ranked matches are shown."""

    offset: int
    limit: int


@dataclass(frozen=True)
class _Found:
    """A page of the newest matches and how many matches (up to RANKED) were ranked for it."""

    petitions: list[Petition]
    ranked: int


def _ts(terms: list[Term]):
    return _as_tsquery(tsquery(terms))


def _as_tsquery(query: str):
    return cast(literal(query), TSQUERY)


async def custom_plans(session: AsyncSession) -> None:
    """Plan each search statement for its own words and window, for the rest of the transaction.

    The driver prepares statements, and after five runs PostgreSQL may keep one generic plan that
    knows neither the words (how many rows match) nor the window: measured 1.5-2 times slower. JIT
    compiling costs more (15 ms seen) than these short index queries gain from it.
    """
    await session.execute(text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                               "set_config('jit', 'off', true)"))


async def _newest_matches(session: AsyncSession, ids: Select, ts, terms: list[Term], page: Page) -> _Found:
    """The RANKED newest matches: walked newest first when matches are common, else from the GIN index.

    A GIN index hands out matches unordered, so "the 1,000 newest of 300,000 matches" would read all
    300,000 rows. A window ending at the newest petition that holds RANKED matches holds exactly the
    RANKED newest ones; its size needs the density of matches. The planner's estimate for the rarest
    typed word bounds it from above (the words of a phrase come together, so the planner's product of
    their frequencies counts far too few). Where that bound says matches may be common, the newest
    SAMPLE_ROWS petitions tell the density itself: dense matches are found by walking back in time,
    testing each row (the GIN scan of common words costs 10-40 ms by itself), sparser ones in one
    window sized from the density.
    """
    total, bounds = await _table_shape(session)
    expected = min([await _estimate(session, ids.where(_VECTOR.op("@@")(_ts([term])))) for term in terms] or [0.0])
    matching = ids.where(_VECTOR.op("@@")(ts))

    def in_windows(share: float, in_history: float) -> Awaitable[_Found]:
        def in_index(since: datetime | None, window_share: float) -> Awaitable[_Found]:
            months = _months_pay(window_share, total, in_history)
            return _ranked(session, _from_index(_in_window(matching, since, months)), ts, terms, page)

        return _in_windows(session, bounds, share, in_index, counted=lambda found: found.ranked)

    if not total or expected < SAMPLE_FROM * total:
        return await in_windows(WINDOW_MARGIN * RANKED / expected if expected and total else 1.0, expected)
    sample = await _ranked(session, _newest_sample(ids, ts), ts, terms, page)
    if sample.ranked == RANKED:  # not "the table is smaller than the sample": its statistics may be old
        return sample
    if not sample.ranked:
        return await in_windows(WINDOW_MARGIN * RANKED / expected, expected)
    in_history = sample.ranked / SAMPLE_ROWS * total  # matches in the whole history
    since = _quantile(bounds, 1 - WINDOW_MARGIN * RANKED / in_history)
    if sample.ranked >= WALK_FROM * SAMPLE_ROWS and since is not None:  # a walk bounded in time only
        walked = await _ranked(session, _walked(ids, ts, since), ts, terms, page)
        if walked.ranked == RANKED:
            return walked
    return await in_windows(_margin(sample.ranked) * RANKED / in_history, in_history)


def _tested(vector, ts):
    """`vector @@ ts` as the function behind the operator: the planner cannot hand it to the GIN index,
    so it tests the rows another condition (the newest first) brings."""
    return func.ts_match_vq(vector, ts)


def _newest_sample(ids: Select, ts):
    """The matches among the SAMPLE_ROWS newest petitions (of the filters)."""
    newest = (ids.add_columns(Petition.created_at, _VECTOR.label("vector"), Petition.search_terms)
              .order_by(Petition.created_at.desc()).limit(SAMPLE_ROWS).subquery("newest"))
    return select(newest).where(_tested(newest.c.vector, ts)).order_by(newest.c.created_at.desc()).limit(
        RANKED).subquery("matches")


def _walked(ids: Select, ts, since: datetime):
    """The RANKED newest matches since `since`, testing petitions newest first (no index on the words)."""
    walk = ids.where(_tested(_VECTOR, ts), Petition.created_at >= since)
    return (walk.add_columns(Petition.created_at, _VECTOR.label("vector"), Petition.search_terms)
            .order_by(Petition.created_at.desc()).limit(RANKED).subquery("matches"))


def _from_index(matching: Select):
    """The RANKED newest matches the GIN index hands out.

    OFFSET 0 keeps the planner from walking the created_at index and testing every row's vector
    (it prices that test far below its cost: 300 ms for a common pair at a million petitions); the
    matches come from the GIN index, with the window's months where it is given them.
    """
    fenced = matching.add_columns(Petition.created_at, _VECTOR.label("vector"),
                                  Petition.search_terms).offset(0).subquery("fenced")
    return select(fenced).order_by(fenced.c.created_at.desc()).limit(RANKED).subquery("matches")


def _in_window(query: Select, since: datetime | None, months: bool) -> Select:
    """`query` among the petitions since `since` (None: the whole history), the index asked for the
    window's months if `months`."""
    if since is None:
        return query
    query = query.where(Petition.created_at >= since)
    return query.where(_MONTH >= month_number(since)) if months else query


def _months_pay(share: float, total: float, in_history: float) -> bool:
    """Whether asking the index for the months of a window of `share` of `total` petitions costs less
    than fetching the `in_history` matches (an estimate) that lie outside it."""
    return share < 1 and share * total < FETCH_PER_MONTH_ENTRY * in_history * (1 - share)


def month_number(at: datetime) -> int:
    """The month of `at` in UTC as migration 0006's created_month column counts it (year * 12 + month)."""
    utc = at.astimezone(timezone.utc)
    return utc.year * 12 + utc.month


async def _ranked(session: AsyncSession, matches, ts, terms: list[Term], page: Page) -> _Found:
    """The page of `matches` (up to RANKED), exact-diacritic matches first, then by relevance, newest
    first, with how many were ranked (also for a page past the end); only the page leaves the database."""
    ranked = select(matches.c.id, matches.c.created_at, exact_hits(terms, matches.c.search_terms).label("exact"),
                    func.ts_rank(matches.c.vector, ts).label("rank")).cte("ranked")
    cut = select(ranked).order_by(*_best_first(ranked)).offset(page.offset).limit(page.limit).subquery("page")
    counted = select(func.count().label("ranked")).select_from(ranked).subquery("counted")
    rows = (await session.execute(
        select(counted.c.ranked, Petition).select_from(counted).outerjoin(cut, true())
        .outerjoin(Petition, Petition.id == cut.c.id).order_by(*_best_first(cut))
        .options(*_NOT_SHOWN))).all()
    return _Found([row[1] for row in rows if row[1] is not None], rows[0][0])


def _best_first(keys) -> tuple:
    return keys.c.exact.desc(), keys.c.rank.desc(), keys.c.created_at.desc(), keys.c.id.desc()


async def _in_windows(session: AsyncSession, bounds: list[datetime], share: float, newest, counted=len):
    """`newest(since, share)` from the window holding `share` of the petitions, if it `counted` RANKED
    matches, else from a window sized from the density the first one showed, else from the whole
    history (`since` None)."""
    for _ in range(2):
        since = _quantile(bounds, 1 - share) if share < 1 else None
        if since is None:
            break
        found = await newest(since, share)
        count = counted(found)
        if count == RANKED:
            return found
        share = share * _margin(count) * RANKED / count if count else 1.0
    return await newest(None, 1.0)


def _margin(counted: int) -> float:
    """How much larger than `counted` matches suggest a window must be to hold them: three standard
    deviations of a count."""
    return 1 + 3 / math.sqrt(counted)


async def _estimate(session: AsyncSession, query: Select) -> float:
    raw = (await session.execute(_Explain(query))).scalar_one()
    return float((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]["Plan Rows"])


async def _table_shape(session: AsyncSession) -> tuple[float, list[datetime]]:
    """The planner's row count of petitions and its histogram of creation times (equal-count buckets)."""
    row = (await session.execute(text(
        "SELECT c.reltuples, s.histogram_bounds::text::timestamptz[] FROM pg_class c LEFT JOIN pg_stats s "
        "ON s.schemaname = current_schema() AND s.tablename = 'petitions' AND s.attname = 'created_at' "
        "WHERE c.oid = to_regclass('petitions')"))).one_or_none()
    return (float(row[0]), list(row[1] or [])) if row is not None and row[0] > 0 else (0.0, [])


def _quantile(bounds: list[datetime], share: float) -> datetime | None:
    """The creation time below which `share` of the petitions lie, read off the histogram."""
    if len(bounds) < 2 or share <= 0:
        return None
    position = share * (len(bounds) - 1)
    index = min(int(position), len(bounds) - 2)
    low, high = bounds[index], bounds[index + 1]
    return low + (high - low) * (position - index)


async def candidates(session: AsyncSession, words: list[str], *, nearby_units: list[str] | None,
                     before: datetime | None, exclude: uuid.UUID | None, nearby_limit: int,
                     province_limit: int) -> list[Petition]:
    """Petitions holding two or more of the (folded) words: where repeats are looked for.

    The `nearby_limit` most relevant of the district (`nearby_units`), then the `province_limit` most
    relevant of the province, among the whole history; when more than RANKED petitions share two of
    the words, among the RANKED newest. Fewer than RANKED matches in the province are all of them, the
    district's among them: one query then answers both (on PostgreSQL always).
    """
    query = select(Petition.id, Petition.unit_code)
    if before is not None:
        query = query.where(Petition.created_at <= before)
    if exclude is not None:
        query = query.where(Petition.id != exclude)
    if session.bind.dialect.name != "sqlite":
        await custom_plans(session)
    province = await _two_of_keys(session, query, words)
    if nearby_units is None:
        nearby = []
    elif len(province) < RANKED or session.bind.dialect.name != "sqlite":
        # PostgreSQL at scale: the district's among the province's RANKED newest, not a query of its
        # own: the planner ANDs in the unit_code index (200,000 rows, 40 ms) or, without it, a window
        # sized for one district reads ten times the province's matches.
        units = set(nearby_units)
        nearby = [row for row in province if row.unit_code in units]
    else:
        nearby = await _two_of_keys(session, query.where(Petition.unit_code.in_(nearby_units)), words)
    chosen = list(dict.fromkeys([row.id for row in _best(nearby, nearby_limit)]
                                + [row.id for row in _best(province, province_limit)]))
    loaded = {petition.id: petition for petition in await session.scalars(
        select(Petition).where(Petition.id.in_(chosen)))} if chosen else {}
    return [loaded[id_] for id_ in chosen if id_ in loaded]


def _best(rows: list, limit: int) -> list:
    return sorted(rows, key=lambda row: (row.rank, row.created_at, row.id), reverse=True)[:limit]


async def _two_of_keys(session: AsyncSession, query: Select, words: list[str]) -> list:
    """(id, unit_code, created_at, rank) of the RANKED newest petitions sharing two of the words.

    PostgreSQL: in windows of the newest petitions, as word search does; the planner's estimate for
    "two of six words" is ten times too low, so the first window is at most REPEAT_WINDOW of the table.
    """
    fts5, ts_text = _two_of(words)
    if session.bind.dialect.name == "sqlite":  # bm25() lives where MATCH is; the FTS rowid follows insertion order
        search = literal_column("petition_search")
        keys = (query.add_columns(Petition.created_at, (-func.bm25(search)).label("rank"))
                .join(petition_search, petition_search.c.petition_id == Petition.id).where(search.op("MATCH")(fts5))
                .order_by(literal_column("petition_search.rowid").desc()).limit(RANKED))
        return list(await session.execute(keys))
    ts = _as_tsquery(ts_text)
    matching = query.where(_VECTOR.op("@@")(ts))
    total, bounds = await _table_shape(session)
    expected = await _estimate(session, matching) if total else 0.0
    share = min(REPEAT_WINDOW, WINDOW_MARGIN * RANKED / expected) if expected else 1.0

    async def newest(since: datetime | None, window_share: float) -> list:
        window = _in_window(matching, since, _months_pay(window_share, total, expected))
        fenced = window.add_columns(Petition.created_at, _VECTOR.label("vector")).offset(0).subquery("matches")
        ordered = select(fenced).order_by(fenced.c.created_at.desc()).limit(RANKED).subquery("newest")
        return list(await session.execute(select(ordered.c.id, ordered.c.unit_code, ordered.c.created_at,
                                                 func.ts_rank(ordered.c.vector, ts).label("rank"))))

    return await _in_windows(session, bounds, share, newest)


async def latest_terms(session: AsyncSession, limit: int) -> list[str]:
    """The search terms of the latest petitions: a sample to tell common words from rare ones."""
    query = select(Petition.search_terms).order_by(Petition.created_at.desc()).limit(limit)
    return list(await session.scalars(query))
