"""Word search queries: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL, the same answers on both."""

import uuid
from datetime import datetime, timedelta
from itertools import combinations

from sqlalchemy import Select, Uuid, case, cast, column, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions.models import Petition
from services.intake.petitions.search import Term

RANKED = 1000
# Word search: windows of the newest petitions (days back from the newest) searched in turn, then the
# whole history.
WINDOW_DAYS = (7, 60, 480)
petition_search = table("petition_search", column("petition_id", Uuid))
# PostgreSQL only: a generated tsvector column (migration 0003), GIN-indexed; the model does not map it.
_VECTOR = literal_column("petitions.search_vector")


def fts5_query(terms: list[Term]) -> str:
    return " AND ".join("(" + " OR ".join(f'"{token}"' for token in term.tokens) + ")" for term in terms)


def tsquery(terms: list[Term]) -> str:
    return " & ".join("(" + " | ".join(f"'{token}'" for token in term.tokens) + ")" for term in terms)


def _matching(query: Select, dialect: str, fts5: str, ts_text: str) -> tuple[Select, object]:
    if dialect == "sqlite":
        match = literal_column("petition_search").op("MATCH")(fts5)
        query = query.join(petition_search, petition_search.c.petition_id == Petition.id).where(match)
        return query, -func.bm25(literal_column("petition_search"))
    ts = cast(literal(ts_text), TSQUERY)
    return query.where(_VECTOR.op("@@")(ts)), func.ts_rank(_VECTOR, ts)


def _two_of(words: list[str]) -> tuple[str, str]:
    """Queries for petitions sharing at least two of the words (one common word says little)."""
    pairs = list(combinations(words, 2)) or [(word, word) for word in words]
    return (" OR ".join(f'("{a}" AND "{b}")' for a, b in pairs),
            " | ".join(f"('{a}' & '{b}')" for a, b in pairs))


def exact_hits(terms: list[Term]):
    """How many words typed with diacritics the petition holds with the same diacritics."""
    padded = literal(" ") + Petition.search_terms + literal(" ")
    hits = [case((padded.like(f"% {term.exact} %"), 1), else_=0) for term in terms if term.exact]
    return sum(hits[1:], hits[0]) if hits else literal(0)


async def ranked_page(session: AsyncSession, filtered: Select, terms: list[Term], limit: int,
                      offset: int) -> list[Petition]:
    """Petitions holding every term: exact-diacritic matches first, then by relevance, newest first.

    Ranking reads every row it ranks, so a query matching more than RANKED petitions ranks the RANKED
    newest of them (the index hands them out newest first without reading the others).
    """
    return await _ranked(session, filtered.with_only_columns(Petition.id), (fts5_query(terms), tsquery(terms)),
                         terms, offset, limit, WINDOW_DAYS)


async def _ranked(session: AsyncSession, ids: Select, queries: tuple[str, str], terms: list[Term], offset: int,
                  limit: int, windows: tuple[int, ...] = ()) -> list[Petition]:
    dialect = session.bind.dialect.name
    query, relevance = _matching(ids, dialect, *queries)
    if dialect == "sqlite":  # bm25() lives where MATCH is; the FTS rowid follows insertion order
        newest = literal_column("petition_search.rowid").desc()
        inner = query.add_columns(relevance.label("relevance")).order_by(newest).limit(RANKED).subquery()
        ranked = select(Petition).join(inner, inner.c.id == Petition.id)
        rank = inner.c.relevance
    else:
        ranked = select(Petition).where(Petition.id.in_(await _newest_matches(session, query, windows)))
        rank = relevance
    ranked = (ranked.order_by(exact_hits(terms).desc(), rank.desc(), Petition.created_at.desc(), Petition.id.desc())
              .offset(offset).limit(limit))
    return list(await session.scalars(ranked))


async def _newest_matches(session: AsyncSession, query: Select, windows: tuple[int, ...]) -> list[uuid.UUID]:
    """PostgreSQL: the RANKED newest matching ids, looked for in growing windows of the newest petitions.

    A GIN index hands out matches unordered, so "the 1,000 newest of 300,000 matches" read all 300,000
    rows (2 s at a million petitions). A window ending at the newest petition that holds RANKED matches
    holds exactly the RANKED newest ones, and the planner reads only the window's rows (the created_at
    index, or its bitmap ANDed with the GIN one); a rare word's windows hold few matches each, and the
    whole history, last, is cheap when the matches are few. Repeat lookups pass no windows: two shared
    words within one commune seldom fill a window, and the probes only added time (measured).
    """
    newest_first = query.order_by(Petition.created_at.desc()).limit(RANKED)
    newest = await session.scalar(select(func.max(Petition.created_at))) if windows else None
    if newest is None:
        return list(await session.scalars(newest_first))
    for days in windows:
        found = list(await session.scalars(newest_first.where(Petition.created_at >= newest - timedelta(days=days))))
        if len(found) == RANKED:
            return found
    return list(await session.scalars(newest_first))


async def candidates(session: AsyncSession, words: list[str], *, unit_codes: list[str] | None,
                     before: datetime | None, exclude: uuid.UUID | None, limit: int) -> list[Petition]:
    """Petitions holding two or more of the (folded) words, most relevant first: where repeats are looked for.

    Among the whole history; when more than RANKED petitions share two of the words, the RANKED newest.
    """
    query = select(Petition.id)
    if unit_codes is not None:
        query = query.where(Petition.unit_code.in_(unit_codes))
    if before is not None:
        query = query.where(Petition.created_at <= before)
    if exclude is not None:
        query = query.where(Petition.id != exclude)
    return await _ranked(session, query, _two_of(words), [], 0, limit)


async def latest_terms(session: AsyncSession, limit: int) -> list[str]:
    """The search terms of the latest petitions: a sample to tell common words from rare ones."""
    query = select(Petition.search_terms).order_by(Petition.created_at.desc()).limit(limit)
    return list(await session.scalars(query))
