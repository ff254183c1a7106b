"""What a search query asks for and what it matched (pure functions; the SQL is in search_repository)."""

import re
from functools import lru_cache
from dataclasses import dataclass

from services.intake.petitions.codes import format_code
from shared.text import PLAIN_PREFIX, fold, has_marks, nfc, search_terms

# One pass over the lower-cased query: a petition code ("KN-2026-12"), a road or code ("ĐT.186",
# "dt186"; with a space, "ĐT 186", its two parts), or a word.
_QUERY = re.compile(
    r"(?P<kn>\bkn\W*(?P<year>[0-9]{4})\W*(?P<number>[0-9]{1,6})(?![0-9]))"
    r"|(?P<letters>\b[^\W\d_]{1,4})(?P<sep>[\s.\-]?)(?P<digits>[0-9]+)\b"
    r"|(?P<word>[^\W_]+)")
_QUERY_WORD = re.compile(r"[^\W_]+")
_FOLDED_WORD = re.compile(r"[0-9a-z]+")
_WRITTEN_CODE = re.compile(r"\b([^\W\d_]{1,4})[\s.\-]?([0-9]+)\b")
_LETTER_DIGIT = re.compile(r"[a-z][0-9]")


@dataclass(frozen=True)
class Term:
    """One typed word: the petition must hold one of `tokens`; `exact` ranks marked matches first."""

    typed: str
    tokens: tuple[str, ...]
    exact: str | None = None


def code_token(code: str) -> str:
    return re.sub(r"[^0-9a-z]", "", code.lower())


def petition_terms(content: str, code: str) -> str:
    """The indexed text of a petition: its content's search terms and its code as one token."""
    return f"{search_terms(content)} {code_token(code)}"


def parse(query: str) -> list[Term]:
    """Every word of the query becomes a term that must appear (codes as one token)."""
    terms: list[Term] = []
    for match in _QUERY.finditer(nfc(query).lower()):
        if match["kn"]:
            token = code_token(format_code(int(match["year"]), int(match["number"])))
            terms.append(Term(match["kn"], (token,)))
        elif match["letters"]:
            # Codes ignore diacritics: "ĐT.186" is the road "dt186" however it was typed.
            letters = fold(match["letters"])
            if match["sep"].isspace():  # two words for a person, still both required
                terms += [Term(match["letters"], (letters,)), Term(match["digits"], (match["digits"],))]
            else:
                terms.append(Term(match.group(0), (letters + match["digits"],)))
        else:
            terms.extend(_word_terms(match["word"]))
    return terms


def _word_terms(word: str) -> list[Term]:
    folded = fold(word)
    if has_marks(word) and word.isalpha() and _FOLDED_WORD.fullmatch(folded):
        # Typed with marks: the same marks, or the word written without any (never other marks).
        return [Term(word, (word, PLAIN_PREFIX + folded), exact=word)]
    return [Term(part, (part,)) for part in _FOLDED_WORD.findall(folded)]


@lru_cache(maxsize=50_000)
def _word_tokens(word: str) -> frozenset[str]:
    # A council's vocabulary is small: each word is tokenised once, not once per result.
    return frozenset(search_terms(word).split())


def matched_words(content: str, terms: list[Term]) -> list[str]:
    """The words and codes of the content (as written) that a term matched, for the pages to highlight."""
    wanted = {token for term in terms for token in term.tokens}
    text = nfc(content)
    found = []
    if any(_LETTER_DIGIT.search(token) for token in wanted):  # only a code token can match a written code
        found = [m.group(0) for m in _WRITTEN_CODE.finditer(text) if fold(m[1]) + m[2] in wanted]
    # Each distinct word once: a page's contents repeat most of their words (half of this function's time).
    found += [word for word in dict.fromkeys(_QUERY_WORD.findall(text)) if wanted & _word_tokens(word)]
    return list(dict.fromkeys(found))
