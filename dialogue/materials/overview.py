"""The organisers' view of an event's materials: sessions without slides, reminders, download counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dialogue.core.errors import DialogueError, NotAllowed
from dialogue.core.timeutil import format_local
from dialogue.core.urls import external_url
from dialogue.events import access as event_access
from dialogue.extensions import db
from dialogue.materials.listing import session_numbers
from dialogue.models import AgendaSession, Event, Material, MaterialReminder, SessionKind, SessionSpeaker, User, utcnow
from dialogue.outbox.services import enqueue_mail

# A speaker is not reminded twice within this time, however often the button is pressed.
REMINDER_INTERVAL = dt.timedelta(hours=12)
# Sessions that never have slides.
NO_SLIDES_KINDS = (SessionKind.BREAK, SessionKind.ONE_TO_ONE)


@dataclass
class SessionRow:
    number: int
    session: AgendaSession
    material_count: int
    last_reminded_at: dt.datetime | None
    speakers: list[User] = field(default_factory=list)

    @property
    def needs_slides(self) -> bool:
        return self.material_count == 0


def sessions_overview(event: Event) -> list[SessionRow]:
    """Every session that could have slides, with its count of materials and last reminder."""
    sessions = db.session.scalars(
        select(AgendaSession).options(selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user))
        .where(AgendaSession.event_id == event.id, AgendaSession.kind.not_in(NO_SLIDES_KINDS))
        .order_by(AgendaSession.starts_at, AgendaSession.id)).all()
    counts = dict(db.session.execute(
        select(Material.session_id, func.count()).where(Material.event_id == event.id,
                                                        Material.removed_at.is_(None),
                                                        Material.session_id.is_not(None))
        .group_by(Material.session_id)).all())
    reminded = dict(db.session.execute(
        select(MaterialReminder.session_id, func.max(MaterialReminder.sent_at))
        .join(AgendaSession, AgendaSession.id == MaterialReminder.session_id)
        .where(AgendaSession.event_id == event.id).group_by(MaterialReminder.session_id)).all())
    numbers = session_numbers(event)
    return [SessionRow(number=numbers.get(s.id, 0), session=s, material_count=counts.get(s.id, 0),
                       last_reminded_at=_aware(reminded.get(s.id)), speakers=[sp.user for sp in s.speakers])
            for s in sessions]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # max() over a UTC column comes back naive on SQLite.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def remind_speakers(event: Event, organiser: User, session: AgendaSession | None = None,
                    now: dt.datetime | None = None) -> tuple[int, int]:
    """Mail the speakers of sessions that have no material yet, one message per speaker listing their
    sessions. A speaker reminded within REMINDER_INTERVAL is skipped. Returns (mailed, skipped)."""
    if not event_access.is_organiser(event, organiser):
        raise NotAllowed(_("Only the organisers of this event can remind speakers."))
    now = now or utcnow()
    rows = [r for r in sessions_overview(event) if session is None or r.session.id == session.id]
    if session is not None and not rows:
        raise DialogueError(_("This session does not take slides."))
    if session is not None and not rows[0].needs_slides:
        raise DialogueError(_("This session already has materials."))
    pending = [r for r in rows if r.needs_slides and r.speakers]
    if not pending:
        raise DialogueError(_("There is nobody to remind: every session with a speaker has materials."))
    recent = {(session_id, user_id) for session_id, user_id in db.session.execute(
        select(MaterialReminder.session_id, MaterialReminder.user_id)
        .where(MaterialReminder.session_id.in_([r.session.id for r in pending]),
               MaterialReminder.sent_at > now - REMINDER_INTERVAL))}
    by_speaker: dict[int, tuple[User, list[SessionRow]]] = {}
    skipped = 0
    for row in pending:
        for speaker in row.speakers:
            if (row.session.id, speaker.id) in recent:
                skipped += 1
                continue
            by_speaker.setdefault(speaker.id, (speaker, []))[1].append(row)
    for speaker, speaker_rows in by_speaker.values():
        sessions = [{"title": r.session.title, "when": format_local(r.session.starts_at, event.timezone),
                     "link": external_url("materials.upload", slug=event.slug, session=r.session.id)}
                    for r in speaker_rows]
        enqueue_mail([speaker.email], _l("Please upload your slides for %(event)s", event=event.title),
                     "materials_reminder", category="materials.reminder", reply_to=event.contact_email,
                     locale=speaker.locale,
                     speaker=speaker, event=event, organiser=organiser, sessions=sessions,
                     event_link=external_url("materials.event_index", slug=event.slug))
        for row in speaker_rows:
            db.session.add(MaterialReminder(session_id=row.session.id, user_id=speaker.id, sent_by_id=organiser.id,
                                            sent_at=now))
    return len(by_speaker), skipped
