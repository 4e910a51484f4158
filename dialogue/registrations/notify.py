"""Mail about registrations and events, written to the outbox with the change it reports.

Every message carries the event's id, so the organisers can follow its delivery. Each
recipient gets a message of their own (no one sees who else received it), in their language.
Confirmations carry the ticket's QR code and the event as an invitation
(``text/calendar; method=REQUEST``); a cancelled place or event carries ``method=CANCEL``, so
the entry leaves the person's calendar.
"""

from __future__ import annotations

from typing import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dialogue.audit.services import record_action
from dialogue.core import ical
from dialogue.core.deferred import ndeferred
from dialogue.core.errors import DialogueError
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.jobs.queue import Run, job_task
from dialogue.jobs.services import create_job
from dialogue.models import ACTIVE_STATES, Event, Job, OutboxMessage, Registration, RegistrationState, User
from dialogue.outbox.services import Attachment, enqueue_mail, mail_locale

CATEGORY = "registration.{kind}"


def send(event: Event, user: User, subject, template: str, *, category: str,
         attachments: Iterable[Attachment] = (), reply_to: str | None = None, **context) -> OutboxMessage:
    """One message to one person about one event, rendered in their language (``subject`` is a lazy
    string, or the organisers' own words). Build the attachments under ``mail_locale(user.locale)``
    too, so their calendar text is in the same language."""
    message = enqueue_mail([user.email], subject, template, locale=user.locale, attachments=attachments,
                           category=category, reply_to=reply_to or event.contact_email, event=event, user=user,
                           event_url=external_url("events.detail", slug=event.slug), **context)
    message.event_id = event.id
    return message


def invitation(registration: Registration) -> Attachment:
    from dialogue.events.calendar import event_calendar, personal_sequence

    cal = event_calendar(registration.event, method="REQUEST", attendee=registration.user, include_online=True,
                         sequence=personal_sequence(registration))
    return Attachment("invite.ics", "text/calendar; method=REQUEST", ical.to_bytes(cal))


def cancellation(registration: Registration, *, own_place: bool = True) -> Attachment:
    """The entry leaves the calendar. When the person's place goes (not the whole event, whose own
    SEQUENCE moves on), their counter moves on, so a later invitation is newer than this."""
    from dialogue.events.calendar import event_calendar, personal_sequence

    cal = event_calendar(registration.event, method="CANCEL", attendee=registration.user,
                         sequence=personal_sequence(registration, cancelling=own_place))
    return Attachment("cancel.ics", "text/calendar; method=CANCEL", ical.to_bytes(cal))


def _subject(kind: str, title: str):
    return {
        "received": _l("Registration received: %(title)s", title=title),
        "confirmed": _l("You are registered: %(title)s", title=title),
        "waitlisted": _l("On the waiting list: %(title)s", title=title),
        "promoted": _l("A place is yours: %(title)s", title=title),
        "rejected": _l("Registration not accepted: %(title)s", title=title),
        "cancelled": _l("Registration cancelled: %(title)s", title=title),
    }[kind]


def notify_registration(registration: Registration, kind: str, *, was_confirmed: bool = False,
                        by_organiser: bool = False) -> OutboxMessage | None:
    """The mail for a registration's new state: received, confirmed, waitlisted, promoted, rejected
    or cancelled."""
    from dialogue.registrations import door
    from dialogue.registrations.services import cancellation_deadline, role_label

    user, event = registration.user, registration.event
    if user is None:
        return None
    with mail_locale(user.locale):
        attachments: list[Attachment] = []
        if kind in ("confirmed", "promoted"):
            attachments = [Attachment("ticket-qr.png", "image/png", door.qr_png(registration)),
                           invitation(registration)]
        elif kind in ("cancelled", "rejected") and was_confirmed:
            attachments = [cancellation(registration)]
        position = waiting_position(registration) if kind == "waitlisted" else None
        return send(event, user, _subject(kind, event.title), f"registration_{kind}",
                    category=CATEGORY.format(kind=kind), attachments=attachments, registration=registration,
                    role=role_label(registration.role), ticket_url=door.ticket_url(registration),
                    registration_url=external_url("registrations.mine", slug=event.slug),
                    deadline=cancellation_deadline(event), by_organiser=by_organiser, position=position)


def waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list (at a hybrid event: on the list of the same way of taking part)."""
    from sqlalchemy import func

    from dialogue.registrations.services import in_mode, mode_of

    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == registration.event_id, Registration.state == RegistrationState.WAITLISTED,
        in_mode(mode_of(registration)),
        (Registration.created_at < registration.created_at)
        | ((Registration.created_at == registration.created_at) & (Registration.id <= registration.id)))) or 1


def _active(event: Event, states=ACTIVE_STATES) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user))
        .where(Registration.event_id == event.id, Registration.state.in_(list(states)),
               Registration.user_id.is_not(None)).order_by(Registration.id)))


def notify_event_changed(event: Event) -> int:
    """Tell confirmed participants that the time or place changed, with the updated calendar entry
    (same UID, higher SEQUENCE: it replaces the old entry)."""
    count = 0
    for registration in _active(event, [RegistrationState.CONFIRMED]):
        with mail_locale(registration.user.locale):
            send(event, registration.user, _l("Changed: %(title)s", title=event.title), "event_changed",
                 category="event.changed", attachments=[invitation(registration)],
                 registration=registration)
        count += 1
    return count


def notify_event_cancelled(event: Event, reason: str) -> int:
    """Tell everyone registered that the event is cancelled; confirmed people get a calendar cancellation."""
    count = 0
    for registration in _active(event):
        with mail_locale(registration.user.locale):
            attachments = ([cancellation(registration, own_place=False)]
                           if registration.state == RegistrationState.CONFIRMED else [])
            send(event, registration.user, _l("Cancelled: %(title)s", title=event.title), "event_cancelled",
                 category="event.cancelled", attachments=attachments, registration=registration, reason=reason)
        count += 1
    return count


# --- the organisers' own message --------------------------------------------------------------------

def recipients_query(event: Event, *, roles: Iterable[str] = (), states: Iterable[str] = (),
                     checked_in: bool | None = None):
    """Registrations of the event matching the filters (empty filter: any)."""
    query = (select(Registration).options(joinedload(Registration.user))
             .where(Registration.event_id == event.id, Registration.user_id.is_not(None)))
    roles, states = list(roles), list(states)
    if roles:
        query = query.where(Registration.role.in_(roles))
    if states:
        query = query.where(Registration.state.in_(states))
    if checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    return query.order_by(Registration.id)


def message_registrants(event: Event, sender: User, *, subject: str, body: str, roles: Iterable[str] = (),
                        states: Iterable[str] = (), checked_in: bool | None = None) -> Job:
    """Send the organisers' message to the chosen registrants, one message each; replies go to the
    sender. The people are chosen now; the task-queue worker writes their messages to the outbox in
    batches (``write_messages``). Returns the job, whose total is how many will get it."""
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject:
        raise DialogueError(_("Enter a subject."), field="subject")
    if len(subject) > 200:
        raise DialogueError(_("Use at most %(n)d characters.", n=200), field="subject")
    if not body:
        raise DialogueError(_("Write the message."), field="body")
    if len(body) > 20_000:
        raise DialogueError(_("Use at most %(n)d characters.", n=20_000), field="body")
    chosen = list(db.session.scalars(recipients_query(event, roles=roles, states=states, checked_in=checked_in)
                                     .with_only_columns(Registration.id)))
    if not chosen:
        raise DialogueError(_("No registration matches these filters: nobody would receive the message."),
                            field="roles")
    record_action(sender, "event.message", f"Wrote to {len(chosen)} registrants: “{subject}”", event=event,
                  recipients=len(chosen), roles=list(roles) or None, states=list(states) or None,
                  checked_in=checked_in)
    job = create_job(MESSAGE_JOB, user=sender, event=event,
                     params={"subject": subject, "body": body, "registration_ids": chosen})
    job.progress_total = len(chosen)
    return job


MESSAGE_JOB = "registrations.message"


@job_task(MESSAGE_JOB)
def write_messages(run: Run) -> None:
    """The organisers' message, a batch of registrants per commit; a retried job goes on after the last batch."""
    event = db.session.get(Event, run.event_id)
    sender = db.session.get(User, run.created_by_id) if run.created_by_id else None
    ids = run.params["registration_ids"]
    done = run.cursor.get("done", 0)
    size = current_app.config["JOBS_BATCH_SIZE"]
    while done < len(ids):
        batch = ids[done:done + size]
        with run.batch():
            registrations = db.session.scalars(select(Registration).options(joinedload(Registration.user))
                                               .where(Registration.id.in_(batch)).order_by(Registration.id))
            for registration in registrations:
                if registration.user is not None:  # an account erased since: nobody to write to
                    send(event, registration.user, f"[{event.title}] {run.params['subject']}", "event_message",
                         category="event.message", reply_to=sender.email if sender else None,
                         registration=registration, sender=sender, body=run.params["body"])
            done += len(batch)
            run.advance(done, total=len(ids), cursor={"done": done},
                        message=ndeferred("%(num)d message written", "%(num)d messages written", done))
    run.message = ndeferred("The message is on its way to %(num)d person.",
                            "The message is on its way to %(num)d people.", len(ids))
    run.result_url = external_url("events.mail", slug=event.slug)
