"""Moderation: the organisers approve registrations waiting for it, or reject active ones with a reason.

Decisions are taken under the lock on the event row, like every change to its places.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.databases import lock_row
from dialogue.core.errors import DialogueError, NotFound
from dialogue.extensions import db
from dialogue.models import ACTIVE_STATES, Event, Registration, RegistrationState, User, utcnow
from dialogue.registrations import notify, services


@dataclass
class Decision:
    confirmed: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    rejected: list[Registration] = field(default_factory=list)
    skipped: list[Registration] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)


def _for_decision(event: Event, ids: Iterable[int]) -> list[Registration]:
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise DialogueError(_("Choose at least one registration."), field="registration_ids")
    found = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                               Registration.id.in_(ids))
                                    .order_by(Registration.created_at, Registration.id)
                                    .execution_options(populate_existing=True)))
    if len(found) != len(ids):
        raise NotFound(_("Some of the chosen registrations are not on this event."), field="registration_ids")
    return found


def approve(event: Event, registration_ids: Iterable[int], actor: User, *, reason: str = "",
            now: dt.datetime | None = None) -> Decision:
    """Approve pending registrations, oldest first: confirmed while places last, then waiting list."""
    now = now or utcnow()
    lock_row(event)
    decision = Decision()
    state = services.places(event)
    for registration in _for_decision(event, registration_ids):
        if registration.state != RegistrationState.PENDING:
            decision.skipped.append(registration)
            continue
        registration.decision_reason = (reason or "").strip()[:2000] or None
        registration.updated_at = now
        mode = services.mode_of(registration)
        if state.has_place(registration.role.value, mode):
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = now
            state.take(registration.role.value, mode)
            decision.confirmed.append(registration)
        else:
            registration.state = RegistrationState.WAITLISTED
            decision.waitlisted.append(registration)
    db.session.flush()
    record_action(actor, "registration.approve",
                  f"Approved {len(decision.confirmed) + len(decision.waitlisted)} registrations: "
                  f"{len(decision.confirmed)} confirmed, {len(decision.waitlisted)} to the waiting list"
                  + (f", {len(decision.skipped)} already decided" if decision.skipped else ""), event=event,
                  confirmed=len(decision.confirmed), waitlisted=len(decision.waitlisted),
                  skipped=len(decision.skipped))
    for registration in decision.confirmed:
        notify.notify_registration(registration, "confirmed")
    for registration in decision.waitlisted:
        notify.notify_registration(registration, "waitlisted")
    return decision


def reject(event: Event, registration_ids: Iterable[int], actor: User, *, reason: str,
           now: dt.datetime | None = None) -> Decision:
    """Reject active registrations with a reason the person reads; freed places go to the waiting list."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise DialogueError(_("Give a reason: the people you reject read it in their email."), field="reason")
    if len(reason) > 2000:
        raise DialogueError(_("Use at most %(n)d characters.", n=2000), field="reason")
    lock_row(event)
    decision = Decision()
    freed = False
    for registration in _for_decision(event, registration_ids):
        if registration.state not in ACTIVE_STATES:
            decision.skipped.append(registration)
            continue
        registration.decision_reason = reason
        freed |= services.end_registration(registration, RegistrationState.REJECTED, actor=actor, now=now,
                                           reason=reason, kind="rejected", mail_kwargs={})
        decision.rejected.append(registration)
    if freed:
        decision.promoted = services.promote_waitlist(event, now=now)
    record_action(actor, "registration.reject", f"Rejected {len(decision.rejected)} registrations"
                  + (f", {len(decision.skipped)} already decided" if decision.skipped else "")
                  + (f"; {len(decision.promoted)} promoted from the waiting list" if decision.promoted else "")
                  + f". Reason: {reason}", event=event, rejected=len(decision.rejected),
                  skipped=len(decision.skipped), promoted=len(decision.promoted), reason=reason)
    return decision
