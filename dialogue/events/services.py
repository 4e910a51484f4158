"""Events: who may create them, creating and editing their details, and their places.

Times arrive here as aware datetimes (the views read wall-clock times in the event's zone and
convert them); they are stored in UTC and always shown in the event's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.countries import slugify
from dialogue.core.databases import lock_row
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.signals import event_capacity_changed, event_details_changed
from dialogue.core.timeutil import is_timezone, require_period
from dialogue.core.urls import clean_http_url
from dialogue.events.access import may_host
from dialogue.events.lifecycle import check_publishable, require_not_closed
from dialogue.events.queries import when
from dialogue.events.staff import require_host
from dialogue.extensions import db
from dialogue.models import (
    Event,
    EventCoHost,
    EventFormat,
    EventStaff,
    EventStatus,
    MemberRole,
    Organisation,
    ParticipantRole,
    Registration,
    RoleCapacity,
    StaffRole,
    User,
    utcnow,
)

# Languages an event can be held in: the Nordic buyers' languages first, then others met at EU events.
LANGUAGES = {
    "en": _l("English"), "fi": _l("Finnish"), "sv": _l("Swedish"), "da": _l("Danish"), "nb": _l("Norwegian"),
    "nl": _l("Dutch"), "de": _l("German"), "fr": _l("French"), "es": _l("Spanish"), "ca": _l("Catalan"),
    "it": _l("Italian"),
}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Paths under /events/ that belong to pages, not to events.
RESERVED_SLUGS = {"new", "mine"}
# Changing these moves or renames the calendar entry: SEQUENCE goes up and registrants are told.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "timezone", "venue", "address", "format", "online_url")


@dataclass
class EventDetails:
    """What an organiser fills in on the event form."""

    title: str
    timezone: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str = ""
    description: str = ""
    format: EventFormat | str = EventFormat.IN_PERSON
    venue: str | None = None
    address: str | None = None
    online_url: str | None = None
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    cancellation_deadline: dt.datetime | None = None
    languages: Iterable[str] = ("en",)
    contact_email: str | None = None
    moderated: bool = False


# --- who may create ---------------------------------------------------------------------------------

def can_create_events(user: User | None) -> bool:
    """A platform admin, or an administrator of an organisation that may host events (``access.may_host``)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    membership = user.membership
    return membership is not None and membership.role == MemberRole.ADMIN and may_host(membership.organisation)


def require_can_create(user: User) -> None:
    if not can_create_events(user):
        raise NotAllowed(_("Only platform administrators and administrators of a public buyer or a network can "
                           "create events."))


# --- validation -------------------------------------------------------------------------------------

