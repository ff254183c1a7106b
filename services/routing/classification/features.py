"""What the routing model reads of a petition: its words with places masked, and the rules' signals.

Place names are masked ("xã Yên Hoa" → "xa _noi"): the unit comes from the gazetteer, and a model
that learnt names would route by where a petition came from instead of what it asks.
"""

import re
from dataclasses import dataclass

from shared.text import fold

# A kind word followed by a capitalised name (or a number: "tổ 13"); Vietnamese capitals included.
_PLACE = re.compile(
    r"(?i:\b(xã|phường|thị trấn|huyện|thành phố|tp\.?|thị xã|tỉnh|thôn|xóm|bản|tổ dân phố|tổ|khu phố|ấp|khu|"
    r"bến|cầu|sông|suối|cánh đồng|xứ đồng|đồng))\s+((?:[A-ZĐÀ-Ỹ0-9][\wÀ-ỹ.]*(?:\s+|,\s*(?=[A-ZĐÀ-Ỹ]))?)+)",
)
_HEADER = re.compile(r"^\s*cu tri .{0,200}?(de nghi|kien nghi|phan anh|de xuat|mong muon)\s*:")
_REQUEST_OPENERS = ("de nghi", "xem xet", "som", "tiep tuc", "khan truong", "nghien cuu", "quan tam",
                    "co phuong an", "co co che", "co ke hoach", "co chinh sach", "day nhanh", "tinh", "nha nuoc")
REQUEST_VERBS = ("dau tu", "ho tro", "xay dung", "xay", "nang cap", "sua chua", "lam", "mo", "cai tao", "khac phuc",
                 "cap", "dieu chinh", "giai quyet", "kiem tra", "tang", "nang muc", "bo tri", "di chuyen", "lap",
                 "thu hoi", "chi tra", "boi thuong", "den bu", "giu lai", "trien khai", "thanh ly", "mo rong",
                 "chuyen", "ra soat", "cho phep", "quy hoach", "lap dat", "lap", "chan chinh", "xu ly")
_VERB = re.compile(r"^(?:(?:%s),?\s+)*(%s)\b" % ("|".join(_REQUEST_OPENERS),
                                                 "|".join(sorted(REQUEST_VERBS, key=len, reverse=True))))


@dataclass(frozen=True)
class RuleSignals:
    """What the competence rules saw: every rule that matched and the route they would decide."""

    matched_rules: tuple[str, ...]
    deciding_rule: str  # the first rule that names a body, or "default" / "fallback"
    rule_route: str
    rule_source: str  # rule | default | fallback
    rule_topic: str | None
    addressed: str | None
    place_source: str
    several_communes: bool


def masked_words(content: str) -> str:
    """Folded text with place names replaced by their kind ("thon _noi")."""
    return fold(_PLACE.sub(lambda m: f"{m.group(1)} _noi ", content))


def request_body(folded: str) -> tuple[bool, str]:
    """(whether the text opens with the compiled-list header "Cử tri xã X, huyện Y đề nghị:", the request)."""
    header = _HEADER.match(folded)
    return (True, folded[header.end():].strip()) if header else (False, folded)


def leading_verb(body: str) -> str:
    match = _VERB.match(body)
    return match.group(1) if match else "none"


def signal_features(folded: str, signals: RuleSignals) -> dict[str, float]:
    """Rule hits and the rules' route as features, and their crossing with the way a petition is written.

    Petitions copied from a compiled list ("Cử tri xã X, huyện Y đề nghị: Đầu tư ...") are the ones the
    province answers, so the same rule can mean another body there: the crossings let the model learn it.
    """
    compiled, body = request_body(folded)
    style = "list" if compiled else "free"
    verb = leading_verb(body)
    features = {f"rule={rule}": 1.0 for rule in signals.matched_rules}
    features.update({
        f"route={signals.rule_route}": 1.0, f"source={signals.rule_source}": 1.0,
        f"rule_topic={signals.rule_topic}": 1.0, f"addressed={signals.addressed}": 1.0,
        f"place={signals.place_source}": 1.0, f"style={style}": 1.0, f"verb={verb}": 1.0,
        f"style_verb={style}|{verb}": 1.0, f"style_route={style}|{signals.rule_route}": 1.0,
        f"verb_route={verb}|{signals.rule_route}": 1.0,
    })
    if signals.several_communes:
        features["several_communes"] = 1.0
    return features
