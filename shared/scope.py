"""One rule in every service: an agency sees (and changes) only what is assigned to it; others see all."""

from shared.auth import Principal
from shared.errors import forbidden


def sees(user: Principal, agency_code: str | None) -> bool:
    return user.role != "agency" or agency_code == user.agency


def ensure_sees(user: Principal, agency_code: str | None, refusal: str) -> None:
    """A 403 with `refusal` when an agency asks for what another agency holds."""
    if not sees(user, agency_code):
        raise forbidden(refusal)


def agency_filter(user: Principal, asked: str | None, refusal: str) -> str | None:
    """The agency a list is narrowed to: an agency's own (asking for another's is a 403), else what was asked."""
    if user.role != "agency":
        return asked
    if asked not in (None, user.agency):
        raise forbidden(refusal)
    return user.agency
