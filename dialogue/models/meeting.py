"""One-to-one meetings: the organiser's set-up, requests, meetings and their participants.

The rules "nobody is in two meetings at one time" and "a table holds one meeting per slot" are held
by the database as well as by the services: every participant row carries the slot it occupies
(unique per person and slot), and a meeting that is not cancelled holds its table for its slot (a
partial unique index). A cancelled meeting lets go of both.
"""

from __future__ import annotations

__all__ = ["BusySlot", "CalendarFeedToken", "LocationKind", "Meeting", "MeetingBlock", "MeetingInterest",
           "MeetingLocation", "MeetingMode", "MeetingParticipant", "MeetingRequest", "MeetingRequestAttendee",
           "MeetingRequestSlot", "MeetingSettings", "MeetingSide", "MeetingSlot", "MeetingStatus", "RequestStatus",
           "RunStatus", "ScheduleRun"]

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import (
    CreatedBy,
    LabelledEnum,
    OfPerson,
    PkModel,
    UpdatedAt,
    UTCDateTime,
    enum_column,
    new_token,
    utcnow,
)
from dialogue.models.event import Event
from dialogue.models.intent import Intent
from dialogue.models.organisation import Organisation
from dialogue.models.user import User


class MeetingMode(LabelledEnum):
    REQUEST = "request"            # the requester proposes, the other side accepts or declines
    SELF_BOOKING = "self_booking"  # a supplier books a free slot in a buyer's grid
    ORGANISER = "organiser"        # requests are collected, the organiser schedules and publishes


class LocationKind(enum.StrEnum):
    TABLE = "table"
    ROOM = "room"


class RequestStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


