"""Where a petition is about: administrative units named in its text, else the petition's unit.

Units are recognised with their kind word ("xã Tân Trào", "huyện Hàm Yên", "TP Tuyên Quang"), with
or without diacritics, and with their old names and spelling variants (aliases from the catalog:
"xã Hồng Lạc" → xã Hồng Sơn, "thị trấn Tân Bình" → phường Đội Cấn, "Quý Quân" = "Quí Quân").
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from services.routing.classification.text import PreparedText, accented
from shared.text import fold

# Kind words → the tier they name. Xã, phường and thị trấn are one tier: units change between them.
KIND_WORDS = {
    "commune": ["xã", "phường", "thị trấn", "tt", "tt."],
    "district": ["huyện", "thành phố", "tp", "tp.", "thị xã"],
    "province": ["tỉnh"],
}
LEVEL_TIER = {"commune": "commune", "district": "district", "province": "province"}


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    level: str  # province | district | commune
    parent: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    unit_code: str
    level: str
    text: str
    start: int


@dataclass
class Place:
    commune: str | None = None
    district: str | None = None
    source: str = "none"  # text | petition | none
    mentions: list[Mention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_kind(name: str) -> tuple[str | None, str]:
    """'Xã Tân Trào' → ('commune', 'Tân Trào'); the kind is read from the first words."""
    lowered = accented(name)
    for tier, words in KIND_WORDS.items():
        for word in sorted(words, key=len, reverse=True):
            if lowered.startswith(word + " "):
                return tier, name.strip()[len(word) + 1:].strip()
    return None, name.strip()


class Gazetteer:
    def __init__(self, units: list[UnitRecord]):
        self.units = {u.code: u for u in units}
        self._keys: dict[tuple[str, str], list[str]] = defaultdict(list)  # (tier, folded name) → codes
        for unit in units:
            for label in (unit.name, *unit.aliases):
                tier, base = split_kind(label)
                tier = tier or LEVEL_TIER.get(unit.level, unit.level)
                codes = self._keys[(tier, fold(base))]
                if unit.code not in codes:
                    codes.append(unit.code)
        self._accented_names = sorted({accented(split_kind(l)[1]) for u in units for l in (u.name, *u.aliases)},
                                      key=len, reverse=True)
        self._pattern_accented = self._compile(self._accented_names, accented)
        self._pattern_folded = self._compile([fold(n) for n in self._accented_names], fold)

    @staticmethod
    def _compile(names: list[str], form) -> re.Pattern:
        kinds = sorted({form(w) for words in KIND_WORDS.values() for w in words}, key=len, reverse=True)
        kind_alt = "|".join(re.escape(k) for k in kinds)
        name_alt = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<!\w)({kind_alt})\s*({name_alt})(?!\w)")

    def mentions(self, text: PreparedText) -> list[Mention]:
        pattern, form = (self._pattern_accented, text.accented.text) if text.marked else \
            (self._pattern_folded, text.folded.text)
        found: list[Mention] = []
        for match in pattern.finditer(form):
            tier = self._tier_of(match.group(1))
            for code in self._keys.get((tier, fold(match.group(2))), []):
                found.append(Mention(code, self.units[code].level, match.group(0), match.start()))
        return found

    @staticmethod
    def _tier_of(kind: str) -> str:
        folded = fold(kind)
        for tier, words in KIND_WORDS.items():
            if folded in {fold(w) for w in words}:
                return tier
        return "commune"

    def district_of(self, code: str | None) -> str | None:
        unit = self.units.get(code or "")
        if unit is None:
            return None
        if unit.level == "district":
            return unit.code
        return unit.parent if unit.level == "commune" else None

    def resolve(self, text: PreparedText, unit_code: str | None) -> Place:
        """Units named in the text first (the most specific wins), else the petition's own unit."""
        mentions = self.mentions(text)
        fallback = self.units.get(unit_code or "")
        place = Place(mentions=mentions)
        communes = [m for m in mentions if m.level == "commune"]
        districts = [m.unit_code for m in mentions if m.level == "district"]
        if communes:
            chosen = self._pick_commune(communes, districts, fallback)
            place.commune, place.district, place.source = chosen.unit_code, self.district_of(chosen.unit_code), "text"
            if len({m.unit_code for m in communes}) > 1:
                place.notes.append("nội dung nêu nhiều xã/phường")
            return place
        if districts:
            place.district, place.source = districts[0], "text"
            if fallback is not None and fallback.level == "commune" and fallback.parent == districts[0]:
                place.commune = fallback.code
            return place
        if fallback is not None and fallback.level in ("commune", "district"):
            place.commune = fallback.code if fallback.level == "commune" else None
            place.district, place.source = self.district_of(fallback.code), "petition"
        return place

    def _pick_commune(self, communes: list[Mention], districts: list[str], fallback: UnitRecord | None) -> Mention:
        """Prefer a commune inside a district the text names, then inside the meeting's district."""
        home = self.district_of(fallback.code) if fallback else None
        for wanted in (*districts, home):
            for mention in communes:
                if wanted and self.district_of(mention.unit_code) == wanted:
                    return mention
        return communes[0]
