"""Follow-up surveys of an event: the questionnaire, who was invited, and what was answered.

Who answered and what they answered are kept apart. ``SurveyInvitation`` knows the person and whether
the personal link was used; ``SurveyResponse`` holds the answers. In a named survey the response points
to its invitation (so the person can edit it until closing). In an anonymous survey it does not, and
nothing else links the two either: see ``SurveyResponse``.
"""

from __future__ import annotations

__all__ = ["Survey", "SurveyAnswer", "SurveyAudience", "SurveyInvitation", "SurveyQuestion", "SurveyQuestionKind",
           "SurveyResponse", "SurveySection", "SurveyState"]

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import Base, CreatedBy, LabelledEnum, PkModel, UTCDateTime, enum_column, new_token, utcnow
from dialogue.models.event import Event


class SurveyQuestionKind(LabelledEnum):
    RATING = "rating"                  # 1-5
    NPS = "nps"                        # 0-10, "how likely are you to recommend"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"


# Kinds whose answer another question may depend on ("show only if ...").
CONDITION_SOURCE_KINDS = (SurveyQuestionKind.RATING, SurveyQuestionKind.NPS, SurveyQuestionKind.SINGLE_CHOICE,
                          SurveyQuestionKind.MULTIPLE_CHOICE, SurveyQuestionKind.YES_NO)
CHOICE_KINDS = (SurveyQuestionKind.SINGLE_CHOICE, SurveyQuestionKind.MULTIPLE_CHOICE)
TEXT_KINDS = (SurveyQuestionKind.SHORT_TEXT, SurveyQuestionKind.LONG_TEXT)


class SurveyAudience(LabelledEnum):
    REGISTERED = "registered"     # every confirmed registration
    CHECKED_IN = "checked_in"     # confirmed and checked in at the door
    HAD_MEETING = "had_meeting"   # confirmed and had at least one one-to-one meeting


class SurveyState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Survey(CreatedBy, PkModel):
    """A questionnaire sent to (part of) an event's participants, optionally a later stage of another."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opening"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # A second stage goes months later to the people invited to the first.
    previous_survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"),
                                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[SurveyAudience] = mapped_column(enum_column(SurveyAudience, "survey_audience"),
                                                     default=SurveyAudience.REGISTERED)
    audience_roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # ParticipantRole values; [] = all
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Days after opening on which those who have not answered are reminded, e.g. [3, 7].
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Scheduled reminders already handled, so that ``send-due`` never sends one twice.
    reminders_done: Mapped[list[int]] = mapped_column(JSON, default=list)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # first invitations went out
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    previous_survey: Mapped[Survey | None] = relationship(remote_side="Survey.id")
    sections: Mapped[list[SurveySection]] = relationship(back_populates="survey", cascade="all, delete-orphan",
                                                         order_by="(SurveySection.position, SurveySection.id)")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(SurveyQuestion.position, SurveyQuestion.id)")

    def state(self, now: dt.datetime) -> SurveyState:
        if self.published_at is None:
            return SurveyState.DRAFT
        if now < self.opens_at:
            return SurveyState.SCHEDULED
        if now < self.closes_at:
            return SurveyState.OPEN
        return SurveyState.CLOSED

    def is_open(self, now: dt.datetime) -> bool:
        return self.state(now) == SurveyState.OPEN

    def ordered_questions(self) -> list[SurveyQuestion]:
        """Questions in the order people see them: section by section, then by position."""
        return [q for section in self.sections for q in section.questions]

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.title!r}>"


class SurveySection(PkModel):
    __tablename__ = "survey_sections"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="section", order_by="(SurveyQuestion.position, SurveyQuestion.id)")


class SurveyQuestion(PkModel):
    """One question. Once it has answers its meaning is fixed (see builder.update_question)."""

    __tablename__ = "survey_questions"
    __table_args__ = (CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
                                      name="bounds_in_order"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SurveyQuestionKind] = mapped_column(enum_column(SurveyQuestionKind, "survey_question_kind"))
    text: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # single and multiple choice
    allow_other: Mapped[bool] = mapped_column(Boolean, default=False)  # an "Other: ..." choice with text
    min_value: Mapped[float | None] = mapped_column(Float)  # number questions
    max_value: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Shown only when an earlier question's answer equals (or, for multiple choice, includes) this value.
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"), index=True)
    condition_value: Mapped[str | None] = mapped_column(String(300))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    section: Mapped[SurveySection] = relationship(back_populates="questions")
    condition_question: Mapped[SurveyQuestion | None] = relationship(remote_side="SurveyQuestion.id")

    @property
    def is_conditional(self) -> bool:
        return self.condition_question_id is not None

    def scale(self) -> list[int]:
        """The points of a rating or NPS scale."""
        if self.kind == SurveyQuestionKind.RATING:
            return list(range(1, 6))
        if self.kind == SurveyQuestionKind.NPS:
            return list(range(0, 11))
        return []

    def condition_choices(self) -> list[str]:
        """The values another question may be made to depend on."""
        if self.kind == SurveyQuestionKind.YES_NO:
            return ["yes", "no"]
        if self.kind in CHOICE_KINDS:
            return list(self.options)
        return [str(point) for point in self.scale()]


class SurveyInvitation(PkModel):
    """Who is asked, with the personal link's token, and whether the link has been used.

    In an anonymous survey this is all that is known about a person: that they answered, never what
    nor when (``responded`` is a flag with no time on purpose; see SurveyResponse).
    """

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("survey_id", "user_id"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # NULL once the person erased their account: the invitation still counts in the response rate.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The personal link's secret; NULL once the retention period after closing has passed.
    token: Mapped[str | None] = mapped_column(String(32), unique=True, default=new_token)
    role: Mapped[str | None] = mapped_column(String(32))  # the participant role when invited
    invited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    responded: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the person's place at the event ended or the event was cancelled: the link stops
    # working (``token`` goes) and no reminder follows. The invitation itself stays on record.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    survey: Mapped[Survey] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821


class SurveyResponse(Base):
    """One person's answers.

    Anonymous responses carry nothing that links them to an invitation: no invitation id, no user,
    and no time at all. The key is a random token rather than a serial number, and the answers' key
    is (response, question), so neither an id nor a timestamp reveals in which order responses
    arrived. A coarse date was considered and left out: with reminders logged per person ("Bob was
    reminded on day 7"), a date could still single someone out in a small audience. Listings order
    by the random key, so the order shown is unrelated to the order of arrival.
    """

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_token)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # Named surveys only; SET NULL so that erasing a person keeps the answers, anonymised.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id", ondelete="SET NULL"),
                                                      unique=True)
    role: Mapped[str | None] = mapped_column(String(32))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # named surveys only
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    survey: Mapped[Survey] = relationship()
    invitation: Mapped[SurveyInvitation | None] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                       passive_deletes=True)


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    number: Mapped[float | None] = mapped_column(Float)        # rating, NPS, number
    choices: Mapped[list[str] | None] = mapped_column(JSON)    # single/multiple choice, yes/no
    text: Mapped[str | None] = mapped_column(Text)             # text answers and the "Other" text

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()
