from __future__ import annotations

__all__ = ["OutboxAttachment", "OutboxMessage", "OutboxStatus"]

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, utcnow


class OutboxStatus(LabelledEnum):
    QUEUED = "queued"      # waiting for its next attempt
    SENDING = "sending"    # claimed by a worker under a lease
    SENT = "sent"
    FAILED = "failed"      # gave up after the last attempt


class OutboxMessage(PkModel):
    """A mail written in the same transaction as the change it reports, sent later by a worker."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    # Extra mail headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # What the message is about, for delivery status pages ("auth.verify", "registration.confirmed").
    category: Mapped[str] = mapped_column(String(64), default="general", index=True)
    # The event a message is about, so its organisers can follow delivery of the event's mail.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The claim that holds the lease: a worker sends and records a message only while it is its own.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id")


class OutboxAttachment(PkModel):
    __tablename__ = "outbox_attachments"

    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # Full MIME type including parameters, e.g. "text/calendar; method=REQUEST".
    content_type: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
