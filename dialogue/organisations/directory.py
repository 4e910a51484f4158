"""The directory of organisations, platform-wide or of one event, with its filters.

A page costs the same few statements however many organisations it lists: the organisations and their
profiles in one query, their CPV codes and labels in one more each (selectinload), and a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import String, cast, exists, func, select
from sqlalchemy.orm import selectinload

from dialogue.core.countries import validate_country
from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.intents.cpv import like_escape, normalise_prefix
from dialogue.meetings.people import buyer_organisations, confirmed_registration, get_settings, side_of
from dialogue.models import (
    ACTIVE_STATES,
    Event,
    EventStatus,
    LabelScheme,
    MeetingMode,
    Organisation,
    OrganisationKind,
    OrganisationProfile,
    ProfileCpvCode,
    ProfileLabel,
    Registration,
)

PER_PAGE = 20
SME_VALUES = {"yes": True, "no": False}


@dataclass
class Filters:
    """The directory's filters as GET parameters: each empty when not used."""

    cpv: str = ""
    label: str = ""
    country: str = ""
    kind: str = ""
    sme: str = ""

    def active(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value}


@dataclass
class Entry:
    organisation: Organisation
    profile: OrganisationProfile | None


def parse_filters(args) -> Filters:
    """Filters from the query string, checked; DialogueError on the field whose value is not one of the options."""
    filters = Filters(**{key: " ".join(str(args.get(key) or "").split())[:40] for key in Filters.__annotations__})
    if filters.cpv:
        filters.cpv = normalise_prefix(filters.cpv, field="cpv")
    if filters.label and filters.label not in {s.value for s in LabelScheme}:
        raise DialogueError(_("Choose a label from the list."), field="label")
    if filters.country:
        filters.country = validate_country(filters.country)
    if filters.kind and filters.kind not in {k.value for k in OrganisationKind}:
        raise DialogueError(_("Choose a kind of organisation from the list."), field="kind")
    if filters.sme and filters.sme not in SME_VALUES:
        raise DialogueError(_("Choose yes or no."), field="sme")
    return filters


def _conditions(filters: Filters, event: Event | None, today: dt.date) -> list:
    conditions = []
    if event is not None:
        conditions.append(exists().where(Registration.event_id == event.id,
                                         Registration.organisation_id == Organisation.id,
                                         Registration.state.in_(ACTIVE_STATES)))
    if filters.cpv:
        conditions.append(exists().where(ProfileCpvCode.profile_id == OrganisationProfile.id,
                                         ProfileCpvCode.code.like(f"{like_escape(filters.cpv)}%", escape="\\")))
    if filters.label:
        conditions.append(exists().where(
            ProfileLabel.profile_id == OrganisationProfile.id, ProfileLabel.scheme == LabelScheme(filters.label),
            ProfileLabel.valid_until.is_(None) | (ProfileLabel.valid_until >= today)))
    if filters.country:
        # Codes are stored as a JSON list of two upper-case letters, so the quoted code only matches itself.
        conditions.append((Organisation.country == filters.country)
                          | cast(OrganisationProfile.countries_served, String).like(f'%"{filters.country}"%'))
    if filters.kind:
        conditions.append(Organisation.kind == OrganisationKind(filters.kind))
    if filters.sme:
        conditions.append(OrganisationProfile.sme.is_(SME_VALUES[filters.sme]))
    return conditions


def list_directory(filters: Filters, *, event: Event | None = None, page: int = 1, per_page: int = PER_PAGE,
                   today: dt.date | None = None) -> tuple[list[Entry], int]:
    """One page of organisations matching the filters, by name, and how many match in all."""
    conditions = _conditions(filters, event, today or dt.date.today())
    base = (select(Organisation, OrganisationProfile)
            .outerjoin(OrganisationProfile, OrganisationProfile.organisation_id == Organisation.id)
            .where(*conditions))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(
        base.options(selectinload(OrganisationProfile.cpv_codes), selectinload(OrganisationProfile.labels))
        .order_by(func.lower(Organisation.name), Organisation.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return [Entry(org, profile) for org, profile in rows], total


def meeting_targets(event: Event, user) -> set[int]:
    """Organisations the person may ask for a meeting at the event, as the meetings feature allows:
    a supplier or reseller with a confirmed registration asks a buyer organisation with a confirmed buyer,
    while the event runs and takes requests (not where suppliers book slots themselves)."""

    if user is None or event.status in (EventStatus.CANCELLED, EventStatus.FINISHED):
        return set()
    settings = get_settings(event)
    if settings is None or settings.mode == MeetingMode.SELF_BOOKING:
        return set()
    registration = confirmed_registration(event, user)
    if side_of(registration) != "supplier":
        return set()
    return {org.id for org in buyer_organisations(event)} - {registration.organisation_id}
