"""Following a series ("tell me about the next one"): by account, or by address with double opt-in.

Like planned-tender alerts, the mail rests on consent (GDPR Art. 6(1)(a)): the wording is versioned,
each follow stores the version and when consent was given, and unsubscribing records when it was
withdrawn. An address given without an account counts only once confirmed from the mail sent to it.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.core.emails import normalise_email
from dialogue.core.errors import NotAllowed
from dialogue.core.permissions import signed_in
from dialogue.extensions import db
from dialogue.models import Event, EventStatus, Series, SeriesFollower, User, utcnow
from dialogue.series import notify

CONSENT_VERSION = "series-2026-1"
CONSENT_TEXT = _l("Send me mail when a new event of this series is published. I can withdraw this at any time "
                  "with the unsubscribe link in every mail.")
CONSENT_TEXTS = {CONSENT_VERSION: CONSENT_TEXT}


def consent_text(version: str | None) -> str:
    return str(CONSENT_TEXTS[version]) if version in CONSENT_TEXTS else ""


def _consent(follower: SeriesFollower, now: dt.datetime) -> None:
    follower.consent_version = CONSENT_VERSION
    follower.consented_at = now
    follower.unsubscribed_at = None


def following(series: Series, user: User | None) -> SeriesFollower | None:
    if not signed_in(user):
        return None
    return db.session.scalar(select(SeriesFollower).where(
        SeriesFollower.series_id == series.id, SeriesFollower.user_id == user.id,
        SeriesFollower.unsubscribed_at.is_(None)))


def follow(series: Series, user: User, *, now: dt.datetime | None = None) -> SeriesFollower:
    """A signed-in person with a confirmed address follows at once."""
    if not user.is_verified:
        raise NotAllowed(_("Confirm your email address first: the mail goes to it."))
    now = now or utcnow()
    follower = db.session.scalar(select(SeriesFollower).where(SeriesFollower.series_id == series.id,
                                                              SeriesFollower.user_id == user.id))
    if follower is None:
        follower = SeriesFollower(series_id=series.id, user_id=user.id)
        db.session.add(follower)
    follower.confirmed_at = follower.confirmed_at or now
    _consent(follower, now)
    db.session.flush()
    return follower


def subscribe_address(series: Series, raw_email: str, *, now: dt.datetime | None = None) -> SeriesFollower:
    """Someone without an account gives an address; a mail asks them to confirm it.

    The answer is the same whether the address was new, pending or already confirmed, so the form
    does not tell a stranger who follows what; a confirmed follower is not mailed again.
    """
    email = normalise_email(raw_email)
    now = now or utcnow()
    follower = db.session.scalar(select(SeriesFollower).where(SeriesFollower.series_id == series.id,
                                                              SeriesFollower.email == email))
    if follower is not None and follower.is_active:
        return follower
    if follower is None:
        follower = SeriesFollower(series_id=series.id, email=email)
        db.session.add(follower)
    follower.unsubscribed_at = None
    follower.confirmed_at = None
    db.session.flush()
    notify.confirm_address(series, follower)
    return follower


def confirm(follower: SeriesFollower, *, now: dt.datetime | None = None) -> None:
    """The second opt-in: the person opened the mail and pressed the button."""
    now = now or utcnow()
    if not follower.is_active:
        follower.confirmed_at = now
        _consent(follower, now)
    db.session.flush()


def unsubscribe(follower: SeriesFollower, *, now: dt.datetime | None = None) -> None:
    """Consent withdrawn; the row stays so that the link in the mail can undo it."""
    if follower.unsubscribed_at is None:
        follower.unsubscribed_at = now or utcnow()
    db.session.flush()


def follower_for_token(token: str) -> SeriesFollower | None:
    if not token or len(token) > 32:
        return None
    return db.session.scalar(select(SeriesFollower).where(SeriesFollower.token == token)
                             .options(selectinload(SeriesFollower.user)))


def active_followers(series: Series) -> list[SeriesFollower]:
    followers = db.session.scalars(select(SeriesFollower).where(
        SeriesFollower.series_id == series.id, SeriesFollower.confirmed_at.is_not(None),
        SeriesFollower.unsubscribed_at.is_(None)).options(selectinload(SeriesFollower.user))
        .order_by(SeriesFollower.id))
    return [f for f in followers if f.user is None or f.user.is_verified]


def announce(event: Event, series: Series, *, now: dt.datetime | None = None) -> int:
    """Followers hear of a published event of the series that is still to come, once."""
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED or event.series_announced_at is not None or event.starts_at <= now:
        return 0
    followers = active_followers(series)
    notify.next_event(series, event, followers)
    event.series_announced_at = now
    db.session.flush()
    return len(followers)
