"""Several requests in one petition: each further request's competent body co-operates (phối hợp).

The lead body is the one for the whole petition (its main request); each other clause that opens
with a request of its own ("…; đồng thời đề nghị nâng cấp …", "…. Sửa chữa …") is run through the
competence rules, and a body they name that differs from the lead is listed as co-operating.
"""

import re

from services.routing.classification.features import leading_verb, request_body
from services.routing.classification.rulebook import Outcome, Rulebook
from services.routing.classification.text import PreparedText
from shared.text import fold

_CLAUSES = re.compile(r";|\.\s+(?=[A-ZĐÀ-Ỹ])|\n+|,?\s+đồng thời\s+|\s+-\s+(?=[A-ZĐÀ-Ỹ])")
MIN_WORDS = 4
_ASKING = re.compile(r"^.{0,200}?\b(de nghi|kien nghi|yeu cau|de xuat|mong muon)\b\s*:?\s*")  # "Cử tri … đề nghị"


def request_clauses(content: str) -> list[str]:
    """The clauses of a petition that make a request of their own (the first one included)."""
    parts = [p.strip(" .,:") for p in _CLAUSES.split(content)]
    clauses = []
    for part in parts:
        if len(part.split()) < MIN_WORDS:
            continue
        _compiled, body = request_body(fold(part))
        body = _ASKING.sub("", body, count=1)
        if leading_verb(body) != "none":
            clauses.append(part)
    return clauses


def cooperating_outcomes(rulebook: Rulebook, content: str) -> list[Outcome]:
    """For a petition of two or more requests: the outcome of the first rule that decides each request."""
    clauses = request_clauses(content)
    if len(clauses) < 2:
        return []
    outcomes = []
    for clause in clauses:
        text = PreparedText.of(clause)
        matching = [rule for rule in rulebook.rules if rule.outcome is not None and rule.match(text) is not None]
        if matching:
            outcomes.append(max(matching, key=lambda r: (r.priority, r.confidence)).outcome)
    return outcomes
