"""Vietnamese text helpers: NFC normalisation and diacritic-insensitive folding."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, trimmed, inner whitespace collapsed: the form we store what a person typed in."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Lower-case without diacritics, so 'duong' matches 'Đường'.

    'đ' is a separate letter, not 'd' plus a mark, so NFD alone would keep it.
    """
    lowered = nfc(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


_WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    """Folded word tokens of a text."""
    return _WORD.findall(fold(text))
