"""Organisation profiles: what a supplier, reseller, manufacturer or buyer says it offers, kept version by version.

Only the organisation's administrators and platform administrators change a profile. Every change
(the profile itself or one of its labels) raises ``version`` by one and writes a ``ProfileVersion``
holding the whole profile as it then stood, so the record can show what was claimed on a given day.
Buyers get the same profile, of which they use the description and the CPV codes they are interested in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.audit.services import record_action
from dialogue.core.countries import validate_country
from dialogue.core.emails import normalise_email
from dialogue.core.errors import DialogueError
from dialogue.core.permissions import signed_in
from dialogue.core.text import without_controls
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.models import (
    ElectronicsWatchStatus,
    FieldVisibility,
    MemberRole,
    Organisation,
    OrganisationKind,
    OrganisationProfile,
    ProfileCpvCode,
    ProfileVersion,
    ResoldManufacturer,
    User,
    utcnow,
)
from dialogue.organisations.services import require_org_admin

MAX_TEXT = 5000
MAX_NOTE = 2000
MAX_CPV = 40
MAX_RESOLD = 30
# Organisations a reseller can pick as the maker of what it resells (others are typed as a name).
MAKER_KINDS = (OrganisationKind.MANUFACTURER, OrganisationKind.SUPPLIER)


@dataclass
class ProfileInput:
    """A profile as typed in the form (plain values; the service checks them)."""

    description: str = ""
    offering: str = ""
    sme: bool | None = None
    countries_served: list[str] = field(default_factory=list)
    electronics_watch: str = ElectronicsWatchStatus.NOT_STATED.value
    take_back: bool = False
    refurbishment: bool = False
    repair: bool = False
    circularity_note: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_visibility: str = FieldVisibility.PARTICIPANTS.value
    cpv_codes: list[str] = field(default_factory=list)
    resold_ids: list[int] = field(default_factory=list)
    resold_names: list[str] = field(default_factory=list)


def can_edit(org: Organisation, user: User | None) -> bool:
    """The organisation's administrators and platform administrators edit its profile."""
    if not signed_in(user):
        return False
    return bool(user.is_admin or (user.membership is not None and user.membership.organisation_id == org.id
                                  and user.membership.role == MemberRole.ADMIN))


def load_profile(organisation_id: int) -> OrganisationProfile | None:
    """The profile with its codes, labels and resold manufacturers, in a constant number of queries."""
    return db.session.scalar(
        select(OrganisationProfile).where(OrganisationProfile.organisation_id == organisation_id)
        .options(selectinload(OrganisationProfile.cpv_codes), selectinload(OrganisationProfile.labels),
                 selectinload(OrganisationProfile.resold).joinedload(ResoldManufacturer.manufacturer)))


def get_or_create_profile(org: Organisation) -> OrganisationProfile:
    """The organisation's profile; a new one is at version 0 until it is first saved."""
    profile = load_profile(org.id)
    if profile is None:
        profile = OrganisationProfile(organisation=org, description="", offering="", countries_served=[],
                                      electronics_watch=ElectronicsWatchStatus.NOT_STATED, take_back=False,
                                      refurbishment=False, repair=False, circularity_note="",
                                      contact_visibility=FieldVisibility.PARTICIPANTS, version=0)
        db.session.add(profile)
        db.session.flush()
    return profile


