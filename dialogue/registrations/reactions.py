"""What registrations do when an account is erased, or an event is cancelled, moved or given more places.

An erased account gives up its places at every event that has not ended, before the features
anonymise what stays: each freed place goes to the next person on the waiting list (a real person:
an erased registration is never promoted), and the meetings, requests and survey invitations that
hung on the place end with it (``registration_ended``, kind "erased"). Registrations of events that
have ended stay as they are: they are the record of who took part.

When the calendar entry of a published event moves, everyone registered gets the updated entry;
when its places change, free places go to the waiting list at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.databases import lock_row
from dialogue.core.signals import account_erasing, event_cancelled, event_capacity_changed, event_details_changed
from dialogue.extensions import db
from dialogue.models import ACTIVE_STATES, Event, EventStatus, Registration, RegistrationState, User
from dialogue.registrations import notify, services


@account_erasing.connect
def on_account_erasing(user, *, actor: User | None = None, now: dt.datetime, reason: str = "", **_extra) -> None:
    registrations = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.state.in_(list(ACTIVE_STATES)), Event.ends_at > now)
        .order_by(Registration.id)).all()
    for registration in registrations:
        event = registration.event
        lock_row(event)
        db.session.refresh(registration)
        if registration.state not in ACTIVE_STATES:
            continue
        org = registration.organisation.name if registration.organisation else "?"
        record_action(actor, "registration.erase", f"Cancelled the registration of {org} "
                      f"({registration.role.value}): the account was erased", event=event,
                      registration_id=registration.id)
        # Nobody to tell: the person is leaving; the mail would only keep their address.
        freed = services.end_registration(registration, RegistrationState.CANCELLED, actor=actor, now=now,
                                          reason=reason, kind="erased", mail_kwargs=None)
        if freed:
            services.promote_waitlist(event, now=now)
    db.session.flush()


@event_cancelled.connect
def on_event_cancelled(event, *, reason: str = "", **_extra) -> None:
    """Everyone registered hears it; confirmed people get the calendar cancellation."""
    notify.notify_event_cancelled(event, reason)


@event_details_changed.connect
def on_event_details_changed(event, *, calendar: bool = False, **_extra) -> None:
    """The people registered for a published event get the moved or renamed calendar entry."""
    if calendar and event.status in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED):
        notify.notify_event_changed(event)


@event_capacity_changed.connect
def on_event_capacity_changed(event, *, now: dt.datetime, **_extra) -> list[Registration]:
    """More places: the people waiting take them at once; these are returned so the organisers hear how many."""
    return services.promote_waitlist(event, now=now)
