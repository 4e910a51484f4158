"""Declarative base, naming convention and the column types every model shares."""

from __future__ import annotations

__all__ = ["Base", "PkModel", "UTCDateTime", "new_token", "utcnow"]

import datetime as dt
import enum
import uuid

from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_column(cls, name: str) -> Enum:
    """A state column: stored as the value strings, checked by a named constraint on every database."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda e: [m.value for m in e])


_LABELS: dict[type, dict] = {}


class LabelledEnum(enum.StrEnum):
    """A state whose members carry their label for people: ``member.label``, a lazy string, so it reads
    in the language of whoever asks. The models' enums are given their labels in models/labels.py, all
    together; an enum of a feature is given its labels right after it: ``TheEnum.give_labels(MEMBER=_l(...))``."""

    @property
    def label(self):
        return _LABELS[type(self)][self]

    @classmethod
    def give_labels(cls, **labels) -> None:
        """Every member's label, by the member's name; a member left out (or a name that is none) is an error."""
        if set(labels) != set(cls.__members__):
            raise ValueError(f"{cls.__name__} labels: {sorted(set(labels) ^ set(cls.__members__))}")
        _LABELS[cls] = {cls[name]: text for name, text in labels.items()}

    @classmethod
    def labels(cls) -> dict:
        """Every member with its label, in order (for a form's choices or a template)."""
        return {member: member.label for member in cls}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_token() -> str:
    """An unguessable token for links that must not be guessed (tickets, feeds, invitations)."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on the way in and out, also on SQLite which stores naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def assign(self, **values) -> None:
        """Set several attributes at once, as an edit form's cleaned values (the constructor's keywords, for a
        row that exists)."""
        for name, value in values.items():
            setattr(self, name, value)


class PkModel(Base):
    """A table whose rows are known by a serial number, ``id``: every table but the few keyed otherwise
    (CPV codes by their code, survey responses by a random token, answers by response and question).
    As cookiecutter-flask's ``PkModel``; ``id`` stays the first column."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


# Column groups many tables share. Each declares exactly the columns the tables had before (the
# migrations are unchanged); a mixin only says once what those columns mean.

class CreatedBy:
    """Who made the row and when; the person becomes None when their account is erased."""

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UpdatedAt:
    """When the row last changed."""

    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OfPerson:
    """A row about one person that goes when their account is erased: ``user_id`` and ``user``."""

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def user(cls) -> Mapped["User"]:  # noqa: F821
        return relationship("User")


class OfOrganisation:
    """A row that belongs to one organisation and goes with it: ``organisation_id`` and ``organisation``."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def organisation(cls) -> Mapped["Organisation"]:  # noqa: F821
        return relationship("Organisation")
