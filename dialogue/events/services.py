"""Events: creation and editing, the life cycle, co-hosts, staff and places.

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
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.signals import event_cancelled, event_status_changed
from dialogue.core.timeutil import format_local, is_timezone
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.models import (Event, EventCoHost, EventFormat, EventStaff, EventStatus, Membership, MemberRole,
                             Organisation, OrganisationKind, ParticipantRole, Registration, RegistrationState,
                             RoleCapacity, StaffRole, User, utcnow)
from dialogue.organisations.services import slugify

# Languages an event can be held in: the Nordic buyers' languages first, then others met at EU events.
LANGUAGES = {
    "en": "English", "fi": "Finnish", "sv": "Swedish", "da": "Danish", "nb": "Norwegian (Bokmål)",
    "nl": "Dutch", "de": "German", "fr": "French", "es": "Spanish", "ca": "Catalan", "it": "Italian",
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
    """A platform admin, or an administrator of a public-buyer organisation."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    membership = user.membership
    return (membership is not None and membership.role == MemberRole.ADMIN
            and membership.organisation.kind == OrganisationKind.PUBLIC_BUYER)


def require_can_create(user: User) -> None:
    if not can_create_events(user):
        raise NotAllowed(_("Only platform administrators and administrators of a public buyer can create "
                           "events."))


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
    if start is None:
        raise DialogueError(_("Enter when the event starts."), field="starts_at")
    if end is None:
        raise DialogueError(_("Enter when the event ends."), field="ends_at")
    if end <= start:
        raise DialogueError(_("The event must end after it starts."), field="ends_at")
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


