"""The agenda: sessions of an event, each with a kind, a time, a room and its speakers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.core.errors import DialogueError, NotFound
from dialogue.core.timeutil import require_period
from dialogue.extensions import db
from dialogue.models import AgendaSession, Event, SessionKind, SessionSpeaker, User

MAX_SPEAKERS = 20


def kind_label(kind: SessionKind | str) -> str:
    return str(SessionKind(kind).label)


def parse_emails(text: str | Iterable[str] | None) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        text = "\n".join(text)
    return list(dict.fromkeys(e.strip().lower() for e in re.split(r"[\s,;]+", text) if e.strip()))


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DialogueError(_("Enter the session's title."), field="title")
    if len(title) > 300:
        raise DialogueError(_("Use at most %(n)d characters.", n=300), field="title")
    return title


def _check_kind(kind: SessionKind | str) -> SessionKind:
    try:
        return SessionKind(kind)
    except ValueError:
        raise DialogueError(_("Choose a kind of session from the list."), field="kind") from None


def _check_times(event: Event, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    require_period(starts_at, ends_at, no_start=_("Enter when the session starts."),
                   no_end=_("Enter when the session ends."), backwards=_("The session must end after it starts."))
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise DialogueError(_("The session must lie within the event's time."), field="starts_at")


def _check_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > 20_000:
        raise DialogueError(_("Use at most %(n)d characters.", n=20_000), field="description")
    return description


def _speaker_users(speaker_emails: Iterable[str]) -> list[User]:
    """The accounts of the speakers, in the order given; every address must have one."""
    emails = parse_emails(speaker_emails)
    if len(emails) > MAX_SPEAKERS:
        raise DialogueError(_("A session has at most %(n)d speakers.", n=MAX_SPEAKERS), field="speakers")
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))} if emails else {}
    missing = [e for e in emails if e not in users]
    if missing:
        raise DialogueError(_("No account for %(emails)s. Speakers need an account on Dialogue; ask them to "
                              "sign up first.", emails=", ".join(missing)), field="speakers")
    return [users[e] for e in emails]


def _set_speakers(session: AgendaSession, wanted: list[User]) -> None:
    for speaker in list(session.speakers):
        if speaker.user not in wanted:
            session.speakers.remove(speaker)
    present = {s.user_id for s in session.speakers}
    for user in wanted:
        if user.id not in present:
            session.speakers.append(SessionSpeaker(user=user))


def save_session(event: Event, session: AgendaSession | None, *, title: str, kind: SessionKind | str,
                 starts_at: dt.datetime, ends_at: dt.datetime, room: str | None = None,
                 description: str = "", speaker_emails: Iterable[str] = ()) -> AgendaSession:
    """Add or change a session. It lies within the event's time; speakers are people with an account.

    A change of time, room or title bumps the session's SEQUENCE, so a calendar that holds the
    session replaces the entry instead of adding a second one.
    """
    from dialogue.events.lifecycle import require_not_closed

    require_not_closed(event)
    title = _check_title(title)
    kind = _check_kind(kind)
    _check_times(event, starts_at, ends_at)
    room = (room or "").strip()[:200] or None
    description = _check_description(description)
    wanted = _speaker_users(speaker_emails)
    if session is None:
        session = AgendaSession(event=event, title=title, kind=kind, starts_at=starts_at, ends_at=ends_at,
                                room=room, description=description, sequence=0)
        db.session.add(session)
    else:
        if session.event_id != event.id:
            raise NotFound(_("This session is not on this event's agenda."))
        if (session.starts_at, session.ends_at, session.room, session.title) != (starts_at, ends_at, room, title):
            session.sequence += 1
        session.title, session.kind, session.description = title, kind, description
        session.starts_at, session.ends_at, session.room = starts_at, ends_at, room
    _set_speakers(session, wanted)
    db.session.flush()
    return session


def delete_session(event: Event, session: AgendaSession, *, actor=None) -> None:
    from dialogue.audit.services import record_action
    from dialogue.events.lifecycle import require_not_closed

    require_not_closed(event)
    if session.event_id != event.id:
        raise NotFound(_("This session is not on this event's agenda."))
    record_action(actor, "session.delete", f"Removed the session “{session.title}” from the agenda", event=event,
                  session=session.title)
    db.session.delete(session)
