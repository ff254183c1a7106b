"""Text forms the classifier matches on, and phrase patterns compiled for both of them.

A petition typed with diacritics is matched with diacritics ("hồ chứa" is not "hộ chưa"); one typed
without them ("mat dien keo dai") is matched on the folded form. Patterns are written once, in
ordinary Vietnamese, in the rule files.
"""

import re
import unicodedata
from dataclasses import dataclass

from shared.text import fold

_SPACES = re.compile(r"\s+")
# Old-style tone placement (hoà, thuỷ) → the form the catalog uses (hòa, thủy); not after "q" (quý).
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONE_MARKS}])(?![^\W\d_])")


def accented(text: str) -> str:
    """Lower case, NFC, one tone placement, single spaces: the form accented patterns match."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    decomposed = _OLD_TONE.sub(r"\1\3\2", decomposed)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", decomposed)).strip()


def has_diacritics(text: str) -> bool:
    """True when the writer typed Vietnamese marks (then marks are meaningful for matching)."""
    lowered = text.lower()
    return any(ch != folded for ch, folded in zip(lowered, fold_chars(lowered)))


def fold_chars(text: str) -> str:
    """Fold character by character (same length as the input, unlike shared.text.fold)."""
    return "".join(fold(ch) or ch for ch in text)


@dataclass(frozen=True)
class PreparedText:
    original: str
    accented: str
    folded: str
    marked: bool  # typed with diacritics

    @classmethod
    def of(cls, text: str) -> "PreparedText":
        form = accented(text)
        return cls(text, form, fold(form), has_diacritics(text))

    @property
    def matching_form(self) -> str:
        return self.accented if self.marked else self.folded


@dataclass(frozen=True)
class Phrase:
    """One phrase of a rule file, compiled for accented and folded text.

    Syntax: a plain phrase matches whole words ("đường thôn"); "=đập" matches only text typed with
    diacritics (its folded form "dap" would be ambiguous); "re:..." is a regular expression.
    """

    source: str
    on_accented: re.Pattern
    on_folded: re.Pattern | None

    def search(self, text: PreparedText) -> re.Match | None:
        if text.marked:
            return self.on_accented.search(text.accented)
        return self.on_folded.search(text.folded) if self.on_folded is not None else None


def compile_phrase(source: str) -> Phrase:
    raw = str(source).strip()
    accent_only = raw.startswith("=")
    if accent_only:
        raw = raw[1:].strip()
    if raw.startswith("re:"):
        body = raw[3:].strip()
        accented_body, folded_body = accented(body), fold(body)
    else:
        accented_body = _words(re.escape(accented(raw)))
        folded_body = _words(re.escape(fold(raw)))
    folded = None if accent_only else re.compile(folded_body)
    return Phrase(str(source), re.compile(accented_body), folded)


def _words(body: str) -> str:
    return rf"(?<!\w){body}(?!\w)"
