"""Likely repeats among all earlier petitions: found through the search index, scored by words, place, subject.

The index narrows the whole history to the petitions sharing two or more of the draft's rarest words (in
the same district, and anywhere in the province); those are scored by the overlap of meaningful words
and word pairs (similarity.score), plus a bonus for the same commune or district and the same topic.
"""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions import search_repository, similarity
from services.intake.petitions.models import Petition
from shared.catalog import Catalog

THRESHOLD = 0.45  # chosen with `python -m services.intake.petitions.evaluate_repeats` (README: Repeats)
LIMIT = 10
SAME_UNIT_BONUS, SAME_DISTRICT_BONUS, SAME_TOPIC_BONUS = 0.1, 0.05, 0.05
OTHER_DISTRICT_PENALTY = 0.1   # two communes of different districts: rarely the same matter
NAME_FLOOR = 0.5               # names on both sides, none shared: the words count half
RARE_WORDS = 6          # the draft's words the index is asked for (any two of them)
NEARBY_CANDIDATES, PROVINCE_CANDIDATES = 50, 100
SAMPLE_SIZE, SAMPLE_SECONDS = 5000, 600
COMMON_SHARE, MIN_WORDS = 0.01, 3   # rarest(): words too common to look repeats up by, in a full sample


@dataclass(frozen=True)
class Draft:
    content: str
    unit_code: str
    topic: str | None = None
    before: datetime | None = None          # an entered petition: only those recorded before it
    exclude: uuid.UUID | None = None


@dataclass(frozen=True)
class Repeat:
    petition: Petition
    score: float
    place: str | None   # "unit" (same commune/district), "district" (same district), None


class WordRarity:
    """How common each word is among the latest petitions, refreshed every few minutes."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._taken_at = -SAMPLE_SECONDS
        self.size = 0   # petitions in the sample

    async def counts(self, db: AsyncSession) -> Counter[str]:
        if time.monotonic() - self._taken_at >= SAMPLE_SECONDS:
            sample = await search_repository.latest_terms(db, SAMPLE_SIZE)
            self._counts = Counter(token for terms in sample for token in set(terms.split()))
            self.size = len(sample)
            # A small history says little about which words are common: look again soon.
            self._taken_at = time.monotonic() if len(sample) >= SAMPLE_SIZE // 10 else -SAMPLE_SECONDS
        return self._counts


def rarest(words: list[str], counts: Counter[str], sample: int = 0, k: int = RARE_WORDS) -> list[str]:
    """The k rarest words; out of a full sample, only those in at most COMMON_SHARE of it (or MIN_WORDS).

    At a province's scale a word in a tenth of the petitions ("sửa", "đoạn") pairs with any other into
    thousands of matches that say nothing of the matter, and makes the index read them all (a second).
    """
    distinct = sorted(dict.fromkeys(words), key=lambda word: (counts[word], -len(word)))
    if sample >= SAMPLE_SIZE:
        rare = sum(counts[word] <= COMMON_SHARE * sample for word in distinct)
        distinct = distinct[:max(MIN_WORDS, rare)]
    return distinct[:k]


def place_of(catalog: Catalog, draft_unit: str, other_unit: str) -> str | None:
    if draft_unit == other_unit:
        return "unit"
    district = catalog.district_of(draft_unit)
    return "district" if district is not None and district == catalog.district_of(other_unit) else None


def place_weight(catalog: Catalog, draft_unit: str, other_unit: str, place: str | None) -> float:
    if place == "unit":
        return SAME_UNIT_BONUS
    if place == "district":
        return SAME_DISTRICT_BONUS
    both_local = all(catalog.district_of(unit) is not None for unit in (draft_unit, other_unit))
    return -OTHER_DISTRICT_PENALTY if both_local else 0.0


def likeness(target: "Target", draft: Draft, other: Petition, weight: float) -> float:
    words = similarity.score(target.signature, similarity.signature(other.content))
    shared_names = similarity.name_overlap(target.names, similarity.names(other.content))
    if shared_names is not None:
        words *= NAME_FLOOR + (1 - NAME_FLOOR) * shared_names
    if draft.topic and draft.topic == other.topic:
        weight += SAME_TOPIC_BONUS
    return max(0.0, min(1.0, words + weight))


@dataclass(frozen=True)
class Target:
    signature: frozenset[str]
    names: frozenset[str]


def district_units(catalog: Catalog, unit_code: str) -> list[str] | None:
    district = catalog.district_of(unit_code)
    if district is None:
        return None
    return [code for code in catalog.units if catalog.district_of(code) == district]


async def find_repeats(db: AsyncSession, draft: Draft, catalog: Catalog, rarity: WordRarity,
                       threshold: float = THRESHOLD, limit: int = LIMIT) -> list[Repeat]:
    """The likely repeats of a draft or a petition, best first."""
    words = similarity.meaningful(draft.content)
    if not words:
        return []
    rare = rarest(words, await rarity.counts(db), rarity.size)
    found = await search_repository.candidates(
        db, rare, nearby_units=district_units(catalog, draft.unit_code), before=draft.before,
        exclude=draft.exclude, nearby_limit=NEARBY_CANDIDATES, province_limit=PROVINCE_CANDIDATES)
    # Scoring a hundred and fifty texts is CPU work: in a worker thread, so the event loop serves others.
    scored = await asyncio.to_thread(_score_all, draft, found, catalog)
    scored = [repeat for repeat in scored if repeat.score >= threshold]
    return sorted(scored, key=lambda repeat: (-repeat.score, repeat.petition.created_at))[:limit]


def _score_all(draft: Draft, candidates: list[Petition], catalog: Catalog) -> list[Repeat]:
    """Only loaded columns are read here (content, unit, topic): no lazy load leaves the event loop."""
    target = Target(similarity.signature(draft.content), similarity.names(draft.content))
    scored = []
    for petition in candidates:
        place = place_of(catalog, draft.unit_code, petition.unit_code)
        weight = place_weight(catalog, draft.unit_code, petition.unit_code, place)
        scored.append(Repeat(petition, likeness(target, draft, petition, weight), place))
    return scored
