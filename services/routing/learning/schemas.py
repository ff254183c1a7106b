from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ModelVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    trained_by: str
    active: bool
    threshold: float = Field(description="Độ tin cậy từ đó kiến nghị được giao tự động (chọn bằng kiểm định chéo)")
    base_examples: int
    corrections: int = Field(description="Số kiến nghị do thư ký xác nhận/điều chỉnh mà phiên bản đã học")
    examples_through: int
    training_seconds: float
    figures: dict = Field(description="Kết quả kiểm định chéo k-fold theo nhóm: level, agency, topic, review_share, "
                                      "automatic_precision")
    comparison: dict | None = Field(description="So với phiên bản đang dùng khi huấn luyện, trên cùng các fold")


class TrainingRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    started_at: datetime
    by: str
    running: bool
    finished_at: datetime | None
    version_id: int | None = Field(description="Phiên bản đã huấn luyện (khi xong)")
    activated: bool | None = Field(description="Có được dùng không: chỉ khi kiểm định chéo không kém phiên bản cũ")
    failed: str | None = Field(description="Loại lỗi, nếu huấn luyện thất bại")
