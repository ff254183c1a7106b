from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.text import clean

CleanText = Annotated[str, AfterValidator(clean)]
UnitLevel = Literal["province", "district", "commune"]
AgencyLevel = Literal["central", "province", "district", "commune"]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z._-]+$")]


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    parent_code: str | None
    aliases: list[str]


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="Mã đơn vị hành chính (mã thống kê)")
    name: CleanText = Field(min_length=1, max_length=200, description="Tên, kèm loại: 'Xã Tân Trào'")
    level: UnitLevel
    parent_code: Code | None = None
    aliases: list[CleanText] = Field(default_factory=list, description="Tên cũ, cách viết khác, kèm loại")


class UnitUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText | None = Field(default=None, min_length=1, max_length=200)
    parent_code: Code | None = None
    aliases: list[CleanText] | None = None


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
    level: AgencyLevel
    unit_code: Code
    handles: CleanText = Field(default="", max_length=2000, description="Lĩnh vực phụ trách")


class AgencyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanText | None = Field(default=None, min_length=1, max_length=300)
    handles: CleanText | None = Field(default=None, max_length=2000)


class AgencyList(BaseModel):
    items: list[AgencyOut]
