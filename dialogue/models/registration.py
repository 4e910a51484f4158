from __future__ import annotations

__all__ = ["ACTIVE_STATES", "Attendance", "ParticipantRole", "QuestionKind", "Registration", "RegistrationAnswer",
           "RegistrationQuestion", "RegistrationState"]

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, new_token, utcnow
from dialogue.models.event import Event
from dialogue.models.organisation import Organisation


class ParticipantRole(LabelledEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"
    RESELLER = "reseller"
    OBSERVER = "observer"
    SPEAKER = "speaker"

    @property
    def plural(self):
        """The role's people as a group ("Suppliers"), in the reader's language."""
        return ROLE_PLURALS[self]


ROLE_PLURALS = {ParticipantRole.BUYER: _l("Buyers"), ParticipantRole.SUPPLIER: _l("Suppliers"),
                ParticipantRole.RESELLER: _l("Resellers"), ParticipantRole.OBSERVER: _l("Observers"),
                ParticipantRole.SPEAKER: _l("Speakers")}


class RegistrationState(LabelledEnum):
    PENDING = "pending"          # waiting for an organiser's approval
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Attendance(LabelledEnum):
    """How a registrant of a hybrid event takes part; each way has its own places and waiting list."""

    IN_PERSON = "in_person"
    ONLINE = "online"


# A person holds at most one registration in these states per event.
ACTIVE_STATES = (RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)
_ACTIVE_SQL = "state IN ('pending', 'confirmed', 'waitlisted')"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class RegistrationQuestion(PkModel):
    """An organiser's question on the registration form, for one role or for all."""

    __tablename__ = "registration_questions"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))  # None: every role
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(String(500))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship()


class Registration(PkModel):
    __tablename__ = "registrations"
    __table_args__ = (
        Index("uq_registrations_active_person", "event_id", "user_id", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        Index("ix_registrations_event_state_role", "event_id", "state", "role"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole, "participant_role"))
    state: Mapped[RegistrationState] = mapped_column(enum_column(RegistrationState, "registration_state"))
    # In person or online, for a hybrid event only (empty otherwise).
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance, "attendance"))
    ticket_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    # Consent to appear in the participant list: when, which wording, and when withdrawn.
    list_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    list_consent_version: Mapped[str | None] = mapped_column(String(32))
    list_consent_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The organisers let the person take part in a role outside their organisation's kind (why, who, when).
    role_exception_reason: Mapped[str | None] = mapped_column(Text)
    role_exception_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role_exception_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Set when the role was found not to fit the organisation's kind; cleared when an organiser decides.
    role_flagged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # How far this person's own calendar entry for the event has moved on (added to the event's
    # SEQUENCE): one more for each cancellation sent, and a new registration starts above the
    # person's earlier ones, so an entry sent again after a CANCEL is not ignored. Empty until
    # the first invitation.
    invitation_sequence: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship()
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])  # noqa: F821
    role_exception_by: Mapped["User | None"] = relationship(foreign_keys=[role_exception_by_id])  # noqa: F821
    organisation: Mapped[Organisation | None] = relationship()
    answers: Mapped[list[RegistrationAnswer]] = relationship(back_populates="registration",
                                                             cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def has_role_exception(self) -> bool:
        return self.role_exception_at is not None

    @property
    def needs_role_review(self) -> bool:
        return self.role_flagged_at is not None and self.is_active

    @property
    def listed(self) -> bool:
        """Shown in the participant list: consented and not withdrawn."""
        return self.list_consent_at is not None and self.list_consent_withdrawn_at is None


class RegistrationAnswer(PkModel):
    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("registration_questions.id", ondelete="CASCADE"),
                                             index=True)
    value: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[RegistrationQuestion] = relationship()
