"""fold, search_terms and refused_character take C-speed paths (issue 14: a 5,000-row import); each gives
what the plain definition gives, on Vietnamese text and on every kind of character around it."""

import random
import re
import sys
import unicodedata

from shared.text import PLAIN_PREFIX, _REFUSED_CATEGORIES, code_tokens, fold, has_marks, nfc, refused_character, search_terms

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[0-9a-z]+")
_MIXED = re.compile(r"[a-z]+|[0-9]+")


def plain_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return _SPACES.sub(" ", "".join(ch for ch in decomposed if not unicodedata.combining(ch))).strip()


def plain_search_terms(text: str) -> str:
    folded, tokens = plain_fold(text), []
    for word in _WORD.findall(folded):
        tokens.append(word)
        parts = [] if word.isalpha() or word.isdigit() else _MIXED.findall(word)
        tokens.extend(parts if len(parts) > 1 else [])
    tokens += code_tokens(folded)
    for word in re.findall(r"\w+", nfc(text).lower()):
        if has_marks(word):
            tokens.append(word.replace("_", ""))
        elif word.isalpha() and word.isascii():
            tokens.append(PLAIN_PREFIX + word)
    return " ".join(dict.fromkeys(tokens))


SAMPLES = [
    "Đề nghị nâng cấp tuyến ĐƯỜNG ĐT.186 và QL 2 đoạn qua xã Ỷ La",
    "  Thuỷ lợi\tnội đồng\n\nkênh N3-2, cống số 5a  ",
    "De\u0302\u0300 nghi\u0323 sửa cầu tràn thôn 4B",  # decomposed marks, as some keyboards type them
    "a\u0323\u0302 \u0301x q\u0323\u0301",  # marks in non-canonical order; a mark after a space
    "ΣΊΣΥΦΟΣ ΟΔΌΣ İstanbul straße ﬁ Ⅻ ½ ²",  # final sigma, dotted capital I, ligatures, numbers
    "한국어 テスト 中文 \u00a0\u2003\u3000 spaces \u200b zero\u200dwidth \u202e",
    "",
]


def _random_texts(count: int) -> list[str]:
    rng = random.Random(14)
    pool = [chr(c) for c in range(0x20, 0x2500)] + list("ăâđêôơưạảãáàặẩẫấầệểễếềộổỗốồợởỡớờựửữứừỵỷỹýỳ \t\n0123456789")
    pool += [chr(rng.randrange(0x2500, sys.maxunicode)) for _ in range(3000)]
    return ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 60))) for _ in range(count)]


def test_fold_and_search_terms_give_what_the_plain_definitions_give():
    for text in SAMPLES + _random_texts(3000):
        assert fold(text) == plain_fold(text), repr(text)
        assert search_terms(text) == search_terms(text, fold(text)) == plain_search_terms(text), repr(text)


def test_refused_character_is_the_first_control_format_or_surrogate():
    for text in SAMPLES + ["ok\x00", "\ud800", "a\u00adb", "\ue000 private", "\u2028"] + _random_texts(500):
        first = next((ch for ch in text if unicodedata.category(ch) in _REFUSED_CATEGORIES), None)
        assert refused_character(text) == first, repr(text)
