"""Vietnamese text helpers: NFC normalisation, validation of what people type, diacritic-insensitive folding."""

import re
import unicodedata
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
