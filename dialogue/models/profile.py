"""What an organisation says it offers: its profile, the labels it holds, what it resells, and the history.

One current profile per organisation (``organisation_profiles``), edited by the organisation's admins.
Each save writes a ``ProfileVersion`` holding the whole profile as it was, so the record shows what a
supplier claimed on a given day. Labels and CPV codes hang off the organisation, not the version.
"""

from __future__ import annotations

__all__ = ["ElectronicsWatchStatus", "FieldVisibility", "LabelScheme", "OrganisationProfile", "ProfileCpvCode",
           "ProfileLabel", "ProfileVersion", "ResoldManufacturer"]

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import CreatedBy, LabelledEnum, PkModel, UTCDateTime, enum_column, utcnow
from dialogue.models.organisation import Organisation


class FieldVisibility(LabelledEnum):
    """Who may read a profile field that names people."""

    PUBLIC = "public"
    PARTICIPANTS = "participants"  # signed-in people registered at an event with the organisation


class ElectronicsWatchStatus(LabelledEnum):
    """Where a supplier stands on disclosing its factories to Electronics Watch affiliates."""

    NOT_STATED = "not_stated"
    WILL_DISCLOSE = "will_disclose"        # commits to disclose production sites under a contract
    DISCLOSED = "disclosed"                # has disclosed production sites to Electronics Watch


class LabelScheme(LabelledEnum):
    """Labels buyers cite; ``subject`` values match ``IntentCriterion.subject`` for label criteria."""

    TCO_CERTIFIED = "tco_certified"   # ``level`` holds the generation, e.g. "10"
    EPEAT = "epeat"                   # ``level`` holds the tier: bronze, silver, gold
    BLUE_ANGEL = "blue_angel"         # ``level`` holds the criteria, e.g. "DE-UZ 78"
    FAIRTRADE = "fairtrade"           # Fairtrade Gold (mining)
    OTHER = "other"                   # ``name`` holds the label's name


class OrganisationProfile(PkModel):
    __tablename__ = "organisation_profiles"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")          # Markdown, sanitised on display
    offering: Mapped[str] = mapped_column(Text, default="")             # products and services, Markdown
    sme: Mapped[bool | None] = mapped_column(Boolean)                   # None: not stated
    countries_served: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 3166-1 alpha-2
    electronics_watch: Mapped[ElectronicsWatchStatus] = mapped_column(
        enum_column(ElectronicsWatchStatus, "electronics_watch_status"), default=ElectronicsWatchStatus.NOT_STATED)
    take_back: Mapped[bool] = mapped_column(Boolean, default=False)
    refurbishment: Mapped[bool] = mapped_column(Boolean, default=False)
    repair: Mapped[bool] = mapped_column(Boolean, default=False)
    circularity_note: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_visibility: Mapped[FieldVisibility] = mapped_column(
        enum_column(FieldVisibility, "profile_field_visibility"), default=FieldVisibility.PARTICIPANTS)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    cpv_codes: Mapped[list[ProfileCpvCode]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileCpvCode.code")
    labels: Mapped[list[ProfileLabel]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileLabel.id")
    resold: Mapped[list[ResoldManufacturer]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ResoldManufacturer.name")


class ProfileCpvCode(PkModel):
    """A CPV code the organisation offers (full code with check digit, e.g. ``32250000-0``)."""

    __tablename__ = "profile_cpv_codes"
    __table_args__ = (UniqueConstraint("profile_id", "code"),)

    profile_id: Mapped[int] = mapped_column(ForeignKey("organisation_profiles.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)

    profile: Mapped[OrganisationProfile] = relationship(back_populates="cpv_codes")


class ProfileLabel(PkModel):
    """A label the organisation holds for some of its products, with evidence and validity."""

    __tablename__ = "profile_labels"

    profile_id: Mapped[int] = mapped_column(ForeignKey("organisation_profiles.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[LabelScheme] = mapped_column(enum_column(LabelScheme, "label_scheme"))
    level: Mapped[str | None] = mapped_column(String(40))        # generation, tier or criteria
    name: Mapped[str | None] = mapped_column(String(200))        # the other label's name
    scope: Mapped[str] = mapped_column(String(300), default="")  # which products hold it
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))   # a file in the materials storage
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_mimetype: Mapped[str | None] = mapped_column(String(100))

    profile: Mapped[OrganisationProfile] = relationship(back_populates="labels")

    def is_valid(self, on: dt.date) -> bool:
        return self.valid_until is None or self.valid_until >= on


class ResoldManufacturer(PkModel):
    """A manufacturer a reseller resells: on the platform (organisation) or named only."""

    __tablename__ = "resold_manufacturers"

    profile_id: Mapped[int] = mapped_column(ForeignKey("organisation_profiles.id", ondelete="CASCADE"), index=True)
    manufacturer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))

    profile: Mapped[OrganisationProfile] = relationship(back_populates="resold")
    manufacturer: Mapped[Organisation | None] = relationship()


class ProfileVersion(CreatedBy, PkModel):
    """The whole profile as saved: kept so that what an organisation claimed on a day can be shown later."""

    __tablename__ = "profile_versions"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
