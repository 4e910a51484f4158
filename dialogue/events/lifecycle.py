"""An event's life cycle: draft -> published <-> registration closed -> finished, or cancelled.

The features react through ``event_cancelled`` and ``event_status_changed``; a closed event (cancelled
or finished) can no longer be changed (``require_not_closed``).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError
from dialogue.core.signals import event_cancelled, event_status_changed
from dialogue.extensions import db
from dialogue.models import Event, EventFormat, EventStatus, User, utcnow

# action: (states it may start from, resulting state)
TRANSITIONS = {
    "publish": ({EventStatus.DRAFT}, EventStatus.PUBLISHED),
    "close_registration": ({EventStatus.PUBLISHED}, EventStatus.REGISTRATION_CLOSED),
    "reopen_registration": ({EventStatus.REGISTRATION_CLOSED}, EventStatus.PUBLISHED),
    "finish": ({EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED}, EventStatus.FINISHED),
    "cancel": ({EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED}, EventStatus.CANCELLED),
}


def status_label(status: EventStatus) -> str:
    return str(EventStatus(status).label)


def require_not_closed(event: Event) -> None:
    """A cancelled or finished event is the record of what happened: nothing on it changes any more."""
    if event.status in (EventStatus.CANCELLED, EventStatus.FINISHED):
        raise Conflict(_("This event is %(status)s and can no longer be changed.",
                         status=status_label(event.status)))


def check_publishable(event: Event) -> None:
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
        check_publishable(event)
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
