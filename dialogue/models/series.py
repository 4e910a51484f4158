"""Event series (an interest group's meetings, a working group's workshops) and the people who follow one."""

from __future__ import annotations

__all__ = ["Series", "SeriesFollower", "SeriesOwner"]

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import CreatedBy, OfOrganisation, PkModel, UTCDateTime, new_token, utcnow
from dialogue.models.event import Event


class Series(CreatedBy, PkModel):
    """Events that belong together. The organisers of its owner organisations manage it."""

    __tablename__ = "series"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display

    owners: Mapped[list[SeriesOwner]] = relationship(back_populates="series", cascade="all, delete-orphan",
                                                     order_by="SeriesOwner.id")
    events: Mapped[list[Event]] = relationship(order_by=(Event.starts_at, Event.id), viewonly=True)

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


class SeriesOwner(OfOrganisation, PkModel):
    __tablename__ = "series_owners"
    __table_args__ = (UniqueConstraint("series_id", "organisation_id"),)

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)

    series: Mapped[Series] = relationship(back_populates="owners")


class SeriesFollower(PkModel):
    """A member of a series: someone told when its next event is published.

    A signed-in person follows with their account; anyone else gives an address, which counts only once
    they confirm it from the mail (double opt-in). The mail rests on consent, recorded like alerts'.
    """

    __tablename__ = "series_followers"
    __table_args__ = (UniqueConstraint("series_id", "user_id"), UniqueConstraint("series_id", "email"))

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))  # anonymous followers only
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    series: Mapped[Series] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def address(self) -> str:
        return self.user.email if self.user is not None else (self.email or "")