OPEN_REQUEST_STATES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class MeetingStatus(enum.StrEnum):
    PROPOSED = "proposed"    # placed by the scheduler, not yet published
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class MeetingSide(enum.StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MeetingSettings(PkModel):
    """How one event runs its one-to-one meetings."""

    __tablename__ = "meeting_settings"
    __table_args__ = (
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_length"),
        CheckConstraint("break_minutes BETWEEN 0 AND 120", name="break_length"),
        CheckConstraint("max_supplier_staff >= 1", name="supplier_staff"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[MeetingMode] = mapped_column(enum_column(MeetingMode, "meeting_mode"), default=MeetingMode.REQUEST)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    break_minutes: Mapped[int] = mapped_column(Integer, default=5)
    request_expiry_hours: Mapped[int] = mapped_column(Integer, default=48)
    # Caps for equal access; None = no cap.
    max_meetings_per_supplier: Mapped[int | None] = mapped_column(Integer)  # per supplier organisation
    max_meetings_per_buyer: Mapped[int | None] = mapped_column(Integer)     # per buyer person
    max_requests_per_supplier: Mapped[int | None] = mapped_column(Integer)  # open requests per organisation
    max_supplier_staff: Mapped[int] = mapped_column(Integer, default=2)     # supplier people in one meeting
    reminder_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # Online meetings: each meeting gets its own room link made from this pattern ("{code}" is replaced).
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    virtual_link_template: Mapped[str | None] = mapped_column(String(300))
    # The auto-scheduler adds a small bonus to requests about a planned tender that fits the supplier.
    use_match_scores: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()


class MeetingBlock(PkModel):
    """A stretch of time within the event for meetings, cut into slots."""

    __tablename__ = "meeting_blocks"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    slots: Mapped[list[MeetingSlot]] = relationship(back_populates="block", cascade="all, delete-orphan",
                                                    order_by="MeetingSlot.starts_at")


class MeetingSlot(PkModel):
    __tablename__ = "meeting_slots"
    __table_args__ = (UniqueConstraint("event_id", "starts_at"),
                      CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("meeting_blocks.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    block: Mapped[MeetingBlock] = relationship(back_populates="slots")


class MeetingLocation(PkModel):
    """A numbered table or a room where meetings take place, for a number of people."""

    __tablename__ = "meeting_locations"
    __table_args__ = (UniqueConstraint("event_id", "label"), CheckConstraint("capacity >= 2", name="capacity"))

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind, "location_kind"), default=LocationKind.TABLE)
    capacity: Mapped[int] = mapped_column(Integer, default=4)
    position: Mapped[int] = mapped_column(Integer, default=0)


class BusySlot(PkModel):
    """A slot in which a person is not available for meetings (everyone is available by default)."""

    __tablename__ = "meeting_busy_slots"
    __table_args__ = (UniqueConstraint("user_id", "slot_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)


class MeetingInterest(PkModel):
    """An intent a buyer wants to discuss in meetings at an event."""

    __tablename__ = "meeting_interests"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "intent_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)

    intent: Mapped[Intent] = relationship()


class MeetingRequest(PkModel):
    """A supplier's or reseller's request to meet a buyer organisation, about an intent or a topic."""

    __tablename__ = "meeting_requests"
    __table_args__ = (
        Index("ix_meeting_requests_event_status", "event_id", "status"),
        CheckConstraint("requester_priority BETWEEN 0 AND 3", name="requester_priority"),
        CheckConstraint("buyer_priority BETWEEN 0 AND 3", name="buyer_priority"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("intents.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    requester_priority: Mapped[int] = mapped_column(Integer, default=2)
    buyer_priority: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "meeting_request_status"),
                                                  default=RequestStatus.PENDING)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship()
    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    supplier_org: Mapped[Organisation] = relationship(foreign_keys=[supplier_org_id])
    buyer_org: Mapped[Organisation] = relationship(foreign_keys=[buyer_org_id])
    intent: Mapped[Intent | None] = relationship()
    preferred_slots: Mapped[list[MeetingRequestSlot]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="MeetingRequestSlot.id")
    attendees: Mapped[list[MeetingRequestAttendee]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="MeetingRequestAttendee.id")
    meeting: Mapped[Meeting | None] = relationship(back_populates="request", uselist=False)

    @property
    def subject(self) -> str:
        return self.intent.title if self.intent is not None else self.topic

    def is_expired(self, now: dt.datetime) -> bool:
        return self.status == RequestStatus.EXPIRED or (
            self.status == RequestStatus.PENDING and self.expires_at is not None and self.expires_at <= now)


class MeetingRequestSlot(PkModel):
    """A slot the requester prefers."""

    __tablename__ = "meeting_request_slots"
    __table_args__ = (UniqueConstraint("request_id", "slot_id"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_requests.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)

    request: Mapped[MeetingRequest] = relationship(back_populates="preferred_slots")
    slot: Mapped[MeetingSlot] = relationship()


class MeetingRequestAttendee(OfPerson, PkModel):
    """A person who will attend if the request becomes a meeting (both sides)."""

    __tablename__ = "meeting_request_attendees"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_requests.id", ondelete="CASCADE"))
    side: Mapped[MeetingSide] = mapped_column(enum_column(MeetingSide, "request_attendee_side"))

    request: Mapped[MeetingRequest] = relationship(back_populates="attendees")


_HOLDS_TABLE = "status <> 'cancelled' AND location_id IS NOT NULL"


class Meeting(CreatedBy, UpdatedAt, PkModel):
    __tablename__ = "meetings"
    __table_args__ = (
        # A table holds one meeting per slot.
        Index("uq_meetings_location_slot", "location_id", "slot_id", unique=True,
              sqlite_where=text(_HOLDS_TABLE), postgresql_where=text(_HOLDS_TABLE)),
        Index("ix_meetings_event_status", "event_id", "status"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_requests.id", ondelete="SET NULL"),
                                                   unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="RESTRICT"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_locations.id", ondelete="SET NULL"))
    virtual_url: Mapped[str | None] = mapped_column(String(500))
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("intents.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus, "meeting_status"),
                                                  default=MeetingStatus.CONFIRMED)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # kept when the scheduler runs again
    # iCalendar SEQUENCE: bumped on every change so calendars update the one entry.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A participant's proposal to move the meeting, waiting for the other side.
    reschedule_slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="SET NULL"))
    reschedule_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reschedule_note: Mapped[str | None] = mapped_column(Text)
    # "Did not take place", reported by either side after the meeting.
    no_show_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    no_show_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    no_show_note: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship()
    request: Mapped[MeetingRequest | None] = relationship(back_populates="meeting")
    slot: Mapped[MeetingSlot] = relationship(foreign_keys=[slot_id])
    location: Mapped[MeetingLocation | None] = relationship()
    supplier_org: Mapped[Organisation] = relationship()
    intent: Mapped[Intent | None] = relationship()
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(MeetingParticipant.side, MeetingParticipant.id)")
    reschedule_slot: Mapped[MeetingSlot | None] = relationship(foreign_keys=[reschedule_slot_id])
    reschedule_by: Mapped[User | None] = relationship(foreign_keys=[reschedule_by_id])
    no_show_by: Mapped[User | None] = relationship(foreign_keys=[no_show_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])

    @property
    def subject(self) -> str:
        return self.intent.title if self.intent is not None else self.topic

    @property
    def is_active(self) -> bool:
        return self.status != MeetingStatus.CANCELLED

    def side_of(self, user_id: int) -> MeetingSide | None:
        for participant in self.participants:
            if participant.user_id == user_id:
                return participant.side
        return None

    def people(self, side: MeetingSide) -> list[User]:
        """The people of one side who still have an account (an erased person is known by organisation only)."""
        return [p.user for p in self.participants if p.side == side and p.user is not None]


class MeetingParticipant(PkModel):
    """A person in a meeting. ``slot_id`` is the slot the person is held in; None once cancelled."""

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),
                      # Nobody is in two meetings at one time.
                      UniqueConstraint("user_id", "slot_id"))

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # NULL once the person erased their account: the meeting held between the organisations stays on record.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    side: Mapped[MeetingSide] = mapped_column(enum_column(MeetingSide, "meeting_side"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="RESTRICT"), index=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


_ACTIVE_RUN_SQL = "status IN ('queued', 'running')"


class ScheduleRun(CreatedBy, PkModel):
    """One run of the auto-scheduler, with its progress and its report.

    One active (queued or running) run per event, held by a partial unique index. A running run
    writes ``heartbeat_at`` at least every few seconds; one that stopped writing is taken as dead.
    """

    __tablename__ = "meeting_schedule_runs"
    __table_args__ = (
        Index("uq_meeting_schedule_runs_active_event", "event_id", unique=True,
              sqlite_where=text(_ACTIVE_RUN_SQL), postgresql_where=text(_ACTIVE_RUN_SQL)),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus, "schedule_run_status"), default=RunStatus.QUEUED)
    time_limit: Mapped[int] = mapped_column(Integer, default=30)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # per cent of the time limit
    message: Mapped[str] = mapped_column(String(300), default="")
    # What the run says, as written by the worker, and its source, translated for each reader (core/deferred.py).
    message_source: Mapped[dict | None] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class CalendarFeedToken(PkModel):
    """The secret in a person's calendar feed address. Regenerating it revokes the old address."""

    __tablename__ = "calendar_feed_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
