from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import Base, UTCDateTime, utcnow
from dialogue.models.organisation import Organisation, _enum


class IntentStatus(enum.StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    TENDER_PUBLISHED = "tender_published"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"


class ProcedureType(enum.StrEnum):
    OPEN = "open"
    RESTRICTED = "restricted"
    COMPETITIVE_DIALOGUE = "competitive_dialogue"
    NEGOTIATED = "negotiated"
    FRAMEWORK_AGREEMENT = "framework_agreement"
    DYNAMIC_PURCHASING_SYSTEM = "dynamic_purchasing_system"


class Intent(Base):
    """A buyer's announcement of a planned tender (modelled on the prior information notice)."""

    __tablename__ = "intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display
    cpv_main: Mapped[str] = mapped_column(String(10), index=True)  # "30213100-6"
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    procedure_type: Mapped[ProcedureType | None] = mapped_column(_enum(ProcedureType, "procedure_type"))
    planned_notice_date: Mapped[dt.date | None] = mapped_column(Date)
    contract_duration_months: Mapped[int | None] = mapped_column(Integer)
    place_country: Mapped[str | None] = mapped_column(String(2))
    place_nuts: Mapped[str | None] = mapped_column(String(5))
    joint_procurement: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[IntentStatus] = mapped_column(_enum(IntentStatus, "intent_status"), default=IntentStatus.DRAFT)
    tender_url: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Organisation] = relationship()

    @property
    def is_public(self) -> bool:
        return self.status != IntentStatus.DRAFT


class EventIntent(Base):
    """An intent presented at an event."""

    __tablename__ = "event_intents"
    __table_args__ = (UniqueConstraint("event_id", "intent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)

    event: Mapped["Event"] = relationship()  # noqa: F821
    intent: Mapped[Intent] = relationship()
