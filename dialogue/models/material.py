"""Presentations and documents shared at an event, in one of its sessions, or with a planned tender."""

from __future__ import annotations

__all__ = ["Material", "MaterialDownload", "MaterialReminder", "MaterialVersion", "MaterialVisibility"]

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, utcnow
from dialogue.models.event import AgendaSession, Event
from dialogue.models.intent import Intent
from dialogue.models.organisation import Organisation


class MaterialVisibility(LabelledEnum):
    """Who may see an item; the labels speak of an event (an intent's wording is in materials/forms.py)."""

    PUBLIC = "public"
    PARTICIPANTS = "participants"  # registered (confirmed) participants of the event; the default
    ORGANISERS = "organisers"      # the event's organisers, or the buyer's own staff for an intent


class Material(PkModel):
    """One item (slides, a draft specification, a recording) whose content lives in its versions.

    Attached to an event (optionally to one of its sessions) or to an intent. Removal is recorded,
    not erased: the record of what was published and when stays for the procurement file, while
    the stored content is purged.
    """

    __tablename__ = "materials"
    __table_args__ = (
        CheckConstraint("(event_id IS NULL) <> (intent_id IS NULL)", name="event_or_intent"),
        CheckConstraint("session_id IS NULL OR event_id IS NOT NULL", name="session_within_event"),
    )

    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # A deleted session leaves its materials on the event rather than losing them.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="SET NULL"),
                                                   index=True)
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")  # ISO 639-1
    visibility: Mapped[MaterialVisibility] = mapped_column(enum_column(MaterialVisibility, "material_visibility"),
                                                           default=MaterialVisibility.PARTICIPANTS)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The uploader's organisation when it was uploaded: its administrators may manage the item.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    session: Mapped[AgendaSession | None] = relationship()
    intent: Mapped[Intent | None] = relationship()
    uploaded_by: Mapped["User | None"] = relationship(foreign_keys=[uploaded_by_id])  # noqa: F821
    organisation: Mapped[Organisation | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(back_populates="material", cascade="all, delete-orphan",
                                                           order_by="MaterialVersion.number")

    @property
    def current(self) -> MaterialVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def older_versions(self) -> list[MaterialVersion]:
        return list(reversed(self.versions[:-1]))

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def owner_is_public(self) -> bool:
        """Its event or intent is one an anonymous visitor may see."""
        owner = self.event if self.event is not None else self.intent
        return owner is not None and owner.is_public

    @hybrid_property
    def is_public(self) -> bool:
        """What an anonymous visitor may open: public, not removed, on a public event or intent."""
        return self.visibility == MaterialVisibility.PUBLIC and not self.is_removed and self.owner_is_public

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.visibility == MaterialVisibility.PUBLIC, cls.removed_at.is_(None),
                    or_(cls.event_id.in_(select(Event.id).where(Event.is_public)),
                        cls.intent_id.in_(select(Intent.id).where(Intent.is_public))))

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.title!r}>"


class MaterialVersion(PkModel):
    """One uploaded file (stored by its SHA-256) or one link. Replacing adds a version; none is lost."""

    __tablename__ = "material_versions"
    __table_args__ = (
        UniqueConstraint("material_id", "number"),
        CheckConstraint("(sha256 IS NULL) <> (link_url IS NULL)", name="file_or_link"),
        CheckConstraint("size IS NULL OR size > 0", name="not_empty"),
    )

    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(127))
    # The client's name, sanitised: shown and sent in Content-Disposition, never used as a path.
    filename: Mapped[str | None] = mapped_column(String(255))
    link_url: Mapped[str | None] = mapped_column(String(1000))
    note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    material: Mapped[Material] = relationship(back_populates="versions")
    uploaded_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def is_link(self) -> bool:
        return self.link_url is not None

    @property
    def extension(self) -> str:
        if not self.filename or "." not in self.filename:
            return ""
        return self.filename.rsplit(".", 1)[1].lower()


class MaterialDownload(PkModel):
    """One download, counted per item and per organisation. Who personally downloaded is not kept."""

    __tablename__ = "material_downloads"
    __table_args__ = (Index("ix_material_downloads_material_org", "material_id", "organisation_id"),)

    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("material_versions.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    via_package: Mapped[bool] = mapped_column(Boolean, default=False)
    downloaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MaterialReminder(PkModel):
    """An organiser's reminder to a speaker whose session has no slides yet."""

    __tablename__ = "material_reminders"

    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
