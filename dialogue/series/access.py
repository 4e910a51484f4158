"""Who may manage a series: a platform admin, or a person of an owner organisation who administers it or
organises one of the series' events (the organisers of the owner organisations)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import exists, select

from dialogue.core.actions import found_or_404
from dialogue.core.permissions import signed_in
from dialogue.extensions import db
from dialogue.models import Event, EventStaff, MemberRole, Series, SeriesOwner, StaffRole, User


def can_manage(series: Series, user: User | None) -> bool:
    if not signed_in(user):
        return False
    if user.is_admin:
        return True
    membership = user.membership
    if membership is None or membership.organisation_id not in {o.organisation_id for o in series.owners}:
        return False
    if membership.role == MemberRole.ADMIN:
        return True
    return bool(db.session.scalar(select(exists().where(
        EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER,
        EventStaff.event_id == Event.id, Event.series_id == series.id))))


def managed_series(user: User) -> list[Series]:
    """The series a person may attach events to."""
    query = select(Series).order_by(Series.title)
    if not user.is_admin:
        if user.membership is None:
            return []
        query = query.join(SeriesOwner).where(SeriesOwner.organisation_id == user.membership.organisation_id)
    return [s for s in db.session.scalars(query).unique() if can_manage(s, user)]


def series_or_404(slug: str) -> Series:
    return found_or_404(db.session.scalar(select(Series).where(Series.slug == slug)))


def managed_series_or_404(slug: str) -> Series:
    from flask_login import current_user

    series = series_or_404(slug)
    if not can_manage(series, current_user):
        abort(403, _("Only the organisers of the organisations running this series can do this."))
    return series
