"""Likely repeats of a petition: overlap of meaningful folded words and word pairs (pure functions)."""

import math

from shared.text import words

# Words every petition shares ("cử tri đề nghị ..."): they say nothing about the matter.
_STOPWORDS = frozenset("""
cu tri de nghi kien xem xet quan tam cac cho cua va la co duoc da dang se vi nen thi ma nhung mot
hien nay tai o trong tren voi den tu nay do khi sau truoc rat nhieu them lai cung som giai quyet
ve viec theo nhu ban nhan dan cap uy tinh huyen xa thon ban to dan pho nguoi ho gia dinh
""".split())


def signature(text: str) -> frozenset[str]:
    tokens = [token for token in words(text) if token not in _STOPWORDS and len(token) > 1]
    pairs = {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}
    return frozenset(tokens) | pairs


def score(first: frozenset[str], second: frozenset[str]) -> float:
    """Cosine similarity of two sets, 0..1."""
    if not first or not second:
        return 0.0
    return len(first & second) / math.sqrt(len(first) * len(second))


def rank(text: str, candidates: list[str], threshold: float, limit: int) -> list[tuple[float, int]]:
    """(score, index) of the candidates scoring at least `threshold` against `text`, best first."""
    target = signature(text)
    scored = [(score(target, signature(candidate)), index) for index, candidate in enumerate(candidates)]
    return sorted((pair for pair in scored if pair[0] >= threshold), key=lambda pair: -pair[0])[:limit]
