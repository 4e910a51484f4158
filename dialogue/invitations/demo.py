"""An invitation list on the Nordic Forum with someone in each state: not sent yet, no answer (one reminded),
registered (the reseller, who then registered) and declined, and a participant of the 2018 Make ICT Fair
event invited as an earlier participant of the series. Written directly, without mail; a second run finds
each invitee by address and changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import EventInvitee, InviteeSource, utcnow

# (name, email, organisation, source, days ago invited or None, reminders, days ago declined or None)
INVITEES = [
    ("Johan Berg", "johan.berg@nordicit.example.org", "Nordic IT Partners", InviteeSource.CSV, 20, 0, None),
    ("Lars Jensen", "lars.jensen@aalborg.example.org", "Aalborg Municipality", InviteeSource.CSV, 20, 0, 15),
    ("Tiina Koskinen", "tiina.koskinen@espoo.example.org", "City of Espoo", InviteeSource.CSV, 20, 1, None),
    ("Mikael Saarinen", "mikael.saarinen@vantaa.example.org", "City of Vantaa", InviteeSource.CSV, 20, 0, None),
    ("Fiona MacKay", "fiona.mackay@apuc.example.org", "APUC Scotland", InviteeSource.SERIES, 6, 0, None),
    ("Sofia Lindqvist", "sofia.lindqvist@goteborg.example.org", "City of Gothenburg", InviteeSource.CSV, None, 0,
     None),
]


def build(world: dict) -> None:
    event = world.get("events", {}).get("nordic-forum-smartphones")
    if event is None:
        return
    listed = set(db.session.scalars(select(EventInvitee.email).where(EventInvitee.event_id == event.id)))
    now = utcnow()
    for name, email, organisation, source, invited, reminders, declined in INVITEES:
        if email in listed:
            continue
        invited_at = now - dt.timedelta(days=invited) if invited is not None else None
        last_sent = invited_at + dt.timedelta(days=7) if invited_at and reminders else invited_at
        db.session.add(EventInvitee(
            event_id=event.id, name=name, email=email, organisation=organisation, source=source,
            created_at=(invited_at or now) - dt.timedelta(days=1), invited_at=invited_at, last_sent_at=last_sent,
            reminders_sent=reminders, declined_at=now - dt.timedelta(days=declined) if declined else None))
