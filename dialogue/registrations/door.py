"""The door: tickets with a QR code, finding a ticket by its code or by name, checking in.

The QR code carries the address of the ticket's check-in page with the unguessable ticket token,
so a phone camera opens it for the check-in staff, and a scanner that types into the check-in
page's code field works as well. Check-in is a compare-and-set on the row: scanning a ticket
twice, even at two doors at once, counts it once and says when it was first checked in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import segno
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from dialogue.core.errors import Conflict, DialogueError, NotFound
from dialogue.core.timeutil import format_local
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.models import (
    Attendance,
    Event,
    EventFormat,
    ParticipantRole,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from dialogue.registrations import queries

TOKEN_RE = re.compile(r"([0-9a-f]{32})(?![0-9a-f])", re.IGNORECASE)
# A phone's clock may run a little ahead of the server's: a scan time this far ahead is taken as now.
CLOCK_SKEW = dt.timedelta(minutes=2)


def ticket_url(registration: Registration) -> str:

    return external_url("registrations.ticket", token=registration.ticket_token)


def qr_payload(registration: Registration) -> str:

    return external_url("registrations.checkin_ticket", slug=registration.event.slug,
                        token=registration.ticket_token)


def qr_svg(registration: Registration, scale: int = 4) -> Markup:
    """The ticket's QR code as inline SVG (no extra request, prints sharp)."""
    qr = segno.make(qr_payload(registration), error="m")
    return Markup(qr.svg_inline(scale=scale, border=2, title=_("Ticket code"), svgclass="qr",
                                lineclass=None, omitsize=True))


def qr_png(registration: Registration, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(qr_payload(registration), error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def token_from(code: str | None) -> str | None:
    """The ticket token in what was typed or scanned: the bare code or the whole check-in address."""
    match = TOKEN_RE.search((code or "").strip())
    return match.group(1).lower() if match else None


def find_ticket(event: Event, code: str | None) -> Registration:
    """The registration of this event with this ticket code. A code of another event, or a made-up
    one, is refused the same way."""
    token = token_from(code)
    registration = None
    if token:
        registration = db.session.scalar(select(Registration).options(
            joinedload(Registration.user), joinedload(Registration.organisation))
            .where(Registration.ticket_token == token, Registration.event_id == event.id))
    if registration is None:
        raise NotFound(_("No ticket of this event has this code. Check the code, or search by name."),
                       field="code")
    return registration


def get_ticket(token: str) -> Registration | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return db.session.scalar(select(Registration).options(
        joinedload(Registration.event), joinedload(Registration.user), joinedload(Registration.organisation))
        .where(Registration.ticket_token == token.lower()))


@dataclass
class CheckIn:
    registration: Registration
    already: bool           # it had been checked in before: reported, not counted again
    checked_in_at: dt.datetime

    def message(self) -> str:
        who = self.registration.user.name if self.registration.user else _("This person")
        when = format_local(self.checked_in_at, self.registration.event.timezone, "%H:%M")
        if self.already:
            return _("%(who)s was already checked in at %(when)s. Not counted again.", who=who, when=when)
        return _("%(who)s is checked in.", who=who)


def check_in(event: Event, registration: Registration, actor: User, now: dt.datetime | None = None) -> CheckIn:
    """Check a confirmed registration in, once; at a hybrid event only those who take part in person."""
    now = now or utcnow()
    if registration.event_id != event.id:
        raise NotFound(_("No ticket of this event has this code. Check the code, or search by name."),
                       field="code")
    if registration.state != RegistrationState.CONFIRMED:
        from dialogue.registrations.services import state_label

        raise Conflict(_("This ticket is not valid for entry: the registration is %(state)s.",
                         state=state_label(registration.state)), field="code")
    if event.format == EventFormat.HYBRID and registration.attendance == Attendance.ONLINE:
        raise Conflict(_("This person is registered to attend online, not in person: the ticket does not "
                         "admit at the door."), field="code")
    result = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.checked_in_at.is_(None),
                                   Registration.state == RegistrationState.CONFIRMED)
        .values(checked_in_at=now, checked_in_by_id=actor.id).execution_options(synchronize_session=False))
    db.session.refresh(registration)
    if result.rowcount == 0 and registration.checked_in_at is None:
        raise Conflict(_("This registration changed meanwhile; look it up again."), field="code")
    return CheckIn(registration=registration, already=result.rowcount == 0,
                   checked_in_at=registration.checked_in_at)


def scan_time(event: Event, sent: str | None, now: dt.datetime | None = None) -> dt.datetime:
    """When a scan was made: now, or for a scan queued at the door while offline, the time the phone
    recorded (milliseconds since 1970, as browsers count). It must not lie in the future and must fall
    on the event's days, from the start of its first local day to the end of its last."""
    now = now or utcnow()
    if not (sent or "").strip():
        return now
    try:
        when = dt.datetime.fromtimestamp(int(sent.strip()) / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise DialogueError(_("The scan time is not a time."), field="code") from None
    if when > now + CLOCK_SKEW:
        raise DialogueError(_("The scan time lies in the future: check the clock of this device."), field="code")
    zone = ZoneInfo(event.timezone)
    first_day = dt.datetime.combine(event.starts_at.astimezone(zone).date(), dt.time(), zone)
    after_last_day = dt.datetime.combine(event.ends_at.astimezone(zone).date() + dt.timedelta(days=1), dt.time(),
                                         zone)
    if not first_day <= when < after_last_day:
        raise DialogueError(_("The scan time is not on a day of this event: it was not checked in."), field="code")
    return min(when, now)


def undo_check_in(event: Event, registration: Registration, actor: User | None = None) -> None:
    """Take back a check-in made by mistake; the audit log keeps that it was made and undone."""
    from dialogue.audit.services import record_action

    if registration.event_id != event.id:
        raise NotFound(_("This registration is not on this event."))
    if registration.checked_in_at is None:
        raise Conflict(_("%(who)s is not checked in.", who=registration.user.name if registration.user else "—"))
    org = registration.organisation.name if registration.organisation else "?"
    record_action(actor, "checkin.undo", f"Undid the check-in of a {registration.role.value} of {org} "
                  f"(checked in at {format_local(registration.checked_in_at, event.timezone)})", event=event,
                  registration_id=registration.id)
    registration.checked_in_at = None
    registration.checked_in_by_id = None


def search(event: Event, text: str, limit: int = 30) -> list[Registration]:
    """Registrations whose person's name or email, or organisation's name, contains the text."""
    text = " ".join((text or "").split()).lower()
    if len(text) < 2:
        raise DialogueError(_("Type at least two letters of a name or organisation."), field="q")
    return queries.door_matches(event, text, limit)


def door_counts(event: Event) -> dict:
    """Confirmed and checked-in per role, and totals, in one query."""
    rows = db.session.execute(
        select(Registration.role, func.count(), func.count(Registration.checked_in_at))
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.CONFIRMED)
        .group_by(Registration.role)).all()
    roles = {role.value: {"confirmed": 0, "checked_in": 0} for role in ParticipantRole}
    for role, confirmed, checked_in in rows:
        roles[ParticipantRole(role).value] = {"confirmed": confirmed, "checked_in": checked_in}
    return {"roles": roles, "confirmed": sum(r["confirmed"] for r in roles.values()),
            "checked_in": sum(r["checked_in"] for r in roles.values())}
