"""Switching between in person and online at a hybrid event.

The rule is kept simple: a confirmed participant switches only into a way of taking part that has
a place left, and otherwise keeps the place they hold (they are told no place is left; they may
try again once one is free); someone checked in at the door stays in person. Someone on a waiting
list moves to the other waiting list, keeping the time they registered, so they stand where their
arrival puts them; someone waiting for the organisers' approval just changes the choice. A place
freed by a switch goes to the first person waiting for that way of taking part, under the same lock
on the event as every change of places.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from dialogue.audit.services import record_action
from dialogue.core.databases import lock_row
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.events.access import is_organiser
from dialogue.extensions import db
from dialogue.models import (
    ACTIVE_STATES,
    Attendance,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from dialogue.registrations.services import mode_of, places, promote_waitlist, state_label


def switch_attendance(registration: Registration, attendance: Attendance | str, actor: User, *,
                      now: dt.datetime | None = None) -> list[Registration]:
    """Move an active registration of a hybrid event to in person or online (see the module's rule).

    The person registered or an organiser may. Returns those promoted into a freed place.
    """

    now = now or utcnow()
    event = registration.event
    if actor.id != registration.user_id and not is_organiser(event, actor):
        raise NotAllowed(_("Only the person registered or the organisers can change this."))
    if event.format != EventFormat.HYBRID:
        raise Conflict(_("This event is not hybrid: there is nothing to choose."))
    try:
        attendance = Attendance(attendance)
    except ValueError:
        raise DialogueError(_("Choose in person or online."), field="attendance") from None
    if event.status not in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED) or now >= event.ends_at:
        raise Conflict(_("This event is over or no longer open: the choice cannot change."))

    lock_row(event)
    db.session.refresh(registration)
    if registration.state not in ACTIVE_STATES:
        raise Conflict(_("This registration is already %(state)s.", state=state_label(registration.state)))
    old = mode_of(registration)
    if attendance == old:
        raise DialogueError(_("You already take part %(how)s.", how=str(attendance.label).lower()),
                            field="attendance")
    if attendance == Attendance.ONLINE and registration.checked_in_at is not None:
        # Checked in at the door, they are in the room: an online place would count them twice.
        raise Conflict(_("You are checked in at the door, so you take part in person."), field="attendance")
    if registration.state == RegistrationState.CONFIRMED and places(event).mode_full(attendance):
        raise Conflict(_("No %(how)s place is left. You keep your %(old)s place.",
                         how=str(attendance.label).lower(), old=str(old.label).lower()), field="attendance")
    registration.attendance = attendance
    registration.updated_at = now
    db.session.flush()
    org = registration.organisation.name if registration.organisation else "?"
    record_action(actor, "registration.attendance", f"{org} ({registration.role.value}) now takes part "
                  f"{attendance.value.replace('_', ' ')} (was {old.value.replace('_', ' ')}, "
                  f"{registration.state.value})", event=event, registration_id=registration.id,
                  attendance_from=old.value, attendance_to=attendance.value)
    # A confirmed switch frees a place in the old way; a waiting one may find a place in the new way.
    if registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED):
        return promote_waitlist(event, now=now)
    return []
