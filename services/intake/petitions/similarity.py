"""Likely repeats of a petition: overlap of meaningful folded words, word pairs and codes (pure functions)."""

import math
import re
from functools import lru_cache

from shared.text import code_tokens, fold, nfc, words

# Words, and punctuation marks as tokens of their own so that "Tân Lập - Mỏ Ché" is two names.
_WORD_OR_MARK = re.compile(r"[^\W_]+|[^\w\s]")

# Words every petition shares ("cử tri đề nghị ..."): they say nothing about the matter.
_STOPWORDS = frozenset("""
cu tri de nghi kien xem xet quan tam cac cho cua va la co duoc da dang se vi nen thi ma nhung mot
hien nay tai o trong tren voi den tu nay do khi sau truoc rat nhieu them lai cung som giai quyet
ve viec theo nhu ban nhan dan cap uy tinh huyen xa thon ban to dan pho nguoi ho gia dinh
tiep tuc phan anh
""".split())


def meaningful(text: str) -> list[str]:
    """The words that say what the matter is, in order."""
    return [token for token in words(text) if token not in _STOPWORDS and len(token) > 1]


@lru_cache(maxsize=5000)  # the same earlier petitions come back as candidates lookup after lookup
def signature(text: str) -> frozenset[str]:
    tokens = meaningful(text)
    pairs = {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}
    # "ĐT.186" and "ĐT186" are the same road.
    return frozenset(tokens) | pairs | frozenset(code_tokens(fold(text)))


def score(first: frozenset[str], second: frozenset[str]) -> float:
    """Cosine similarity of two sets, 0..1."""
    if not first or not second:
        return 0.0
    return len(first & second) / math.sqrt(len(first) * len(second))



@lru_cache(maxsize=5000)
def names(text: str) -> frozenset[str]:
    """Proper names (two or more capitalised words in a row: "Tân Lập", "Mỏ Ché") and road codes.

    Two matters asking the same thing of different villages or roads are different matters.
    """
    found, run = set(), []
    for word in _WORD_OR_MARK.findall(nfc(text)) + [""]:
        if word[:1].isupper() and not word.isupper():
            run.append(fold(word))
            continue
        if len(run) >= 2:
            found.add(" ".join(run))
        run = []
    return frozenset(found) | frozenset(code_tokens(fold(text)))


def name_overlap(first: frozenset[str], second: frozenset[str]) -> float | None:
    """Share of the shorter list of names found in the other; None when either names nothing."""
    if not first or not second:
        return None
    return len(first & second) / min(len(first), len(second))
