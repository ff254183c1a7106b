"""Word search queries: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL, the same answers on both."""

import uuid
from datetime import datetime

from sqlalchemy import Select, Uuid, case, cast, column, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions.models import Petition
from services.intake.petitions.search import Term

petition_search = table("petition_search", column("petition_id", Uuid))
# Spelt exactly as in the migration's index, so PostgreSQL's planner uses it.
_VECTOR = literal_column("array_to_tsvector(string_to_array(petitions.search_terms, ' '))")


def fts5_query(terms: list[Term], joiner: str = " AND ") -> str:
    return joiner.join("(" + " OR ".join(f'"{token}"' for token in term.tokens) + ")" for term in terms)


def tsquery(terms: list[Term], joiner: str = " & ") -> str:
    return joiner.join("(" + " | ".join(f"'{token}'" for token in term.tokens) + ")" for term in terms)


def matching(query: Select, dialect: str, terms: list[Term], any_term: bool = False) -> tuple[Select, object]:
    """The query narrowed to petitions holding every term (or any, for repeats),
    and an expression of relevance where higher is better."""
    if dialect == "sqlite":
        match = literal_column("petition_search").op("MATCH")(fts5_query(terms, " OR " if any_term else " AND "))
        query = query.join(petition_search, petition_search.c.petition_id == Petition.id).where(match)
        return query, -func.bm25(literal_column("petition_search"))
    ts = cast(literal(tsquery(terms, " | " if any_term else " & ")), TSQUERY)
    return query.where(_VECTOR.op("@@")(ts)), func.ts_rank(_VECTOR, ts)


def exact_hits(terms: list[Term]):
    """How many words typed with diacritics the petition holds with the same diacritics."""
    padded = literal(" ") + Petition.search_terms + literal(" ")
    hits = [case((padded.like(f"% {term.exact} %"), 1), else_=0) for term in terms if term.exact]
    return sum(hits[1:], hits[0]) if hits else literal(0)


async def ranked_page(session: AsyncSession, filtered: Select, terms: list[Term], limit: int,
                      offset: int) -> list[Petition]:
    """Petitions holding every term: exact-diacritic matches first, then by relevance, newest first."""
    query, relevance = matching(filtered, session.bind.dialect.name, terms)
    query = query.order_by(exact_hits(terms).desc(), relevance.desc(), Petition.created_at.desc(),
                           Petition.id.desc()).offset(offset).limit(limit)
    return list(await session.scalars(query))


async def candidates(session: AsyncSession, terms: list[Term], *, unit_codes: list[str] | None,
                     before: datetime | None, exclude: uuid.UUID | None, limit: int) -> list[Petition]:
    """Petitions holding any of the terms, most relevant first (where repeats are looked for)."""
    query = select(Petition)
    if unit_codes is not None:
        query = query.where(Petition.unit_code.in_(unit_codes))
    if before is not None:
        query = query.where(Petition.created_at <= before)
    if exclude is not None:
        query = query.where(Petition.id != exclude)
    query, relevance = matching(query, session.bind.dialect.name, terms, any_term=True)
    query = query.order_by(relevance.desc(), Petition.created_at.desc()).limit(limit)
    return list(await session.scalars(query))


async def latest_terms(session: AsyncSession, limit: int) -> list[str]:
    """The search terms of the latest petitions: a sample to tell common words from rare ones."""
    query = select(Petition.search_terms).order_by(Petition.created_at.desc()).limit(limit)
    return list(await session.scalars(query))
