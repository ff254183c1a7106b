"""Word search over petitions: every typed word required, ranked, with the words it matched."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions import repository as petition_repository
from services.intake.petitions import search, search_repository
from services.intake.petitions.models import Petition
from services.intake.petitions.repository import PetitionFilters
from shared.pagination import decode_offset, encode_offset


async def search_petitions(db: AsyncSession, filters: PetitionFilters, terms: list[search.Term], limit: int,
                           cursor: str | None) -> tuple[list[tuple[Petition, list[str]]], str | None]:
    """One page of (petition, matched words), best first; the cursor is the next page's position."""
    offset = decode_offset(cursor)
    rows = await search_repository.ranked_page(db, petition_repository.filtered(filters), terms, limit + 1, offset)
    next_cursor = encode_offset(offset + limit) if len(rows) > limit else None
    return [(row, search.matched_words(row.content, terms)) for row in rows[:limit]], next_cursor
