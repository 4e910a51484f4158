"""The rules of a series: making one, attaching events, inviting the people of its earlier events.

Services flush, never commit; refusals are ``DialogueError``s.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import or_, select

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.text import without_controls
from dialogue.events.access import is_organiser
from dialogue.events.services import can_create_events, clean_slug
from dialogue.extensions import db
from dialogue.invitations.services import invite_people
from dialogue.models import (
    ACTIVE_STATES,
    Event,
    InviteeSource,
    Organisation,
    Registration,
    Series,
    SeriesOwner,
    User,
    utcnow,
)
from dialogue.series import following
from dialogue.series.access import can_manage

RESERVED = {"new", "confirm", "unsubscribe"}


def _clean(title: str, description: str) -> tuple[str, str]:
    title = without_controls(title or "").strip()
    if not title:
        raise DialogueError(_("Give the series a title."), field="title")
    if len(title) > 300:
        raise DialogueError(_("Use at most %(n)d characters.", n=300), field="title")
    description = (description or "").strip()
    if len(description) > 10000:
        raise DialogueError(_("Use at most %(n)d characters.", n=10000), field="description")
    return title, description


def create_series(creator: User, title: str, description: str = "", *, slug: str | None = None) -> Series:
    """Those who may create events may create a series; their organisation owns it."""
    if not can_create_events(creator):
        raise NotAllowed(_("Only those who may create events can start a series."))
    title, description = _clean(title, description)
    series = Series(slug=clean_slug(slug, title, Series, reserved=RESERVED, fallback="series",
                                       taken_message=_("Another series already uses this address; choose another.")),
                     title=title, description=description, created_by_id=creator.id)
    if creator.organisation is not None:
        series.owners.append(SeriesOwner(organisation=creator.organisation))
    db.session.add(series)
    db.session.flush()
    record_action(creator, "series.create", f"Started the series “{series.title}”", series=series.slug)
    return series


def update_series(series: Series, actor: User, title: str, description: str) -> Series:
    if not can_manage(series, actor):
        raise NotAllowed(_("Only the organisers of the organisations running this series can do this."))
    series.title, series.description = _clean(title, description)
    db.session.flush()
    return series


def attach_event(series: Series, event: Event, actor: User, *, now: dt.datetime | None = None) -> int:
    """An event joins one series; its followers hear of it if it is published and still to come.

    Returns how many followers were told."""
    if not (is_organiser(event, actor) and can_manage(series, actor)):
        raise NotAllowed(_("Attach events you organise to series your organisation runs."))
    if event.series_id == series.id:
        raise Conflict(_("The event is already in this series."))
    event.series_id = series.id
    record_action(actor, "series.attach", f"Put the event in the series “{series.title}”", event=event,
                  series=series.slug)
    db.session.flush()
    return following.announce(event, series, now=now)


def detach_event(event: Event, actor: User) -> None:
    if not is_organiser(event, actor):
        raise NotAllowed(_("Only the organisers of this event can do this."))
    if event.series_id is None:
        raise Conflict(_("The event is in no series."))
    record_action(actor, "series.detach", "Took the event out of its series", event=event)
    event.series_id = None
    db.session.flush()


def earlier_events(series: Series, event: Event) -> list[Event]:
    return [e for e in series.events if e.id != event.id and e.starts_at < event.starts_at and e.is_public]


def earlier_participants(series: Series, event: Event) -> list[tuple[str, str, str]]:
    """Everyone who registered for, or was checked in at, an earlier event of the series: each address once."""
    ids = [e.id for e in earlier_events(series, event)]
    if not ids:
        return []
    rows = db.session.execute(
        select(User.name, User.email, Organisation.name)
        .join(Registration, Registration.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id.in_(ids),
               or_(Registration.state.in_(ACTIVE_STATES), Registration.checked_in_at.is_not(None)))
        .order_by(Registration.id))
    people: dict[str, tuple[str, str, str]] = {}
    for name, email, organisation in rows:
        people.setdefault(email.lower(), (name, email.lower(), organisation or ""))
    return list(people.values())


def invite_earlier_participants(series: Series, event: Event, actor: User) -> int:
    """One invitation per person, sent once: anyone already on the event's list is left out."""
    if not (is_organiser(event, actor) and can_manage(series, actor)):
        raise NotAllowed(_("Only the organisers of this event and of the series can do this."))
    if event.series_id != series.id:
        raise Conflict(_("Attach the event to the series first."))
    people = earlier_participants(series, event)
    if not people:
        raise Conflict(_("No one took part in an earlier event of this series."))
    return invite_people(event, people, actor, source=InviteeSource.SERIES, now=utcnow())
