"""The organisers' decision on a registration's role: change it, or grant an exception to the rule.

A person registers in a role their organisation's kind allows (``eligibility``). When someone takes
part in another capacity, for example a consultancy acting for a buyer, the organisers change the
registration's role with a reason. The change is immediate; the reason is kept on the registration,
shown to the person and written to the audit log, so the record says why they acted in that role.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from dialogue.audit.services import record_action
from dialogue.core.databases import lock_row
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.signals import registration_role_changed
from dialogue.extensions import db
from dialogue.models import ACTIVE_STATES, EventStatus, ParticipantRole, Registration, RegistrationState, User, utcnow
from dialogue.registrations import eligibility
from dialogue.registrations.services import places, promote_waitlist, role_label, state_label

MAX_REASON = 2000


def change_role(registration: Registration, role: ParticipantRole | str, actor: User, *, reason: str,
                now: dt.datetime | None = None) -> list[Registration]:
    """Set the role of an active registration, as an organiser, with a reason. Returns those promoted.

    A role the organisation's kind allows clears any earlier exception; any other role is an
    exception the organisers grant. Either way the registration is no longer flagged for review:
    keeping a flagged registration's role is how an exception is granted for it. A confirmed
    registration moves only into a role with a place left; a place it frees in its old role goes
    to the waiting list, and a waiting registration moved to a role with a free place takes it in turn.
    """
    from dialogue.events.access import is_organiser

    now = now or utcnow()
    event = registration.event
    if not is_organiser(event, actor):
        raise NotAllowed(_("Only the organisers of this event can do this."))
    if event.status == EventStatus.CANCELLED:
        raise Conflict(_("This event is cancelled."))
    if event.status == EventStatus.FINISHED:
        raise Conflict(_("This event is over."))
    try:
        role = ParticipantRole(role)
    except ValueError:
        raise DialogueError(_("Choose a role from the list."), field="role") from None
    reason = (reason or "").strip()
    if not reason:
        raise DialogueError(_("Give the reason: the person sees it with their registration."), field="reason")
    if len(reason) > MAX_REASON:
        raise DialogueError(_("Use at most %(n)d characters.", n=MAX_REASON), field="reason")

    lock_row(event)
    db.session.refresh(registration)
    if registration.state not in ACTIVE_STATES:
        raise Conflict(_("This registration is already %(state)s.", state=state_label(registration.state)))
    old = registration.role
    kind = registration.organisation.kind if registration.organisation is not None else None
    fits = eligibility.fits(kind, role)
    if role == old and fits and registration.role_flagged_at is None:
        raise DialogueError(_("The registration already has this role."), field="role")
    moving = registration.state == RegistrationState.CONFIRMED and role != old
    if moving:
        state = places(event)
        limit = state.per_role.get(role.value)
        if limit is not None and state.confirmed.get(role.value, 0) >= limit:
            raise Conflict(_("No place is left for the role %(role)s.", role=role_label(role)), field="role")

    registration.role = role
    registration.role_flagged_at = None
    if fits:
        registration.role_exception_reason = None
        registration.role_exception_by_id = None
        registration.role_exception_at = None
    else:
        registration.role_exception_reason = reason
        registration.role_exception_by_id = actor.id
        registration.role_exception_at = now
    registration.updated_at = now
    db.session.flush()

    org = registration.organisation.name if registration.organisation else "?"
    kind_text = kind.value if kind is not None else "none"
    if fits:
        summary = f"Set the role of {org} ({kind_text}) from {old.value} to {role.value}"
    else:
        summary = f"Granted an exception: {org} ({kind_text}) takes part as {role.value}" + (
            f" (was {old.value})" if role != old else "")
    record_action(actor, "registration.role", f"{summary}. Reason: {reason}", event=event,
                  registration_id=registration.id, role_from=old.value, role_to=role.value,
                  exception=not fits, reason=reason)
    if role != old:
        registration_role_changed.send(registration, actor=actor, now=now, reason=reason, previous=old)
    # A confirmed person leaving a role frees a place in it; someone waiting who changes role may find
    # a place free in the new one (and waits no longer than anyone behind them).
    return promote_waitlist(event, now=now) if role != old else []
