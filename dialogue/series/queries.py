"""What the series pages read."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dialogue.extensions import db
from dialogue.models import Event, Membership, Organisation, Series, SeriesFollower, SeriesOwner, utcnow


def list_series() -> list[Series]:
    return list(db.session.scalars(select(Series).options(
        selectinload(Series.owners).joinedload(SeriesOwner.organisation), selectinload(Series.events))
        .order_by(Series.title)))


def past_and_upcoming(series: Series, now=None) -> tuple[list[Event], list[Event]]:
    """Public events only; upcoming soonest first, past latest first."""
    now = now or utcnow()
    events = [e for e in series.events if e.is_public]
    return ([e for e in events if e.ends_at >= now],
            sorted((e for e in events if e.ends_at < now), key=lambda e: e.starts_at, reverse=True))


def member_count(series: Series) -> int:
    return db.session.scalar(select(func.count()).select_from(SeriesFollower).where(
        SeriesFollower.series_id == series.id, SeriesFollower.confirmed_at.is_not(None),
        SeriesFollower.unsubscribed_at.is_(None))) or 0


def member_organisations(series: Series) -> list[str]:
    """The organisations of the members who follow with an account."""
    return list(db.session.scalars(
        select(Organisation.name).join(Membership, Membership.organisation_id == Organisation.id)
        .join(SeriesFollower, SeriesFollower.user_id == Membership.user_id)
        .where(SeriesFollower.series_id == series.id, SeriesFollower.confirmed_at.is_not(None),
               SeriesFollower.unsubscribed_at.is_(None)).distinct().order_by(Organisation.name)))
