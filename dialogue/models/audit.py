from __future__ import annotations

__all__ = ["AuditEntry"]

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import PkModel, UTCDateTime, utcnow


class AuditEntry(PkModel):
    """A significant action (publish, answer, approve, reject, schedule, export, delete): who, what, when.

    Part of the consultation record a buyer keeps under Art. 84 of Directive 2014/24/EU. The actor's
    name is copied at the time of the action so the record still reads after an account is erased.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_event_created", "event_id", "created_at"),)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_organisation: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))  # "event.publish", "question.answer", ...
    summary: Mapped[str] = mapped_column(String(500))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped["User | None"] = relationship()  # noqa: F821
