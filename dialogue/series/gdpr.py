"""A person's follows of series, with their consent. Follows rest on consent and go entirely on erasure."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.models import Series, SeriesFollower, User
from dialogue.series.following import consent_text


def _mine(user: User):
    return or_(SeriesFollower.user_id == user.id, SeriesFollower.email == user.email.lower())


def export(user: User) -> dict[str, list[dict]]:
    rows = db.session.execute(select(SeriesFollower, Series.title).join(Series, Series.id == SeriesFollower.series_id)
                              .where(_mine(user)).order_by(SeriesFollower.id))
    return {"series_followed": [{
        "series": title, "address": f.email or user.email, "created_at": f.created_at, "confirmed_at": f.confirmed_at,
        "consent_version": f.consent_version, "consent_text": consent_text(f.consent_version),
        "consent_given_at": f.consented_at, "consent_withdrawn_at": f.unsubscribed_at} for f, title in rows]}


def erase(user: User) -> None:
    db.session.execute(delete(SeriesFollower).where(_mine(user)).execution_options(synchronize_session="fetch"))


# Retention: an address never confirmed is dropped after a while; a withdrawn follow is kept as long as
# withdrawn alerts (the link can undo it and the withdrawal is on record), then deleted.

def _unconfirmed(cutoff: dt.datetime):
    return SeriesFollower.confirmed_at.is_(None) & (SeriesFollower.created_at < cutoff)


def _withdrawn(cutoff: dt.datetime):
    return SeriesFollower.unsubscribed_at.is_not(None) & (SeriesFollower.unsubscribed_at < cutoff)


def _rule(condition):
    def count(cutoff: dt.datetime) -> int:
        return db.session.scalar(select(func.count()).select_from(SeriesFollower).where(condition(cutoff)))

    def apply(cutoff: dt.datetime) -> int:
        return db.session.execute(delete(SeriesFollower).where(condition(cutoff))
                                  .execution_options(synchronize_session=False)).rowcount

    return count, apply


RETENTION = [
    RetentionRule("RETENTION_UNCONFIRMED_SERIES_FOLLOWS_DAYS", 30,
                  _l("Addresses given to follow a series and never confirmed are deleted."), *_rule(_unconfirmed)),
    RetentionRule("RETENTION_WITHDRAWN_SERIES_FOLLOWS_DAYS", 365,
                  _l("Follows of a series that the person unsubscribed from, with the record of their consent, are "
                     "deleted."), *_rule(_withdrawn)),
]
