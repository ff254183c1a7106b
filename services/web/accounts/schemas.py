"""Request and answer bodies of the accounts API (the administrators' page calls it)."""

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.text import CleanText, OptionalText

_USERNAME = re.compile(r"^[\w.@-]{3,100}$")


def _username(value: str) -> str:
    if not _USERNAME.fullmatch(value):
        raise ValueError("Tên đăng nhập gồm 3–100 chữ, số hoặc . _ - @ (không dấu cách)")
    return value


Username = Annotated[CleanText, AfterValidator(_username)]
Role = Literal["secretariat", "agency", "committee", "admin"]
# Passwords are taken exactly as typed (never normalised): only their length is checked here.
Password = Annotated[str, Field(max_length=200)]


class Credentials(BaseModel):
    username: Annotated[str, Field(max_length=100)]
    password: Password


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    full_name: Annotated[CleanText, Field(min_length=1, max_length=200)]
    role: Role
    agency: Annotated[OptionalText, Field(max_length=50)] = None
    password: Password


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    full_name: Annotated[CleanText, Field(min_length=1, max_length=200)] | None = None
    role: Role | None = None
    agency: Annotated[OptionalText, Field(max_length=50)] = None
    disabled: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Password


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    username: str
    full_name: str
    role: str
    agency: str | None
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None
    signs_in_with_password: bool


class Me(BaseModel):
    username: str
    full_name: str
    role: str
    agency: str | None
    expires_at: datetime
