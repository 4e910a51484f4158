"""Registration: roles and questions, places and the waiting list, moderation, consent, cancelling.

Places are decided under a lock on the event row (SELECT ... FOR UPDATE on PostgreSQL), so two
people taking the last place at once end with one confirmed and one on the waiting list, and a
freed place is given to exactly one person from the waiting list. SQLite serialises writers,
which gives the same outcome there. The partial unique index on registrations is the backstop
for one active registration per person and event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dialogue.audit.services import record_action
from dialogue.core.databases import lock_row
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.signals import registration_ended
from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.models import (ACTIVE_STATES, Event, EventStatus, ParticipantRole, QuestionKind, Registration,
                             RegistrationAnswer, RegistrationQuestion, RegistrationState, RoleCapacity, User,
                             utcnow)
from dialogue.registrations import eligibility, mail

# The wording a person agrees to; its version is stored with the consent.
CONSENT_VERSION = "2024-1"
CONSENT_TEXT = _l("Show my name, organisation and role in the participant list of this event. Only "
                  "registered participants and the organisers see the list. I can withdraw this at any time.")
# Every wording ever used, by version, so a consent record says what the person agreed to.
CONSENT_TEXTS = {CONSENT_VERSION: CONSENT_TEXT}


def consent_text(version: str | None) -> str:
    return str(CONSENT_TEXTS[version]) if version in CONSENT_TEXTS else ""

ROLE_LABELS = {
    ParticipantRole.BUYER: _l("Buyer"),
    ParticipantRole.SUPPLIER: _l("Supplier"),
    ParticipantRole.RESELLER: _l("Reseller"),
    ParticipantRole.OBSERVER: _l("Observer"),
    ParticipantRole.SPEAKER: _l("Speaker"),
}
ROLE_PLURALS = {
    ParticipantRole.BUYER: _l("Buyers"),
    ParticipantRole.SUPPLIER: _l("Suppliers"),
    ParticipantRole.RESELLER: _l("Resellers"),
    ParticipantRole.OBSERVER: _l("Observers"),
    ParticipantRole.SPEAKER: _l("Speakers"),
}
STATE_LABELS = {
    RegistrationState.PENDING: _l("waiting for approval"),
    RegistrationState.CONFIRMED: _l("confirmed"),
    RegistrationState.WAITLISTED: _l("on the waiting list"),
    RegistrationState.REJECTED: _l("not accepted"),
    RegistrationState.CANCELLED: _l("cancelled"),
}
MAX_ANSWER = 2000


def role_label(role) -> str:
    return str(ROLE_LABELS[ParticipantRole(role)])


def state_label(state) -> str:
    return str(STATE_LABELS[RegistrationState(state)])


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


def questions_for(event: Event, role: ParticipantRole | str | None) -> list[RegistrationQuestion]:
    """The questions a person in this role answers: those for every role and those for theirs."""
    query = select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
    if role is not None:
        query = query.where((RegistrationQuestion.role.is_(None)) | (RegistrationQuestion.role == str(role)))
    return list(db.session.scalars(query.order_by(RegistrationQuestion.position, RegistrationQuestion.id)))


def _clean_answers(questions: list[RegistrationQuestion], answers: Mapping[int, str | None]) -> dict[int, str]:
    clean: dict[int, str] = {}
    for question in questions:
        value = (answers.get(question.id) or "").strip()
        field_name = f"q_{question.id}"
        if question.kind == QuestionKind.CHOICE and value and value not in question.choices:
            raise DialogueError(_("Choose one of the options."), field=field_name)
        if question.kind == QuestionKind.YES_NO and value and value not in ("yes", "no"):
            raise DialogueError(_("Answer yes or no."), field=field_name)
        if len(value) > MAX_ANSWER:
            raise DialogueError(_("Use at most %(n)d characters.", n=MAX_ANSWER), field=field_name)
        if question.required and not value:
            raise DialogueError(_("Answer this question: %(q)s", q=question.text), field=field_name)
        if value:
            clean[question.id] = value
    return clean


@dataclass
class Places:
    """Confirmed registrations per role and the limits, read under the event lock."""

    total: int | None
    per_role: dict[str, int]
    confirmed: dict[str, int] = field(default_factory=dict)

    def has_place(self, role: str) -> bool:
        if self.total is not None and sum(self.confirmed.values()) >= self.total:
            return False
        limit = self.per_role.get(role)
        return limit is None or self.confirmed.get(role, 0) < limit

    def take(self, role: str) -> None:
        self.confirmed[role] = self.confirmed.get(role, 0) + 1

    @property
    def full(self) -> bool:
        return self.total is not None and sum(self.confirmed.values()) >= self.total


def places(event: Event) -> Places:
    confirmed = dict(db.session.execute(
        select(Registration.role, func.count()).where(Registration.event_id == event.id,
                                                      Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.role)).all())
    limits = dict(db.session.execute(select(RoleCapacity.role, RoleCapacity.capacity)
                                     .where(RoleCapacity.event_id == event.id)).all())
    return Places(total=event.capacity, per_role=limits,
                  confirmed={ParticipantRole(r).value: n for r, n in confirmed.items()})


def _active_for(event: Event, user: User) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state.in_(ACTIVE_STATES)).execution_options(populate_existing=True))


# --- registering ------------------------------------------------------------------------------------

def register(event: Event, user: User, role: ParticipantRole | str, *, answers: Mapping[int, str | None] = {},
             consent: bool = False, now: dt.datetime | None = None) -> Registration:
    """Register the person's organisation in a role.

    Registration must be open, the person's email confirmed and their organisation known, and the
    role one their organisation's kind allows (``eligibility``: a supplier's staff never register as
    buyers; the organisers may change a role afterwards); one active registration per person. With
    moderation the registration waits for approval; otherwise it is confirmed while there is a place
    in total and for the role, else it joins the waiting list.
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
    clean = _clean_answers(questions_for(event, role), answers)

    lock_row(event)
    if event.status != EventStatus.PUBLISHED:  # changed while we waited for the lock
        raise Conflict(registration_closed_reason(event, now) or _("Registration is closed."))
    if _active_for(event, user) is not None:
        raise Conflict(_("You are already registered for this event. See your registration."))
    registration = Registration(event=event, user=user, organisation=user.organisation, role=role,
                                created_at=now, updated_at=now)
    if event.moderated:
        registration.state = RegistrationState.PENDING
    elif places(event).has_place(role.value):
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.state = RegistrationState.WAITLISTED
    if consent:
        registration.list_consent_at = now
        registration.list_consent_version = CONSENT_VERSION
    for question_id, value in clean.items():
        registration.answers.append(RegistrationAnswer(question_id=question_id, value=value))
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # Another request of the same person won the race; the database index stopped the second.
        raise Conflict(_("You are already registered for this event. See your registration.")) from None
    mail.notify_registration(registration, {
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
        mail.notify_registration(registration, kind, was_confirmed=was_confirmed, **mail_kwargs)
    registration_ended.send(registration, actor=actor, now=now, reason=reason, kind=kind)
    return was_confirmed


def promote_waitlist(event: Event, *, now: dt.datetime | None = None) -> list[Registration]:
    """Give free places to the waiting list, first come first served, each with an email.

    Someone whose role is full waits while a person of another role behind them may take a place
    that only their role can use. Nothing moves once the event is over, cancelled or unpublished.
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
        if not state.has_place(registration.role.value):
            continue
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
        registration.updated_at = now
        state.take(registration.role.value)
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        mail.notify_registration(registration, "promoted")
    return promoted


# --- moderation -------------------------------------------------------------------------------------

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
    state = places(event)
    for registration in _for_decision(event, registration_ids):
        if registration.state != RegistrationState.PENDING:
            decision.skipped.append(registration)
            continue
        registration.decision_reason = (reason or "").strip()[:2000] or None
        registration.updated_at = now
        if state.has_place(registration.role.value):
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = now
            state.take(registration.role.value)
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
        mail.notify_registration(registration, "confirmed")
    for registration in decision.waitlisted:
        mail.notify_registration(registration, "waitlisted")
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
        freed |= end_registration(registration, RegistrationState.REJECTED, actor=actor, now=now, reason=reason,
                                  kind="rejected", mail_kwargs={})
        decision.rejected.append(registration)
    if freed:
        decision.promoted = promote_waitlist(event, now=now)
    record_action(actor, "registration.reject", f"Rejected {len(decision.rejected)} registrations"
                  + (f", {len(decision.skipped)} already decided" if decision.skipped else "")
                  + (f"; {len(decision.promoted)} promoted from the waiting list" if decision.promoted else "")
                  + f". Reason: {reason}", event=event, rejected=len(decision.rejected),
                  skipped=len(decision.skipped), promoted=len(decision.promoted), reason=reason)
    return decision


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


# --- questions --------------------------------------------------------------------------------------

def add_question(event: Event, *, text: str, kind: QuestionKind | str, role: str | None = None,
                 choices: Iterable[str] = (), required: bool = False) -> RegistrationQuestion:
    """An organiser's question on the registration form, for one role or for all."""
    from dialogue.events.lifecycle import require_not_closed

    require_not_closed(event)
    text = (text or "").strip()
    if not text:
        raise DialogueError(_("Enter the question."), field="text")
    if len(text) > 500:
        raise DialogueError(_("Use at most %(n)d characters.", n=500), field="text")
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise DialogueError(_("Choose the kind of answer."), field="kind") from None
    if role:
        try:
            role = ParticipantRole(role).value
        except ValueError:
            raise DialogueError(_("Choose a role from the list."), field="role") from None
    options = list(dict.fromkeys(c.strip() for c in choices if c and c.strip()))
    if kind == QuestionKind.CHOICE:
        if len(options) < 2:
            raise DialogueError(_("Give at least two options, one per line."), field="choices")
        if len(options) > 50 or any(len(o) > 200 for o in options):
            raise DialogueError(_("Give at most 50 options of at most 200 characters."), field="choices")
    else:
        options = []
    position = db.session.scalar(select(func.coalesce(func.max(RegistrationQuestion.position), 0))
                                 .where(RegistrationQuestion.event_id == event.id)) + 1
    question = RegistrationQuestion(event=event, text=text, kind=kind, role=role or None, choices=options,
                                    required=bool(required), position=position)
    db.session.add(question)
    db.session.flush()
    return question


def delete_question(event: Event, question: RegistrationQuestion, *, actor: User | None = None) -> None:
    """Remove a question; answers already given go with it."""
    if question.event_id != event.id:
        raise NotFound(_("This question is not on this event's form."))
    answers = db.session.scalar(select(func.count()).select_from(RegistrationAnswer)
                                .where(RegistrationAnswer.question_id == question.id))
    record_action(actor, "registration.question_delete", f"Deleted the registration question “{question.text}” "
                  f"with {answers} answers", event=event, answers=answers)
    db.session.delete(question)


def answer_text(question: RegistrationQuestion, value: str | None) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("yes") if value == "yes" else _("no") if value == "no" else value
    return value
