"""An event's invitation list: people told of the consultation, each with a personal link."""

from __future__ import annotations

__all__ = ["EventInvitee", "InviteeSource", "InviteeStatus"]

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, new_token, utcnow
from dialogue.models.event import Event


class InviteeSource(LabelledEnum):
    CSV = "csv"          # imported by the organisers
    SERIES = "series"    # an earlier participant of the event's series


class InviteeStatus(LabelledEnum):
    """Worked out from the data, never set by hand: a registration with the address wins."""

    NOT_SENT = "not_sent"
    NO_ANSWER = "no_answer"
    REGISTERED = "registered"
    DECLINED = "declined"


class EventInvitee(PkModel):
    __tablename__ = "event_invitees"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[InviteeSource] = mapped_column(enum_column(InviteeSource, "invitee_source"),
                                                  default=InviteeSource.CSV)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