def snapshot(profile: OrganisationProfile) -> dict:
    """The whole profile as plain JSON values: what a ``ProfileVersion`` keeps."""
    return {
        "description": profile.description or "", "offering": profile.offering or "", "sme": profile.sme,
        "countries_served": sorted(profile.countries_served or []),
        "electronics_watch": ElectronicsWatchStatus(profile.electronics_watch).value,
        "take_back": bool(profile.take_back), "refurbishment": bool(profile.refurbishment),
        "repair": bool(profile.repair), "circularity_note": profile.circularity_note or "",
        "contact_name": profile.contact_name, "contact_email": profile.contact_email,
        "contact_visibility": FieldVisibility(profile.contact_visibility).value,
        "cpv": sorted(c.code for c in profile.cpv_codes),
        "labels": [{"scheme": label.scheme.value, "level": label.level, "name": label.name, "scope": label.scope,
                    "valid_until": label.valid_until.isoformat() if label.valid_until else None,
                    "evidence_url": label.evidence_url, "evidence_filename": label.evidence_filename,
                    "evidence_sha256": label.evidence_sha256} for label in profile.labels],
        "resold": sorted(({"name": r.name, "manufacturer_id": r.manufacturer_id} for r in profile.resold),
                         key=lambda r: r["name"].lower()),
    }


def record_version(profile: OrganisationProfile, actor: User | None, action: str, summary: str) -> ProfileVersion:
    """Raise the version, keep a snapshot of the whole profile and note it in the audit log."""
    db.session.flush()
    db.session.refresh(profile, ["cpv_codes", "labels", "resold"])
    profile.version = (profile.version or 0) + 1
    profile.updated_at = utcnow()
    profile.updated_by_id = actor.id if actor is not None else None
    version = ProfileVersion(organisation_id=profile.organisation_id, version=profile.version,
                             snapshot=snapshot(profile), created_by_id=profile.updated_by_id)
    db.session.add(version)
    record_action(actor, action, summary, organisation=profile.organisation.slug, version=profile.version)
    db.session.flush()
    return version


def _text(value: str | None, limit: int, name: str, label: str) -> str:
    # Markdown: the line breaks are the lists and paragraphs, so they stay.
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise DialogueError(_("Keep %(what)s under %(n)s characters.", what=label, n=f"{limit:,}"), field=name)
    return value


def _codes(raw: list[str]) -> list[str]:
    codes = list(dict.fromkeys(cpv.normalise_code(code, field="cpv_codes") for code in raw if code.strip()))
    if len(codes) > MAX_CPV:
        raise DialogueError(_("Choose at most %(n)s CPV codes: the closest ones say most.", n=MAX_CPV),
                            field="cpv_codes")
    return codes


def _makers(org: Organisation, ids: list[int], names: list[str]) -> list[tuple[int | None, str]]:
    """What a reseller resells: organisations on the platform that make things, or names typed."""
    picked: dict[str, tuple[int | None, str]] = {}
    if ids:
        makers = db.session.scalars(select(Organisation).where(Organisation.id.in_(set(ids)))).all()
        if len(makers) != len(set(ids)) or any(m.kind not in MAKER_KINDS or m.id == org.id for m in makers):
            raise DialogueError(_("Choose manufacturers from the list."), field="resold_ids")
        picked.update({m.name.lower(): (m.id, m.name) for m in makers})
    for raw in names:
        name = " ".join(without_controls(raw or "").split())
        if len(name) > 200:
            raise DialogueError(_("A manufacturer's name has at most 200 characters."), field="resold_names")
        if name and name.lower() not in picked:
            picked[name.lower()] = (None, name)
    if len(picked) > MAX_RESOLD:
        raise DialogueError(_("Name at most %(n)s manufacturers.", n=MAX_RESOLD), field="resold_names")
    return list(picked.values())


def _contact(data: ProfileInput) -> tuple[str | None, str | None]:
    name = " ".join(without_controls(data.contact_name or "").split()) or None
    if name and len(name) > 200:
        raise DialogueError(_("A name has at most 200 characters."), field="contact_name")
    email = None
    if (data.contact_email or "").strip():
        try:
            email = normalise_email(data.contact_email)
        except DialogueError as exc:
            raise DialogueError(exc.message, field="contact_email") from None
    return name, email


def _choice(enum_type, value, name: str):
    try:
        return enum_type(value)
    except ValueError:
        raise DialogueError(_("Choose one of the options."), field=name) from None


