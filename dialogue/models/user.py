from __future__ import annotations

__all__ = ["User"]

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import PkModel, UTCDateTime, utcnow
from dialogue.models.organisation import MemberRole, Membership, Organisation


class User(UserMixin, PkModel):
    __tablename__ = "users"

    # Stored lower-cased, so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Helsinki")
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on password change or reset and on sign-out: every session and "remember me" cookie
    # issued before stops working, on every device.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    membership: Mapped[Membership | None] = relationship(back_populates="user", uselist=False,
                                                         cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def is_org_admin(self) -> bool:
        return self.membership is not None and self.membership.role == MemberRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email}>"
