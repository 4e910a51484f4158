"""Buyer groups: public buyers and networks that state their demand together and share criteria.

A group has member organisations, one or more of them coordinators. Its joint statement of demand is
kept as numbered versions (a text per language), each signed separately by member organisations. Its
library of harmonised criteria keeps every version of every criterion, so a tender that adopted
version 2 can still be compared with it after the library moved on.
"""

from __future__ import annotations

__all__ = ["BuyerGroup", "GroupMember", "HarmonisedCriterion", "HarmonisedCriterionVersion", "StatementSignature",
           "StatementVersion", "Verification"]

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import CreatedBy, LabelledEnum, OfOrganisation, PkModel, UTCDateTime, enum_column, utcnow
from dialogue.models.intent import CriterionKind

STATEMENT_LANGUAGES = ("fi", "sv", "en")


class Verification(LabelledEnum):
    """How a bidder shows it meets a harmonised criterion."""

    LABEL = "label"
    AFFILIATION = "affiliation"
    THIRD_PARTY_AUDIT = "third_party_audit"
    SELF_DECLARATION = "self_declaration"
    DOCUMENTATION = "documentation"


class BuyerGroup(CreatedBy, PkModel):
    __tablename__ = "buyer_groups"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display

    members: Mapped[list[GroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                      order_by="GroupMember.id")
    statements: Mapped[list[StatementVersion]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                              order_by="StatementVersion.version")
    criteria: Mapped[list[HarmonisedCriterion]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                               order_by="HarmonisedCriterion.position, "
                                                                        "HarmonisedCriterion.id")

    @property
    def current_statement(self) -> StatementVersion | None:
        return self.statements[-1] if self.statements else None


class GroupMember(OfOrganisation, PkModel):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "organisation_id"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("buyer_groups.id", ondelete="CASCADE"), index=True)
    coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[BuyerGroup] = relationship(back_populates="members")


class StatementVersion(CreatedBy, PkModel):
    """One version of the joint statement of demand: ``texts`` maps a language code to Markdown."""

    __tablename__ = "statement_versions"
    __table_args__ = (UniqueConstraint("group_id", "version"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("buyer_groups.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    texts: Mapped[dict] = mapped_column(JSON, default=dict)

    group: Mapped[BuyerGroup] = relationship(back_populates="statements")
    signatures: Mapped[list[StatementSignature]] = relationship(
        back_populates="statement", cascade="all, delete-orphan",
        order_by="(StatementSignature.signed_on, StatementSignature.id)")

    @property
    def languages(self) -> list[str]:
        return [code for code in STATEMENT_LANGUAGES if (self.texts or {}).get(code)]

    def text_for(self, language: str | None) -> tuple[str, str]:
        """(language, text): the reader's language when given, else the first one given."""
        texts = self.texts or {}
        if language in texts and texts[language]:
            return language, texts[language]
        for code in STATEMENT_LANGUAGES:
            if texts.get(code):
                return code, texts[code]
        return "", ""


class StatementSignature(OfOrganisation, PkModel):
    __tablename__ = "statement_signatures"
    __table_args__ = (UniqueConstraint("statement_id", "organisation_id"),)

    statement_id: Mapped[int] = mapped_column(ForeignKey("statement_versions.id", ondelete="CASCADE"), index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    statement: Mapped[StatementVersion] = relationship(back_populates="signatures")


class HarmonisedCriterion(PkModel):
    """A criterion of a group's library, as it reads now; every version is kept in ``versions``."""

    __tablename__ = "harmonised_criteria"

    group_id: Mapped[int] = mapped_column(ForeignKey("buyer_groups.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "harmonised_kind"))
    verification: Mapped[Verification] = mapped_column(enum_column(Verification, "harmonised_verification"))
    subject: Mapped[str | None] = mapped_column(String(40))  # as IntentCriterion.subject
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[BuyerGroup] = relationship(back_populates="criteria")
    versions: Mapped[list[HarmonisedCriterionVersion]] = relationship(
        back_populates="criterion", cascade="all, delete-orphan", order_by="HarmonisedCriterionVersion.version")

    def at_version(self, number: int | None) -> HarmonisedCriterionVersion | None:
        return next((v for v in self.versions if v.version == number), None)


class HarmonisedCriterionVersion(PkModel):
    """A criterion as it read at one version, with who saved it."""

    __tablename__ = "harmonised_criterion_versions"
    __table_args__ = (UniqueConstraint("criterion_id", "version"),)

    criterion_id: Mapped[int] = mapped_column(ForeignKey("harmonised_criteria.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "harmonised_version_kind"))
    verification: Mapped[Verification] = mapped_column(enum_column(Verification, "harmonised_version_verification"))
    subject: Mapped[str | None] = mapped_column(String(40))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    criterion: Mapped[HarmonisedCriterion] = relationship(back_populates="versions")
