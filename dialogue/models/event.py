from __future__ import annotations

__all__ = ["AgendaSession", "Event", "EventCoHost", "EventFormat", "EventStaff", "EventStatus", "RoleCapacity",
           "SessionKind", "SessionSpeaker", "StaffRole"]

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import (
    CreatedBy,
    LabelledEnum,
    OfOrganisation,
    OfPerson,
    PkModel,
    UpdatedAt,
    UTCDateTime,
    enum_column,
)


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REGISTRATION_CLOSED = "registration_closed"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class EventFormat(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class StaffRole(enum.StrEnum):
    ORGANISER = "organiser"   # full management of the event
    CHECKIN = "checkin"       # the door only


class SessionKind(LabelledEnum):
    BUYER_PRESENTATION = "buyer_presentation"
    SUPPLIER_PITCH = "supplier_pitch"
    PANEL = "panel"
    WORKSHOP = "workshop"
    BREAK = "break"
    ONE_TO_ONE = "one_to_one"
    OTHER = "other"


class Event(CreatedBy, UpdatedAt, PkModel):
    """A market-dialogue event, co-hosted by one or more public-buyer organisations."""

    __tablename__ = "events"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display
    format: Mapped[EventFormat] = mapped_column(enum_column(EventFormat, "event_format"), default=EventFormat.IN_PERSON)
    venue: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(500))
    online_url: Mapped[str | None] = mapped_column(String(500))  # shown to registered participants only
    timezone: Mapped[str] = mapped_column(String(64))  # IANA zone for display
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancellation_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    capacity: Mapped[int | None] = mapped_column(Integer)  # total (in person at a hybrid event); None = unlimited
    online_capacity: Mapped[int | None] = mapped_column(Integer)  # online places of a hybrid event; None = unlimited
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus, "event_status"), default=EventStatus.DRAFT)
    # Bumped whenever times or place change, for iCalendar SEQUENCE.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # The series the event belongs to (at most one), and when its followers were told of it.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"), index=True)
    series_announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    cohosts: Mapped[list[EventCoHost]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                      order_by="EventCoHost.id")
    staff: Mapped[list[EventStaff]] = relationship(back_populates="event", cascade="all, delete-orphan")
    sessions: Mapped[list[AgendaSession]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                         order_by="(AgendaSession.starts_at, AgendaSession.id)")
    role_capacities: Mapped[list[RoleCapacity]] = relationship(back_populates="event",
                                                               cascade="all, delete-orphan")

    @hybrid_property
    def is_public(self) -> bool:
        """What an anonymous visitor may see: every event but a draft (``Event.is_public`` in a query)."""
        return self.status != EventStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventCoHost(OfOrganisation, PkModel):
    __tablename__ = "event_cohosts"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)

    event: Mapped[Event] = relationship(back_populates="cohosts")


class EventStaff(OfPerson, PkModel):
    """A person of a co-host given a role on one event: organiser (everything) or check-in only."""

    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))

    event: Mapped[Event] = relationship(back_populates="staff")


class AgendaSession(PkModel):
    __tablename__ = "agenda_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, "session_kind"), default=SessionKind.OTHER)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    room: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list[SessionSpeaker]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                          order_by="SessionSpeaker.id")


class SessionSpeaker(OfPerson, PkModel):
    __tablename__ = "session_speakers"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)

    session: Mapped[AgendaSession] = relationship(back_populates="speakers")


class RoleCapacity(PkModel):
    """At most N registrations of one participant role (e.g. 40 suppliers)."""

    __tablename__ = "event_role_capacities"
    __table_args__ = (UniqueConstraint("event_id", "role"), CheckConstraint("capacity >= 0", name="non_negative"))

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))  # a ParticipantRole value
    capacity: Mapped[int] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="role_capacities")