def save_profile(org: Organisation, actor: User, data: ProfileInput) -> OrganisationProfile:
    """Check and save the whole profile; each save is a new version.

    Buyers keep it simple: description, offering, CPV codes of interest, countries and contact;
    what only suppliers claim (size, circularity, Electronics Watch, resold makers) stays unset.
    """
    require_org_admin(org, actor)
    values = {
        "description": _text(data.description, MAX_TEXT, "description", _("the description")),
        "offering": _text(data.offering, MAX_TEXT, "offering", _("the products and services")),
        "circularity_note": _text(data.circularity_note, MAX_NOTE, "circularity_note", _("the note")),
        "countries_served": sorted({validate_country(c, "countries_served") for c in data.countries_served if c}),
        "electronics_watch": _choice(ElectronicsWatchStatus, data.electronics_watch, "electronics_watch"),
        "contact_visibility": _choice(FieldVisibility, data.contact_visibility, "contact_visibility"),
        "sme": data.sme, "take_back": bool(data.take_back), "refurbishment": bool(data.refurbishment),
        "repair": bool(data.repair),
    }
    values["contact_name"], values["contact_email"] = _contact(data)
    codes = _codes(data.cpv_codes)
    makers = _makers(org, data.resold_ids, data.resold_names)
    if org.kind == OrganisationKind.PUBLIC_BUYER:
        values.update(sme=None, take_back=False, refurbishment=False, repair=False, circularity_note="",
                      electronics_watch=ElectronicsWatchStatus.NOT_STATED)
        makers = []
    profile = get_or_create_profile(org)
    before = snapshot(profile) if profile.version else None
    for name, value in values.items():
        setattr(profile, name, value)
    # Rows whose value stays are kept: inserting a code again before the old row is deleted
    # would break the unique (profile, code) constraint within one flush.
    profile.cpv_codes[:] = [c for c in profile.cpv_codes if c.code in codes]
    profile.cpv_codes.extend(ProfileCpvCode(code=code) for code in codes
                             if code not in {c.code for c in profile.cpv_codes})
    profile.resold[:] = [r for r in profile.resold if (r.manufacturer_id, r.name) in makers]
    kept = {(r.manufacturer_id, r.name) for r in profile.resold}
    profile.resold.extend(ResoldManufacturer(manufacturer_id=maker_id, name=name) for maker_id, name in makers
                          if (maker_id, name) not in kept)
    db.session.flush()
    db.session.refresh(profile, ["cpv_codes", "labels", "resold"])
    if snapshot(profile) == before:
        return profile  # saved again unchanged: no new version to read through in the history
    record_version(profile, actor, "organisation.profile_saved", f"Saved the profile of {org.name}")
    return profile


def list_versions(org: Organisation) -> list[ProfileVersion]:
    """Every saved version, newest first."""
    return list(db.session.scalars(select(ProfileVersion).where(ProfileVersion.organisation_id == org.id)
                                   .order_by(ProfileVersion.version.desc())))


def maker_choices(org: Organisation) -> list[tuple[int, str]]:
    """Organisations a reseller can pick as a manufacturer it resells."""
    rows = db.session.execute(select(Organisation.id, Organisation.name)
                              .where(Organisation.kind.in_(MAKER_KINDS), Organisation.id != org.id)
                              .order_by(Organisation.name)).all()
    return [(row.id, row.name) for row in rows]


def profiles_by_organisation(org_ids: list[int]) -> dict[int, OrganisationProfile]:
    """Profiles of several organisations with their codes and labels, in three queries."""
    if not org_ids:
        return {}
    rows = db.session.scalars(
        select(OrganisationProfile).where(OrganisationProfile.organisation_id.in_(org_ids))
        .options(selectinload(OrganisationProfile.cpv_codes), selectinload(OrganisationProfile.labels),
                 joinedload(OrganisationProfile.organisation)))
    return {p.organisation_id: p for p in rows}
