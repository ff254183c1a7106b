from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.text import CleanText

Reason = CleanText


class WithdrawalIn(BaseModel):
    """Withdrawing a session, meeting or petition (rút): it stays on record, marked withdrawn."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(min_length=1, max_length=2000, description="Lý do rút")


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="corrected: đính chính; withdrawn: rút")
    at: datetime
    by: str
    reason: str
    changes: dict = Field(description="Trường đã đổi: {trường: {from, to}}")


class WithdrawnFields(BaseModel):
    """What every withdrawable record shows about its withdrawal."""

    withdrawn: bool = False
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None
