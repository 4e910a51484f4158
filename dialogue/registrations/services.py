"""Registration: roles, places and the waiting list, consent, cancelling (moderation and questions apart).

Places are decided under a lock on the event row (SELECT ... FOR UPDATE on PostgreSQL), so two
people taking the last place at once end with one confirmed and one on the waiting list, and a
freed place is given to exactly one person from the waiting list. SQLite serialises writers,
which gives the same outcome there. The partial unique index on registrations is the backstop
for one active registration per person and event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, true

from dialogue.audit.services import record_action
from dialogue.core.consent import Wording
from dialogue.core.databases import flush_unique, lock_row
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.signals import registration_ended
from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.models import (
    ACTIVE_STATES,
    Attendance,
    Event,
    EventFormat,
    EventStatus,
    ParticipantRole,
    Registration,
    RegistrationAnswer,
    RegistrationState,
    RoleCapacity,
    User,
    utcnow,
)
from dialogue.models.registration import ROLE_PLURALS  # noqa: F401  (read by the role_plural filter)
from dialogue.registrations import eligibility, notify, questions

# Being listed in the participant list is the person's choice, on this wording.
LIST_CONSENT = Wording("2024-1", {"2024-1": _l(
    "Show my name, organisation and role in the participant list of this event. Only registered participants "
    "and the organisers see the list. I can withdraw this at any time.")})
CONSENT_VERSION, CONSENT_TEXT, consent_text = LIST_CONSENT.version, LIST_CONSENT.text, LIST_CONSENT.text_of



def role_label(role) -> str:
    return str(ParticipantRole(role).label)


def state_label(state) -> str:
    return str(RegistrationState(state).label)


# --- the rules for taking part ----------------------------------------------------------------------

def registration_window(event: Event) -> tuple[dt.datetime | None, dt.datetime]:
    """When registration opens (None: now) and closes (default: when the event ends)."""
    return event.registration_opens_at, event.registration_closes_at or event.ends_at


def cancellation_deadline(event: Event) -> dt.datetime:
    return event.cancellation_deadline or event.starts_at


def registration_closed_reason(event: Event, now: dt.datetime | None = None) -> str | None:
    """Why nobody can register now, or None when registration is open."""
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        return _("This event is cancelled.")
    if event.status == EventStatus.FINISHED:
        return _("This event is over.")
    if event.status == EventStatus.DRAFT:
        return _("This event is not published yet.")
    if event.status == EventStatus.REGISTRATION_CLOSED:
        return _("Registration for this event is closed.")
    opens, closes = registration_window(event)
    if opens is not None and now < opens:
        return _("Registration opens on %(when)s.", when=format_local(opens, event.timezone))
    if now >= closes:
        return _("Registration closed on %(when)s.", when=format_local(closes, event.timezone))
    return None


@dataclass
class Places:
    """Confirmed registrations per role and the limits, read under the event lock.

    At a hybrid event each way of taking part has its own total: ``total`` counts those in person,
    ``online_total`` those online (None: no limit); a role's limit counts the role in both ways. At
    any other event ``total`` counts everyone and the way is not asked.
    """

    total: int | None
    per_role: dict[str, int]
    confirmed: dict[str, int] = field(default_factory=dict)
    hybrid: bool = False
    online_total: int | None = None
    online: int = 0  # confirmed online, of those counted in ``confirmed``

    def limit(self, mode: Attendance | str | None = None) -> int | None:
        """The places of one way of taking part (of everyone at an event that is not hybrid)."""
        return self.online_total if self.hybrid and mode == Attendance.ONLINE else self.total

    def taken(self, mode: Attendance | str | None = None) -> int:
        everyone = sum(self.confirmed.values())
        if not self.hybrid:
            return everyone
        return self.online if mode == Attendance.ONLINE else everyone - self.online

    def left(self, mode: Attendance | str | None = None) -> int | None:
        limit = self.limit(mode)
        return None if limit is None else max(limit - self.taken(mode), 0)

    def mode_full(self, mode: Attendance | str | None = None) -> bool:
        limit = self.limit(mode)
        return limit is not None and self.taken(mode) >= limit

    def has_place(self, role: str, mode: Attendance | str | None = None) -> bool:
        if self.mode_full(mode):
            return False
        limit = self.per_role.get(role)
        return limit is None or self.confirmed.get(role, 0) < limit

    def take(self, role: str, mode: Attendance | str | None = None) -> None:
        self.confirmed[role] = self.confirmed.get(role, 0) + 1
        if self.hybrid and mode == Attendance.ONLINE:
            self.online += 1

    def free(self, role: str, mode: Attendance | str | None = None) -> None:
        self.confirmed[role] = self.confirmed.get(role, 0) - 1
        if self.hybrid and mode == Attendance.ONLINE:
            self.online -= 1

    @property
    def full(self) -> bool:
        """No way of taking part has a place left."""
        if not self.hybrid:
            return self.mode_full()
        return self.mode_full(Attendance.IN_PERSON) and self.mode_full(Attendance.ONLINE)


def places(event: Event) -> Places:
    confirmed = dict(db.session.execute(
        select(Registration.role, func.count()).where(Registration.event_id == event.id,
                                                      Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.role)).all())
    limits = dict(db.session.execute(select(RoleCapacity.role, RoleCapacity.capacity)
                                     .where(RoleCapacity.event_id == event.id)).all())
    hybrid = event.format == EventFormat.HYBRID
    online = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED,
        Registration.attendance == Attendance.ONLINE)) if hybrid else 0
    return Places(total=event.capacity, per_role=limits,
                  confirmed={ParticipantRole(r).value: n for r, n in confirmed.items()},
                  hybrid=hybrid, online_total=event.online_capacity, online=online)


def attendance_for(event: Event, attendance: Attendance | str | None) -> Attendance | None:
    """The way of taking part a registration keeps: at a hybrid event only; in person unless told
    otherwise (as registrations made before the choice existed), an unknown way refused."""
    if event.format != EventFormat.HYBRID:
        return None
    if attendance is None or attendance == "":
        return Attendance.IN_PERSON
    try:
        return Attendance(attendance)
    except ValueError:
        raise DialogueError(_("Choose in person or online."), field="attendance") from None


def in_mode(mode: Attendance | None):
    """The registrations that take part in this way (in person includes those made before the event
    became hybrid); every registration when ``mode`` is None."""
    if mode is None:
        return true()
    if mode == Attendance.ONLINE:
        return Registration.attendance == Attendance.ONLINE
    return or_(Registration.attendance.is_(None), Registration.attendance != Attendance.ONLINE)


def mode_of(registration: Registration) -> Attendance | None:
    """How the registration takes part when its event is hybrid (in person unless it chose online)."""
    if registration.event.format != EventFormat.HYBRID:
        return None
    return registration.attendance or Attendance.IN_PERSON


def _active_for(event: Event, user: User) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state.in_(ACTIVE_STATES)).execution_options(populate_existing=True))


# --- registering ------------------------------------------------------------------------------------

def register(event: Event, user: User, role: ParticipantRole | str, *, answers: Mapping[int, str | None] = {},
             consent: bool = False, attendance: Attendance | str | None = None,
             now: dt.datetime | None = None) -> Registration:
    """Register the person's organisation in a role.

    Registration must be open, the person's email confirmed and their organisation known, and the
    role one their organisation's kind allows (``eligibility``: a supplier's staff never register as
    buyers; the organisers may change a role afterwards); one active registration per person. With
    moderation the registration waits for approval; otherwise it is confirmed while there is a place
    in total and for the role, else it joins the waiting list. At a hybrid event the person chooses in
    person or online, and the place and the waiting list are those of their choice.
    """
    now = now or utcnow()
    if not user.is_verified:
        raise NotAllowed(_("Confirm your email address first: use the link we sent you."))
    if user.organisation is None:
        raise NotAllowed(_("Join or create your organisation before registering: you register on its behalf."))
    reason = registration_closed_reason(event, now)
    if reason:
        raise Conflict(reason)
    try:
        role = ParticipantRole(role)
    except ValueError:
        raise DialogueError(_("Choose a role from the list."), field="role") from None
    eligibility.check_role(user, role)
    attendance = attendance_for(event, attendance)
    clean = questions.clean_answers(questions.questions_for(event, role), answers)

    lock_row(event)
    if event.status != EventStatus.PUBLISHED:  # changed while we waited for the lock
        raise Conflict(registration_closed_reason(event, now) or _("Registration is closed."))
    if _active_for(event, user) is not None:
        raise Conflict(_("You are already registered for this event. See your registration."))
    registration = Registration(event=event, user=user, organisation=user.organisation, role=role,
                                attendance=attendance, created_at=now, updated_at=now)
    if event.moderated:
        registration.state = RegistrationState.PENDING
    elif places(event).has_place(role.value, attendance):
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.state = RegistrationState.WAITLISTED
    if consent:
        registration.list_consent_at = now
        registration.list_consent_version = CONSENT_VERSION
    for question_id, value in clean.items():
        registration.answers.append(RegistrationAnswer(question_id=question_id, value=value))
    # Another request of the same person may have won the race; the database index stops the second.
    flush_unique(_("You are already registered for this event. See your registration."), registration)
    notify.notify_registration(registration, {
        RegistrationState.PENDING: "received", RegistrationState.CONFIRMED: "confirmed",
        RegistrationState.WAITLISTED: "waitlisted"}[registration.state])
    return registration


def cancel_registration(registration: Registration, actor: User, *, reason: str = "",
                        now: dt.datetime | None = None) -> list[Registration]:
    """Cancel. The person may until the cancellation deadline; organisers may at any time.

    A freed place goes at once to the next person on the waiting list. Returns those promoted.
    """
    now = now or utcnow()
    event = registration.event
    from dialogue.events.access import is_organiser

    by_organiser = actor.id != registration.user_id
    if by_organiser and not is_organiser(event, actor):
        raise NotAllowed(_("Only the person registered or the organisers can cancel a registration."))
    if not by_organiser and now > cancellation_deadline(event):
        contact = f" ({event.contact_email})" if event.contact_email else ""
        raise Conflict(_("The deadline for cancelling was %(when)s. Write to the organisers%(contact)s.",
                         when=format_local(cancellation_deadline(event), event.timezone), contact=contact))
    lock_row(event)
    db.session.refresh(registration)
    if registration.state not in ACTIVE_STATES:
        raise Conflict(_("This registration is already %(state)s.", state=state_label(registration.state)))
    if by_organiser:
        registration.decision_reason = (reason or "").strip()[:2000] or None
        org = registration.organisation.name if registration.organisation else "?"
        record_action(actor, "registration.cancel", f"Cancelled the registration of {org} "
                      f"({registration.role.value})", event=event, registration_id=registration.id,
                      reason=registration.decision_reason)
    was_confirmed = end_registration(registration, RegistrationState.CANCELLED, actor=actor, now=now,
                                     reason=registration.decision_reason or "", kind="cancelled",
                                     mail_kwargs={"by_organiser": by_organiser})
    return promote_waitlist(event, now=now) if was_confirmed else []


def end_registration(registration: Registration, state: RegistrationState, *, actor: User | None,
                     now: dt.datetime, reason: str, kind: str, mail_kwargs: dict | None = None) -> bool:
    """An active registration becomes cancelled or rejected (the caller holds the event lock and has
    checked who may). The person is told (unless ``mail_kwargs`` is None: nobody to tell), and what
    hangs on their place ends with it (``registration_ended``). Returns whether a place was freed;
    the caller gives it to the waiting list."""
    was_confirmed = registration.state == RegistrationState.CONFIRMED
    registration.state = state
    registration.cancelled_at = now
    registration.updated_at = now
    db.session.flush()
    if mail_kwargs is not None:
        notify.notify_registration(registration, kind, was_confirmed=was_confirmed, **mail_kwargs)
    registration_ended.send(registration, actor=actor, now=now, reason=reason, kind=kind)
    return was_confirmed


def promote_waitlist(event: Event, *, now: dt.datetime | None = None) -> list[Registration]:
    """Give free places to the waiting list, first come first served, each with an email.

    Someone whose role is full waits while a person of another role behind them may take a place
    that only their role can use; at a hybrid event the in-person and the online waiting lists move
    each by their own places in the same way. Nothing moves once the event is over, cancelled or
    unpublished.
    """
    now = now or utcnow()
    lock_row(event)
    if event.status not in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED) or now >= event.ends_at:
        return []
    state = places(event)
    if state.full:
        return []
    # An erased person's registration stays on the record, but nobody can take a place for it.
    waiting = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.state == RegistrationState.WAITLISTED,
                                   Registration.user_id.is_not(None))
        .order_by(Registration.created_at, Registration.id).execution_options(populate_existing=True))
    promoted = []
    for registration in waiting:
        if state.full:
            break
        mode = mode_of(registration)
        if not state.has_place(registration.role.value, mode):
            continue
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
        registration.updated_at = now
        state.take(registration.role.value, mode)
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        notify.notify_registration(registration, "promoted")
    return promoted


# --- consent ----------------------------------------------------------------------------------------

def set_list_consent(registration: Registration, consent: bool, now: dt.datetime | None = None) -> None:
    """Give or withdraw consent to the participant list; each is recorded with its time and wording."""
    now = now or utcnow()
    if consent:
        registration.list_consent_at = now
        registration.list_consent_version = CONSENT_VERSION
        registration.list_consent_withdrawn_at = None
    elif registration.listed:
        registration.list_consent_withdrawn_at = now
    registration.updated_at = now