def _clean_slug(slug: str | None, title: str, event: Event | None = None) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        base = slugify(title)[:100] or "event"
        slug, n = base, 2
        while slug in RESERVED_SLUGS or db.session.scalar(select(Event.id).where(Event.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        return slug
    if len(slug) > 120 or not SLUG_RE.match(slug):
        raise DialogueError(_("Use lower-case letters, digits and single hyphens, e.g. nordic-forum-2026."),
                            field="slug")
    if slug in RESERVED_SLUGS:
        raise DialogueError(_("This address is reserved; choose another."), field="slug")
    taken = db.session.scalar(select(Event.id).where(Event.slug == slug))
    if taken is not None and (event is None or taken != event.id):
        raise Conflict(_("Another event already uses this address; choose another."), field="slug")
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
        raise DialogueError(_("Choose at least one public buyer to co-host the event."), field="cohosts")
    for org in hosts:
        _require_public_buyer(org)
    event = Event(slug=_clean_slug(slug, values["title"]), status=EventStatus.DRAFT, created_by_id=creator.id,
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

    The address of a published event does not change: links to it are already out.
    """
    _require_not_closed(event)
    values = _validate(details)
    if slug is not None and slug.strip() and slug.strip() != event.slug:
        if event.status != EventStatus.DRAFT:
            raise DialogueError(_("The address of a published event cannot change: people have the link."),
                                field="slug")
        event.slug = _clean_slug(slug, values["title"], event)
    changed = any(getattr(event, name) != values[name] for name in CALENDAR_FIELDS)
    for name, value in values.items():
        setattr(event, name, value)
    if event.status == EventStatus.PUBLISHED or event.status == EventStatus.REGISTRATION_CLOSED:
        _check_publishable(event)
    if changed:
        event.sequence += 1
        record_action(actor, "event.reschedule", f"Changed the time, place or title: {when(event)}"
                      + (f", {event.venue}" if event.venue else ""), event=event)
        if event.status in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED):
            from dialogue.registrations import mail

            mail.notify_event_changed(event)
    return changed


def _require_not_closed(event: Event) -> None:
    if event.status in (EventStatus.CANCELLED, EventStatus.FINISHED):
        raise Conflict(_("This event is %(status)s and can no longer be changed.",
                         status=status_label(event.status)))


# --- life cycle -------------------------------------------------------------------------------------

STATUS_LABELS = {
    EventStatus.DRAFT: _l("draft"),
    EventStatus.PUBLISHED: _l("published"),
    EventStatus.REGISTRATION_CLOSED: _l("registration closed"),
    EventStatus.FINISHED: _l("finished"),
    EventStatus.CANCELLED: _l("cancelled"),
}

# action: (states it may start from, resulting state)
TRANSITIONS = {
    "publish": ({EventStatus.DRAFT}, EventStatus.PUBLISHED),
    "close_registration": ({EventStatus.PUBLISHED}, EventStatus.REGISTRATION_CLOSED),
    "reopen_registration": ({EventStatus.REGISTRATION_CLOSED}, EventStatus.PUBLISHED),
    "finish": ({EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED}, EventStatus.FINISHED),
    "cancel": ({EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED}, EventStatus.CANCELLED),
}


def status_label(status: EventStatus) -> str:
    return str(STATUS_LABELS[EventStatus(status)])


def _check_publishable(event: Event) -> None:
    if event.format in (EventFormat.IN_PERSON, EventFormat.HYBRID) and not event.venue:
        raise DialogueError(_("Enter the venue: people need to know where to go."), field="venue")
    if event.format in (EventFormat.ONLINE, EventFormat.HYBRID) and not event.online_url:
        raise DialogueError(_("Enter the online link for an online or hybrid event. Only registered "
                              "participants see it."), field="online_url")


def change_status(event: Event, action: str, *, reason: str = "", now: dt.datetime | None = None,
                  actor: User | None = None) -> EventStatus:
    """Move the event along its life cycle: draft -> published <-> registration closed -> finished,
    or cancelled from any state before finished; finishing is possible once the event has started.
    The features react to ``event_cancelled`` (registrants are told, with a calendar cancellation;
    meetings, requests and survey invitations end) and to ``event_status_changed``."""
    now = now or utcnow()
    if action not in TRANSITIONS:
        raise DialogueError(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if event.status not in sources:
        raise Conflict(_("This event is %(status)s: it cannot be %(action)s.", status=status_label(event.status),
                         action=str(ACTION_PAST[action])))
    if action == "publish":
        _check_publishable(event)
        if not event.cohosts:
            raise DialogueError(_("Add at least one co-host before publishing."))
    if action == "finish" and now < event.starts_at:
        raise Conflict(_("The event has not started yet: it can be marked finished once it has started."))
    if action == "cancel":
        reason = (reason or "").strip()
        if len(reason) > 2000:
            raise DialogueError(_("Use at most %(n)d characters.", n=2000), field="reason")
        event.status = target
        event.sequence += 1
        record_action(actor, "event.cancel", "Cancelled the event" + (f": {reason}" if reason else ""),
                      event=event, reason=reason or None)
        db.session.flush()
        event_cancelled.send(event, actor=actor, now=now, reason=reason)
        return target
    previous = event.status
    event.status = target
    record_action(actor, f"event.{action}", AUDIT_SUMMARIES[action], event=event, status=target.value,
                  previous=previous.value)
    db.session.flush()
    event_status_changed.send(event, actor=actor, now=now, reason="", previous=previous, status=target)
    return target


# What the audit log says; stored in one language like the rest of the record.
AUDIT_SUMMARIES = {"publish": "Published the event", "close_registration": "Closed registration",
                   "reopen_registration": "Reopened registration", "finish": "Marked the event finished",
                   "cancel": "Cancelled the event"}

ACTION_PAST = {"publish": _l("published"), "close_registration": _l("closed for registration"),
               "reopen_registration": _l("reopened for registration"), "finish": _l("marked finished"),
               "cancel": _l("cancelled")}


# --- co-hosts and staff -----------------------------------------------------------------------------

def _require_public_buyer(org: Organisation) -> None:
    if org.kind != OrganisationKind.PUBLIC_BUYER:
        raise DialogueError(_("%(name)s is not a public buyer: only public buyers co-host events.",
                              name=org.name), field="cohosts")


def add_cohost(event: Event, org: Organisation, *, actor: User | None = None) -> EventCoHost:
    _require_not_closed(event)
    _require_public_buyer(org)
    if any(c.organisation_id == org.id for c in event.cohosts):
        raise Conflict(_("%(name)s already co-hosts this event.", name=org.name), field="organisation")
    cohost = EventCoHost(organisation=org)
    event.cohosts.append(cohost)
    db.session.flush()
    record_action(actor, "event.cohost_add", f"Added {org.name} as a co-host", event=event, organisation=org.name)
    return cohost


def remove_cohost(event: Event, cohost: EventCoHost, *, actor: User | None = None) -> None:
    """An event keeps at least one co-host; the removed co-host's people lose their staff roles."""
    _require_not_closed(event)
    if cohost.event_id != event.id:
        raise NotFound(_("This organisation does not co-host this event."))
    if len(event.cohosts) <= 1:
        raise Conflict(_("An event needs at least one co-host. Add another before removing this one."))
    leaving = [s for s in event.staff if s.user.membership is not None
               and s.user.membership.organisation_id == cohost.organisation_id and not s.user.is_admin]
    remaining_organisers = [s for s in event.staff if s.role == StaffRole.ORGANISER and s not in leaving]
    if not remaining_organisers:
        raise Conflict(_("The organisers of this event all belong to %(name)s. Give someone of another "
                         "co-host the organiser role first.", name=cohost.organisation.name))
    for staff in leaving:
        event.staff.remove(staff)
    event.cohosts.remove(cohost)
    record_action(actor, "event.cohost_remove", f"Removed {cohost.organisation.name} as a co-host"
                  + (f"; {len(leaving)} of its people lost their role" if leaving else ""), event=event,
                  organisation=cohost.organisation.name, roles_removed=[s.user.name for s in leaving] or None)


def add_staff(event: Event, email: str, role: StaffRole | str, *, actor: User | None = None) -> EventStaff:
    """Give a person of a co-host the organiser or check-in role (or change the role they have)."""
    _require_not_closed(event)
    try:
        role = StaffRole(role)
    except ValueError:
        raise DialogueError(_("Choose organiser or check-in."), field="role") from None
    address = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        raise NotFound(_("No one with this email address has an account. Ask them to sign up first."),
                       field="email")
    host_ids = {c.organisation_id for c in event.cohosts}
    if not user.is_admin and (user.membership is None or user.membership.organisation_id not in host_ids):
        raise NotAllowed(_("%(name)s does not belong to a co-host of this event. Only staff of the co-hosts "
                           "can organise or run the door.", name=user.name), field="email")
    staff = next((s for s in event.staff if s.user_id == user.id), None)
    if staff is None:
        staff = EventStaff(user=user, role=role)
        event.staff.append(staff)
        record_action(actor, "event.staff_add", f"Gave {user.name} the {role.value} role", event=event,
                      person=user.name, role=role.value)
    elif staff.role != role:
        if staff.role == StaffRole.ORGANISER and _organiser_count(event) <= 1:
            raise Conflict(_("An event needs at least one organiser."), field="role")
        record_action(actor, "event.staff_change", f"Changed the role of {user.name} from {staff.role.value} "
                      f"to {role.value}", event=event, person=user.name, role=role.value)
        staff.role = role
    db.session.flush()
    return staff


def remove_staff(event: Event, staff: EventStaff, *, actor: User | None = None) -> None:
    if staff.event_id != event.id:
        raise NotFound(_("This person has no role on this event."))
    if staff.role == StaffRole.ORGANISER and _organiser_count(event) <= 1:
        raise Conflict(_("An event needs at least one organiser. Give someone else the role first."))
    record_action(actor, "event.staff_remove", f"Removed the {staff.role.value} role of {staff.user.name}",
                  event=event, person=staff.user.name, role=staff.role.value)
    event.staff.remove(staff)


def _organiser_count(event: Event) -> int:
    return sum(1 for s in event.staff if s.role == StaffRole.ORGANISER)


# --- places -----------------------------------------------------------------------------------------

def set_capacity(event: Event, total: int | None, per_role: Mapping[str, int | None]) -> list[Registration]:
    """Set the total number of places and the places per role (None: no limit).

    Lowering a limit never takes a place away from someone confirmed; raising one promotes people
    from the waiting list at once. Returns those promoted.
    """
    from dialogue.registrations import services as registrations

    _require_not_closed(event)
    registrations.lock_event(event)
    if total is not None and total < 0:
        raise DialogueError(_("Enter zero or more places, or leave empty for no limit."), field="capacity")
    event.capacity = total
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
    return registrations.promote_waitlist(event)


# --- reading ----------------------------------------------------------------------------------------

def role_counts(event: Event) -> dict[str, dict[str, int]]:
    """{role: {"confirmed": n, "waitlisted": n, "pending": n, "checked_in": n}} in one query."""
    rows = db.session.execute(
        select(Registration.role, Registration.state, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id,
               Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.WAITLISTED,
                                       RegistrationState.PENDING]))
        .group_by(Registration.role, Registration.state)).all()
    counts = {role.value: {"confirmed": 0, "waitlisted": 0, "pending": 0, "checked_in": 0}
              for role in ParticipantRole}
    for role, state, n, checked_in in rows:
        counts[ParticipantRole(role).value][RegistrationState(state).value] = n
        if state == RegistrationState.CONFIRMED:
            counts[ParticipantRole(role).value]["checked_in"] = checked_in
    return counts


def list_home_events(now: dt.datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Public events: upcoming (soonest first) and past (latest first), in two queries."""
    now = now or utcnow()
    query = (select(Event).where(Event.status != EventStatus.DRAFT)
             .options(selectinload(Event.cohosts).joinedload(EventCoHost.organisation)))
    past_filter = or_(Event.ends_at < now, Event.status == EventStatus.FINISHED)
    upcoming = list(db.session.scalars(query.where(~past_filter).order_by(Event.starts_at, Event.id)))
    past = list(db.session.scalars(query.where(past_filter).order_by(Event.starts_at.desc(), Event.id).limit(50)))
    return upcoming, past


def list_my_events(user: User) -> list[tuple[Event, StaffRole | None, Registration | None]]:
    """Events the person helps run or is registered for, with their role on each."""
    staff = dict(db.session.execute(select(EventStaff.event_id, EventStaff.role)
                                    .where(EventStaff.user_id == user.id)).all())
    regs = {r.event_id: r for r in db.session.scalars(
        select(Registration).where(Registration.user_id == user.id,
                                   Registration.state.in_([RegistrationState.CONFIRMED, RegistrationState.PENDING,
                                                           RegistrationState.WAITLISTED])))}
    ids = set(staff) | set(regs)
    if not ids:
        return []
    events = db.session.scalars(
        select(Event).where(Event.id.in_(ids)).options(selectinload(Event.cohosts).joinedload(
            EventCoHost.organisation))
        .order_by(case((Event.ends_at < utcnow(), 1), else_=0), Event.starts_at))
    return [(e, staff.get(e.id), regs.get(e.id)) for e in events]


def public_buyers() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.PUBLIC_BUYER)
                                   .order_by(Organisation.name)))


def staff_candidates(event: Event) -> list[User]:
    """People of the co-hosts, for the staff form."""
    host_ids = [c.organisation_id for c in event.cohosts]
    return list(db.session.scalars(select(User).join(Membership).where(Membership.organisation_id.in_(host_ids))
                                   .order_by(User.name)))


def when(event: Event) -> str:
    """'Wed 03 Oct 2018, 09:00 – 17:00 (Europe/Amsterdam)', the zone named once."""
    start = format_local(event.starts_at, event.timezone)
    local_start = event.starts_at.astimezone(_zone(event.timezone))
    local_end = event.ends_at.astimezone(_zone(event.timezone))
    if local_start.date() == local_end.date():
        return start.replace(f" ({event.timezone})", "") + f" – {local_end:%H:%M} ({event.timezone})"
    return start.replace(f" ({event.timezone})", "") + " – " + format_local(event.ends_at, event.timezone)


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def agenda_days(event: Event) -> list[tuple[dt.date, list]]:
    """The sessions grouped by their day in the event's zone, in time order."""
    days: dict[dt.date, list] = {}
    zone = _zone(event.timezone)
    for session in event.sessions:
        days.setdefault(session.starts_at.astimezone(zone).date(), []).append(session)
    return list(days.items())