def _clean_text(value: str | None, field: str, max_length: int, *, required: bool = False,
                label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise DialogueError(_("Enter the %(label)s.", label=label), field=field)
    if len(value) > max_length:
        raise DialogueError(_("Use at most %(n)d characters.", n=max_length), field=field)
    return value


def _clean_url(value: str | None, field: str) -> str | None:
    return clean_http_url(value, field, message=_("Enter a full web address starting with https://."))


def _clean_email(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DialogueError(_("Enter a valid email address, such as procurement@city.example.org."),
                            field=field) from None


def _validate(details: EventDetails) -> dict:
    values = {
        "title": _clean_text(details.title, "title", 300, required=True, label=_("title")),
        "summary": _clean_text(details.summary, "summary", 500),
        "description": _clean_text(details.description, "description", 50_000),
        "venue": _clean_text(details.venue, "venue", 300) or None,
        "address": _clean_text(details.address, "address", 500) or None,
        "online_url": _clean_url(details.online_url, "online_url"),
        "contact_email": _clean_email(details.contact_email, "contact_email"),
        "moderated": bool(details.moderated),
    }
    try:
        values["format"] = EventFormat(details.format)
    except ValueError:
        raise DialogueError(_("Choose in person, online or hybrid."), field="format") from None
    if not details.timezone or not is_timezone(details.timezone):
        raise DialogueError(_("Choose a time zone from the list, such as Europe/Helsinki."), field="timezone")
    values["timezone"] = details.timezone
    start, end = details.starts_at, details.ends_at
    require_period(start, end, no_start=_("Enter when the event starts."), no_end=_("Enter when the event ends."),
                   backwards=_("The event must end after it starts."))
    if end - start > dt.timedelta(days=31):
        raise DialogueError(_("An event lasts at most 31 days."), field="ends_at")
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if closes is not None and closes > end:
        raise DialogueError(_("Registration must close before the event ends."), field="registration_closes_at")
    if opens is not None and opens >= (closes or end):
        raise DialogueError(_("Registration must open before it closes and before the event ends."),
                            field="registration_opens_at")
    deadline = details.cancellation_deadline
    if deadline is not None and deadline > end:
        raise DialogueError(_("The cancellation deadline must be before the event ends."),
                            field="cancellation_deadline")
    values.update(starts_at=start, ends_at=end, registration_opens_at=opens, registration_closes_at=closes,
                  cancellation_deadline=deadline)
    languages = list(dict.fromkeys(details.languages or ()))
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown or not languages:
        raise DialogueError(_("Choose at least one language from the list."), field="languages")
    values["languages"] = languages
    return values


def clean_slug(slug: str | None, title: str, model=Event, current_id: int | None = None, *,
               reserved: frozenset[str] | set[str] = RESERVED_SLUGS, fallback: str = "event",
               taken_message: str | None = None) -> str:
    """The address of a page with a slug (an event, a series): given and checked, or made from the title."""
    slug = (slug or "").strip().lower()
    if not slug:
        base = slugify(title)[:100] or fallback
        slug, n = base, 2
        while slug in reserved or db.session.scalar(select(model.id).where(model.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        return slug
    if len(slug) > 120 or not SLUG_RE.match(slug):
        raise DialogueError(_("Use lower-case letters, digits and single hyphens, e.g. nordic-forum-2026."),
                            field="slug")
    if slug in reserved:
        raise DialogueError(_("This address is reserved; choose another."), field="slug")
    taken = db.session.scalar(select(model.id).where(model.slug == slug))
    if taken is not None and taken != current_id:
        raise Conflict(taken_message or _("Another event already uses this address; choose another."), field="slug")
    return slug


# --- create and edit --------------------------------------------------------------------------------

def create_event(creator: User, details: EventDetails, *, slug: str | None = None,
                 cohosts: Iterable[Organisation] = ()) -> Event:
    """Create a draft. The creator becomes its organiser; a buyer admin's organisation co-hosts it."""
    require_can_create(creator)
    values = _validate(details)
    hosts = list(dict.fromkeys(cohosts))
    if not creator.is_admin and creator.organisation not in hosts:
        hosts.insert(0, creator.organisation)
    if not hosts:
        raise DialogueError(_("Choose at least one public buyer or network to co-host the event."), field="cohosts")
    for org in hosts:
        require_host(org)
    event = Event(slug=clean_slug(slug, values["title"]), status=EventStatus.DRAFT, created_by_id=creator.id,
                  **values)
    for org in hosts:
        event.cohosts.append(EventCoHost(organisation=org))
    event.staff.append(EventStaff(user=creator, role=StaffRole.ORGANISER))
    db.session.add(event)
    db.session.flush()
    record_action(creator, "event.create", f"Created the event “{event.title}” as a draft", event=event,
                  cohosts=[org.name for org in hosts])
    return event


def update_event(event: Event, details: EventDetails, *, slug: str | None = None, actor: User | None = None) -> bool:
    """Save the form. Returns True when the calendar entry changed (times, place or title).

    The address of a published event does not change: links to it are already out. Whoever holds the
    calendar entry hears of a change through ``event_details_changed``.
    """
    require_not_closed(event)
    values = _validate(details)
    if slug is not None and slug.strip() and slug.strip() != event.slug:
        if event.status != EventStatus.DRAFT:
            raise DialogueError(_("The address of a published event cannot change: people have the link."),
                                field="slug")
        event.slug = clean_slug(slug, values["title"], Event, event.id)
    changed = [name for name in values if getattr(event, name) != values[name]]
    moved = any(name in CALENDAR_FIELDS for name in changed)
    for name, value in values.items():
        setattr(event, name, value)
    if event.status == EventStatus.PUBLISHED or event.status == EventStatus.REGISTRATION_CLOSED:
        check_publishable(event)
    if moved:
        event.sequence += 1
        record_action(actor, "event.reschedule", f"Changed the time, place or title: {when(event)}"
                      + (f", {event.venue}" if event.venue else ""), event=event)
    if changed:
        db.session.flush()
        event_details_changed.send(event, actor=actor, now=utcnow(), reason="", changed=tuple(changed),
                                   calendar=moved)
    return moved


# --- places -----------------------------------------------------------------------------------------

def set_capacity(event: Event, total: int | None, per_role: Mapping[str, int | None], *,
                 online: int | None = None, actor: User | None = None) -> list[Registration]:
    """Set the total number of places and the places per role (None: no limit).

    At a hybrid event the total is the places in person and ``online`` the places online; any other
    event has no online places of its own (the total counts everyone).

    Lowering a limit never takes a place away from someone confirmed; raising one lets the people
    waiting take the free places at once (``event_capacity_changed``). Returns those who moved.
    """
    require_not_closed(event)
    lock_row(event)
    if total is not None and total < 0:
        raise DialogueError(_("Enter zero or more places, or leave empty for no limit."), field="capacity")
    if online is not None and event.format != EventFormat.HYBRID:
        raise DialogueError(_("Online places are for hybrid events. Make the event hybrid first, or leave "
                              "this empty."), field="online_capacity")
    if online is not None and online < 0:
        raise DialogueError(_("Enter zero or more places, or leave empty for no limit."), field="online_capacity")
    event.capacity = total
    event.online_capacity = online
    existing = {rc.role: rc for rc in event.role_capacities}
    for role in ParticipantRole:
        value = per_role.get(role.value)
        if value is not None and value < 0:
            raise DialogueError(_("Enter zero or more places, or leave empty for no limit."),
                                field=f"cap_{role.value}")
        current = existing.get(role.value)
        if value is None and current is not None:
            event.role_capacities.remove(current)
        elif value is not None and current is None:
            event.role_capacities.append(RoleCapacity(role=role.value, capacity=value))
        elif value is not None:
            current.capacity = value
    db.session.flush()
    answers = event_capacity_changed.send(event, actor=actor, now=utcnow(), reason="")
    return [registration for _receiver, moved in answers for registration in (moved or ())]
