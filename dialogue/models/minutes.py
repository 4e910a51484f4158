"""Minutes of a one-to-one meeting: the buyer's record of what was discussed (Directive 2014/24/EU
Art. 84) and of what it told the supplier about the procurement, which must reach every bidder (Art. 41).

"Information given" is an explicit choice held by the database too: either nothing about the
procurement was given, or the text of what was given.
"""

from __future__ import annotations

__all__ = ["MeetingMinutes"]

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import PkModel, UTCDateTime, utcnow
from dialogue.models.intent import IntentQuestion
from dialogue.models.material import Material
from dialogue.models.meeting import Meeting
from dialogue.models.user import User

_INFORMATION_STATED = ("(no_information_given AND information_given IS NULL) OR "
                       "(NOT no_information_given AND information_given IS NOT NULL)")


class MeetingMinutes(PkModel):
    """One meeting's minutes. Once published, ``published_question`` (the planned tender's public Q&A)
    or ``published_material`` (the event's materials) is where everyone reads the information."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (CheckConstraint(_INFORMATION_STATED, name="information_stated"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    no_information_given: Mapped[bool] = mapped_column(Boolean, default=False)
    information_given: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    published_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("intent_questions.id", ondelete="SET NULL"))
    published_material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    published_question: Mapped[IntentQuestion | None] = relationship()
    published_material: Mapped[Material | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def can_publish(self) -> bool:
        """Something was given and it is not yet public."""
        return not self.no_information_given and not self.is_published
