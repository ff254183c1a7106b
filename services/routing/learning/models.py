"""What routing learns from: people's decisions kept as labelled examples, and the model versions."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.persistence import BigIntPK, UtcDateTime, utcnow


class TrainingExample(Base):
    """A confirmation, correction or reassignment by the secretariat: the body that is competent.

    Rows are only added; for a petition decided twice the later row is the label (training reads the
    latest per petition), and a model version records the last row id it learnt from.
    """

    __tablename__ = "training_examples"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    petition_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    content: Mapped[str] = mapped_column(Text)  # the petition's text only: no petitioner's data
    unit_code: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str | None] = mapped_column(String(60), nullable=True)
    origin: Mapped[str] = mapped_column(String(20))  # confirmed | corrected | reassigned
    decided_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ModelVersion(Base):
    """A trained routing model with the cross-validated figures it was accepted on."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    trained_by: Mapped[str] = mapped_column(String(200))
    examples_through: Mapped[int] = mapped_column(BigInteger, default=0)  # last training_examples.id learnt
    corrections: Mapped[int] = mapped_column(Integer, default=0)  # petitions decided by people it learnt
    base_examples: Mapped[int] = mapped_column(Integer, default=0)
    threshold: Mapped[float] = mapped_column(Float)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # cross-validated, per group of examples
    comparison: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # against the version active then
    training_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    fingerprint: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    model: Mapped[bytes] = mapped_column(LargeBinary)
