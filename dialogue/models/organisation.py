from __future__ import annotations

__all__ = ["Invitation", "MemberRole", "Membership", "Organisation", "OrganisationKind"]

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import LabelledEnum, PkModel, UTCDateTime, enum_column, new_token, utcnow


class OrganisationKind(LabelledEnum):
    PUBLIC_BUYER = "public_buyer"
    SUPPLIER = "supplier"
    RESELLER = "reseller"
    MANUFACTURER = "manufacturer"
    CIVIL_SOCIETY = "civil_society"
    NETWORK = "network"
    OTHER = "other"


class MemberRole(LabelledEnum):
    MEMBER = "member"
    ADMIN = "admin"


class Organisation(PkModel):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "organisation_kind"))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    registration_number: Mapped[str | None] = mapped_column(String(40))  # compact VAT or company number
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation",
                                                         cascade="all, delete-orphan")

    @property
    def is_public_buyer(self) -> bool:
        return self.kind == OrganisationKind.PUBLIC_BUYER

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Membership(PkModel):
    """A person's place in an organisation. One person belongs to one organisation."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "member_role"), default=MemberRole.MEMBER)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship(back_populates="membership")  # noqa: F821
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(PkModel):
    """An organisation admin's invitation for a colleague to join; the token goes by email."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "invitation_role"), default=MemberRole.MEMBER)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()

    def is_open(self, now: dt.datetime) -> bool:
        return self.accepted_at is None and self.expires_at > now
