"""Vietnamese text helpers: NFC normalisation, validation of what people type, diacritic-insensitive folding."""

import re
import unicodedata
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

_SPACES = re.compile(r"\s+")
# Control (Cc), format (Cf: zero-width spaces and joiners, bidi overrides, BOM) and lone surrogates (Cs):
# invisible to the officer reading the value, and a NUL or a surrogate is refused by PostgreSQL, so they
# are refused at the door on every database alike.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, trimmed, inner whitespace collapsed: the form we store what a person typed in."""
    return _SPACES.sub(" ", nfc(text)).strip()


def refused_character(text: str) -> str | None:
    """The first control, zero-width or surrogate character of `text`, if any."""
    if text.isprintable():  # C speed; False for every Cc, Cf and Cs character (and a few more, looked at below)
        return None
    return next((ch for ch in text if unicodedata.category(ch) in _REFUSED_CATEGORIES), None)


def checked(text: str) -> str:
    """`clean(text)`, or a ValueError (Vietnamese) when it is blank or holds invisible characters."""
    cleaned = clean(text)
    if not cleaned:
        raise ValueError("Không được để trống")
    bad = refused_character(cleaned)
    if bad is not None:
        raise ValueError(f"Có ký tự điều khiển hoặc ký tự vô hình (U+{ord(bad):04X}); hãy xoá ký tự đó")
    return cleaned


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not clean(value) else value


def _checked_or_none(text: str | None) -> str | None:
    return None if text is None else checked(text)


# A required text field: stored cleaned, never blank, no invisible characters.
CleanText = Annotated[str, AfterValidator(checked)]
# An optional one: blank means absent (so "needs a reason" still catches a blank reason).
# (One Annotated over `str | None`, so `max_length` stays a string limit with its own message.)
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_checked_or_none)]


class _Folded(dict):
    """str.translate's table: each character (lower case) as fold() keeps it, filled as characters are met.

    NFD decomposes character by character and only reorders the marks it then drops, so folding each
    character of the NFC text alone gives what decomposing the whole text and dropping its marks gives;
    after the first few texts every character is one C lookup.
    """

    def __missing__(self, code: int) -> int | str:
        decomposed = unicodedata.normalize("NFD", chr(code).replace("đ", "d"))
        kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[code] = code if kept == chr(code) else kept
        return self[code]


_FOLDED = _Folded()


def fold(text: str) -> str:
    """Lower-case without diacritics, so 'duong' matches 'Đường'.

    'đ' is a separate letter, not 'd' plus a mark, so NFD alone would keep it.
    """
    # split()/join: the same whitespace as \s, collapsed and trimmed, at C speed.
    return " ".join(nfc(text).lower().translate(_FOLDED).split())


_WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    """Folded word tokens of a text."""
    return _WORD.findall(fold(text))


# Search tokens. A road or code written "ĐT186", "ĐT.186", "ĐT 186" or "dt186" is one token "dt186";
# its parts are kept too, so "186" alone still finds it. A word with diacritics is also kept as typed
# (lower case), so a query typed with marks can tell "đường" from "Dương"; a word written without
# marks gets a "_" twin, so such a query still finds text typed without diacritics (ranked after).
_CODE = re.compile(r"\b([a-z]{1,4})[\s.\-]?([0-9]+)\b")
_MIXED = re.compile(r"[a-z]+|[0-9]+")
_LETTERS = re.compile(r"\w+")
_LETTER_DIGIT = re.compile(r"[a-z][0-9]|[0-9][a-z]")
PLAIN_PREFIX = "_"


@lru_cache(maxsize=65536)
def has_marks(word: str) -> bool:
    # Cached: Vietnamese is written in a few thousand syllables, and every indexed text asks for each.
    return fold(word) != nfc(word).lower()


def code_tokens(folded: str) -> list[str]:
    """'dt.186 va ql 2' -> ['dt186', 'ql2']: letters followed by a number, whatever the separator."""
    return [letters + digits for letters, digits in _CODE.findall(folded)]


def folded_tokens(text: str, folded: str | None = None) -> list[str]:
    """Folded words, the letter and number parts of mixed words, and joined codes (`folded`: fold(text), if known)."""
    folded = fold(text) if folded is None else folded
    if not _LETTER_DIGIT.search(folded):  # most texts: no word mixes letters and digits, none has parts
        return _WORD.findall(folded) + code_tokens(folded)
    tokens: list[str] = []
    for word in _WORD.findall(folded):
        tokens.append(word)
        if word.isalpha() or word.isdigit():
            continue  # only a word mixing letters and digits ("dt186") has parts
        parts = _MIXED.findall(word)
        if len(parts) > 1:
            tokens.extend(parts)
    return tokens + code_tokens(folded)


def marked_tokens(text: str) -> list[str]:
    """Each word as written (lower case), or with the '_' prefix when written without marks."""
    return [token for word in _LETTERS.findall(nfc(text).lower()) if (token := _marked(word)) is not None]


@lru_cache(maxsize=65536)
def _marked(word: str) -> str | None:
    if has_marks(word):
        return word.replace("_", "")
    return PLAIN_PREFIX + word if word.isalpha() and word.isascii() else None


def search_terms(text: str, folded: str | None = None) -> str:
    """What the full-text index of a text holds: distinct tokens separated by spaces (`folded`: fold(text), if known)."""
    return " ".join(dict.fromkeys(folded_tokens(text, folded) + marked_tokens(text)))
