"""The rules of an invitation list. Services flush, never commit; refusals are ``DialogueError``s."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError
from dialogue.extensions import db
from dialogue.invitations import csvimport, notify, queries
from dialogue.models import Event, EventInvitee, EventStatus, InviteeSource, InviteeStatus, User, utcnow

REMINDER_GAP = dt.timedelta(days=1)  # a person gets at most one mail a day from the list


class BadRows(DialogueError):
    """The file has bad rows: nothing is imported; the report says which and why."""

    def __init__(self, report: csvimport.Report):
        self.report = report
        message = (report.problems[0].reason if report.fatal else
                   ngettext("%(num)s row cannot be imported. Nothing was imported: fix the file, or import "
                            "the good rows only.", "%(num)s rows cannot be imported. Nothing was imported: fix "
                            "the file, or import the good rows only.", len(report.problems)))
        super().__init__(message, field="file")


def add_invitees(event: Event, people: Iterable[tuple[str, str, str]], *, source: InviteeSource) -> list[EventInvitee]:
    """Each address once per event: people already listed are left as they are."""
    listed = queries.listed_emails(event)
    added = []
    for name, email, organisation in people:
        if email in listed:
            continue
        listed.add(email)
        invitee = EventInvitee(event_id=event.id, name=name, email=email, organisation=organisation or "",
                               source=source)
        db.session.add(invitee)
        added.append(invitee)
    db.session.flush()
    return added


def import_invitees(event: Event, text: str | None, actor: User, *, good_only: bool = False) -> int:
    """All rows or none, unless the organiser chose to take the good rows only after seeing the report."""
    if text is None:
        raise DialogueError(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."), field="file")
    if len(text) > csvimport.MAX_BYTES:
        raise DialogueError(_("The file is too large: import at most %(n)s rows at a time.", n=csvimport.MAX_ROWS),
                            field="file")
    report = csvimport.read(text, queries.listed_emails(event))
    if report.fatal or (report.problems and not good_only):
        raise BadRows(report)
    if not report.good:
        raise DialogueError(_("No row can be imported."), field="file")
    added = add_invitees(event, ((r.name, r.email, r.organisation) for r in report.good), source=InviteeSource.CSV)
    record_action(actor, "invitations.import", f"Imported {len(added)} invitees"
                  + (f", leaving out {len(report.problems)} bad rows" if report.problems else ""), event=event,
                  imported=len(added), left_out=len(report.problems))
    return len(added)


def _require_open(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(_("Invitations go out while the event is published and open for registration."))


def send_invitations(event: Event, actor: User | None, *, now: dt.datetime | None = None) -> int:
    """An invitation to everyone listed who has not had one and has not registered already."""
    _require_open(event)
    now = now or utcnow()
    due = [i for i, status in queries.list_invitees(event, InviteeStatus.NOT_SENT)]
    if not due:
        raise Conflict(_("Everyone on the list has had an invitation."))
    return _invite(event, due, actor, now)


def _invite(event: Event, due: list[EventInvitee], actor: User | None, now: dt.datetime) -> int:
    notify.send(event, due, reminder=False)
    for invitee in due:
        invitee.invited_at = invitee.last_sent_at = now
    record_action(actor, "invitations.send", f"Sent {len(due)} invitations", event=event, sent=len(due))
    db.session.flush()
    return len(due)


def invite_people(event: Event, people: Iterable[tuple[str, str, str]], actor: User | None, *,
                  source: InviteeSource, now: dt.datetime | None = None) -> int:
    """Put people on the list and invite them at once; anyone already listed is neither added nor mailed."""
    _require_open(event)
    added = add_invitees(event, people, source=source)
    if not added:
        raise Conflict(_("Everyone is already on the invitation list of this event."))
    return _invite(event, added, actor, now or utcnow())


def reminders_due(event: Event, now: dt.datetime) -> list[EventInvitee]:
    """Invited, no answer, and no mail from the list in the last day."""
    return [i for i, status in queries.list_invitees(event, InviteeStatus.NO_ANSWER)
            if i.last_sent_at is None or i.last_sent_at <= now - REMINDER_GAP]


def send_reminders(event: Event, actor: User | None, *, now: dt.datetime | None = None) -> int:
    _require_open(event)
    now = now or utcnow()
    due = reminders_due(event, now)
    if not due:
        raise Conflict(_("No one is due a reminder: only people with no answer get one, at most once a day."))
    notify.send(event, due, reminder=True)
    for invitee in due:
        invitee.last_sent_at = now
        invitee.reminders_sent += 1
    record_action(actor, "invitations.remind", f"Sent {len(due)} reminders", event=event, sent=len(due))
    db.session.flush()
    return len(due)


def mark_opened(invitee: EventInvitee, now: dt.datetime | None = None) -> None:
    """The personal link was followed: the first time is kept."""
    if invitee.opened_at is None:
        invitee.opened_at = now or utcnow()


def decline(invitee: EventInvitee, now: dt.datetime | None = None) -> None:
    """No more reminders. Registering later still counts: registered wins over declined."""
    if invitee.declined_at is None:
        invitee.declined_at = now or utcnow()
    db.session.flush()


def remove_invitee(event: Event, invitee: EventInvitee, actor: User) -> None:
    if invitee.event_id != event.id:
        raise DialogueError(_("This person is not on this event's list."))
    record_action(actor, "invitations.remove", "Removed an invitee from the list", event=event)
    db.session.delete(invitee)
    db.session.flush()
