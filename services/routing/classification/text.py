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


_MARKED_LETTER = re.compile("[\u00c0-\u1ef9]")  # Latin letters with marks, đ/Đ included


def has_diacritics(text: str) -> bool:
    """True when the writer typed Vietnamese marks (then marks are meaningful for matching)."""
    return _MARKED_LETTER.search(unicodedata.normalize("NFC", text)) is not None


_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class TokenizedForm:
    """One form of the text as word tokens, with their character spans and where each token occurs."""

    text: str
    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    positions: dict[str, list[int]]

    @classmethod
    def of(cls, text: str) -> "TokenizedForm":
        matches = list(_TOKEN.finditer(text))
        positions: dict[str, list[int]] = {}
        for index, match in enumerate(matches):
            positions.setdefault(match.group(0), []).append(index)
        return cls(text, tuple(m.group(0) for m in matches), tuple(m.span() for m in matches), positions)


@dataclass(frozen=True)
class PreparedText:
    original: str
    accented: TokenizedForm
    folded: TokenizedForm
    marked: bool  # typed with diacritics

    @classmethod
    def of(cls, text: str) -> "PreparedText":
        form = accented(text)
        return cls(text, TokenizedForm.of(form), TokenizedForm.of(fold(form)), has_diacritics(text))

    @property
    def form(self) -> TokenizedForm:
        return self.accented if self.marked else self.folded


Hit = tuple[int, int, str]  # character start, end, matched text (in the matching form)


@dataclass(frozen=True)
class Phrase:
    """One phrase of a rule file, for accented and folded text.

    Syntax: a plain phrase matches a sequence of whole words, punctuation ignored ("đường thôn");
    "=đập" matches only text typed with diacritics (its folded form "dap" would be ambiguous);
    "re:..." is a regular expression.
    """

    source: str
    accented_words: tuple[str, ...] | None  # plain phrases
    folded_words: tuple[str, ...] | None
    accented_regex: re.Pattern | None = None  # "re:" phrases
    folded_regex: re.Pattern | None = None
    accent_only: bool = False


def compile_phrase(source: str) -> Phrase:
    raw = str(source).strip()
    accent_only = raw.startswith("=")
    if accent_only:
        raw = raw[1:].strip()
    if raw.startswith("re:"):
        body = raw[3:].strip()
        folded = None if accent_only else re.compile(fold(body))
        return Phrase(str(source), None, None, re.compile(accented(body)), folded, accent_only)
    folded_words = None if accent_only else tuple(_TOKEN.findall(fold(raw)))
    return Phrase(str(source), tuple(_TOKEN.findall(accented(raw))), folded_words, accent_only=accent_only)


@dataclass(frozen=True)
class PhraseSet:
    """Several phrases searched together: word sequences through a first-word index, plus regexes."""

    accented_index: dict[str, list[tuple[str, ...]]]
    folded_index: dict[str, list[tuple[str, ...]]]
    accented_regexes: tuple[re.Pattern, ...]
    folded_regexes: tuple[re.Pattern, ...]

    @classmethod
    def of(cls, phrases) -> "PhraseSet":
        phrases = list(phrases)
        return cls(
            _index(p.accented_words for p in phrases), _index(p.folded_words for p in phrases),
            tuple(p.accented_regex for p in phrases if p.accented_regex is not None),
            tuple(p.folded_regex for p in phrases if p.folded_regex is not None),
        )

    def hits(self, text: PreparedText) -> list[Hit]:
        """Every match, earliest first (the longest first at the same place)."""
        form = text.form
        index, regexes = (self.accented_index, self.accented_regexes) if text.marked else \
            (self.folded_index, self.folded_regexes)
        found: list[Hit] = []
        for first in index.keys() & form.positions.keys():
            for position in form.positions[first]:
                for words in index[first]:
                    if form.tokens[position:position + len(words)] == words:
                        start, end = form.spans[position][0], form.spans[position + len(words) - 1][1]
                        found.append((start, end, form.text[start:end]))
        for regex in regexes:
            found.extend((m.start(), m.end(), m.group(0)) for m in regex.finditer(form.text))
        found.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        return found

    def search(self, text: PreparedText) -> Hit | None:
        hits = self.hits(text)
        return hits[0] if hits else None


def _index(sequences) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for words in sequences:
        if words:
            index.setdefault(words[0], []).append(words)
    for candidates in index.values():
        candidates.sort(key=len, reverse=True)
    return index
