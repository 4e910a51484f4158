"""The market-readiness matrix of a planned tender: which supplier can meet which criterion, and by when.

The buyer lists the criteria it wants the market's view on (copied from the tender's structured
criteria, then editable); each supplier, manufacturer or reseller answers per criterion until the
closing time. The buyer publishes an anonymised count per criterion, kept as it was at publication
(``published_aggregate``), so every bidder reads the same figures with the same date.
"""

from __future__ import annotations

__all__ = ["ReadinessAnswer", "ReadinessChoice", "ReadinessCriterion", "ReadinessMatrix"]

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import CreatedBy, LabelledEnum, OfOrganisation, PkModel, UTCDateTime, enum_column, utcnow
from dialogue.models.intent import CriterionKind, Intent, IntentCriterion


class ReadinessChoice(LabelledEnum):
    """A supplier's answer to one criterion."""

    MEETS_TODAY = "meets_today"
    CAN_MEET_BY = "can_meet_by"        # with ``by_date``
    CANNOT = "cannot"
    NOT_APPLICABLE = "not_applicable"


class ReadinessMatrix(CreatedBy, PkModel):
    """One per planned tender: the criteria asked about, the closing time and the published aggregate."""

    __tablename__ = "readiness_matrices"

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The counts per criterion as published: {"responding": n, "criteria": [{...}, ...]}.
    published_aggregate: Mapped[dict | None] = mapped_column(JSON)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    intent: Mapped[Intent] = relationship()
    criteria: Mapped[list[ReadinessCriterion]] = relationship(
        back_populates="matrix", cascade="all, delete-orphan",
        order_by="(ReadinessCriterion.position, ReadinessCriterion.id)")

    def is_closed(self, now: dt.datetime) -> bool:
        return now >= self.closes_at


class ReadinessCriterion(PkModel):
    """One row of the matrix, with its own wording: a tender's criterion as the buyer put the question.

    ``kind`` and ``subject`` are copied from the tender's criterion it was made from, because the
    intent's criteria are replaced whenever the intent is edited (the link then goes, the row stays).
    """

    __tablename__ = "readiness_criteria"

    matrix_id: Mapped[int] = mapped_column(ForeignKey("readiness_matrices.id", ondelete="CASCADE"), index=True)
    intent_criterion_id: Mapped[int | None] = mapped_column(
        ForeignKey("intent_criteria.id", ondelete="SET NULL"), index=True)
    kind: Mapped[CriterionKind | None] = mapped_column(enum_column(CriterionKind, "readiness_criterion_kind"))
    subject: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    matrix: Mapped[ReadinessMatrix] = relationship(back_populates="criteria")
    intent_criterion: Mapped[IntentCriterion | None] = relationship()
    answers: Mapped[list[ReadinessAnswer]] = relationship(back_populates="criterion", cascade="all, delete-orphan",
                                                          passive_deletes=True, order_by="ReadinessAnswer.id")


class ReadinessAnswer(OfOrganisation, PkModel):
    """One organisation's answer to one criterion, editable until the matrix closes."""

    __tablename__ = "readiness_answers"
    __table_args__ = (
        UniqueConstraint("criterion_id", "organisation_id"),
        CheckConstraint("(choice = 'can_meet_by') = (by_date IS NOT NULL)", name="by_date_with_can_meet_by"),
        CheckConstraint("(evidence_sha256 IS NULL) = (evidence_filename IS NULL)", name="evidence_file_named"),
    )

    criterion_id: Mapped[int] = mapped_column(ForeignKey("readiness_criteria.id", ondelete="CASCADE"), index=True)
    choice: Mapped[ReadinessChoice] = mapped_column(enum_column(ReadinessChoice, "readiness_choice"))
    by_date: Mapped[dt.date | None] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    # A file kept in the readiness store under its SHA-256, checked as materials are.
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_mimetype: Mapped[str | None] = mapped_column(String(127))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    criterion: Mapped[ReadinessCriterion] = relationship(back_populates="answers")
