from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.events import Level
from shared.text import CleanText, OptionalText

UnitLevel = Literal[Level.PROVINCE.value, Level.DISTRICT.value, Level.COMMUNE.value]  # a unit is never central
UnitAlias = Annotated[CleanText, Field(max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z._-]+$")]


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    parent_code: str | None
    aliases: list[str]

    # Rows saved before null was refused hold NULL: they read as no aliases.
    _null_as_empty = field_validator("aliases", mode="before")(lambda value: value or [])


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="Mã đơn vị hành chính (mã thống kê)")
    name: CleanText = Field(min_length=1, max_length=200, description="Tên, kèm loại: 'Xã Tân Trào'")
    level: UnitLevel
    parent_code: Code | None = None
    aliases: list[UnitAlias] = Field(default_factory=list, max_length=50,
                                     description="Tên cũ, cách viết khác, kèm loại")


def _not_null(value: object) -> object:
    # A PATCH leaves out what it keeps; null would store an empty value the catalog cannot hold.
    if value is None:
        raise ValueError("Không được là null: bỏ trường này nếu không sửa (aliases: [] để xoá hết tên cũ)")
    return value


class UnitUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText | None = Field(default=None, max_length=200)
    parent_code: Code | None = None
    aliases: list[UnitAlias] | None = Field(default=None, max_length=50)

    _refuse_null = field_validator("name", "aliases", mode="before")(_not_null)


class UnitList(BaseModel):
    items: list[UnitOut]


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    unit_code: str
    handles: str


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="<mã đơn vị>.<viết tắt>, ví dụ 08.SGTVT, 076.UBND")
    name: CleanText = Field(min_length=1, max_length=300)
    level: Level
    unit_code: Code
    handles: OptionalText = Field(default=None, max_length=2000, description="Lĩnh vực phụ trách")


class AgencyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText | None = Field(default=None, max_length=300)
    handles: OptionalText = Field(default=None, max_length=2000)

    _refuse_null = field_validator("name", mode="before")(_not_null)


class AgencyList(BaseModel):
    items: list[AgencyOut]
