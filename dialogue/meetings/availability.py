"""When people are free for meetings, and the planned tenders a buyer wants to discuss."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.meetings.i18n import _
from dialogue.meetings.people import confirmed_registration, require_buyer, side_of
from dialogue.meetings.requests import requestable_intents
from dialogue.models import BusySlot, Event, MeetingInterest, MeetingParticipant, MeetingSlot, User, utcnow


def set_availability(event: Event, user: User, available_slot_ids: list[int],
                     now: dt.datetime | None = None) -> None:
    """Every slot not ticked becomes busy. A slot with a meeting cannot become busy."""
    now = now or utcnow()
    registration = confirmed_registration(event, user)
    if side_of(registration) is None:
        raise NotAllowed(_("Only buyers, suppliers and resellers with a confirmed registration take part in meetings."))
    slots = {s.id: s for s in db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == event.id))}
    wanted = set(available_slot_ids or [])
    if wanted - set(slots):
        raise DialogueError(_("That time is not one of this event's meeting slots."), field="slots")
    held = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id == user.id, MeetingParticipant.slot_id.in_(list(slots)))))
    for slot_id in held - wanted:
        raise Conflict(_("You have a meeting at %(when)s. Cancel or move it before marking that time busy.",
                         when=format_local(slots[slot_id].starts_at, event.timezone)), field="slots")
    db.session.execute(delete(BusySlot).where(BusySlot.event_id == event.id, BusySlot.user_id == user.id))
    for slot_id in sorted(set(slots) - wanted):
        db.session.add(BusySlot(event_id=event.id, user_id=user.id, slot_id=slot_id))
    db.session.flush()


def busy_slot_ids(event: Event, user: User) -> set[int]:
    return set(db.session.scalars(select(BusySlot.slot_id).where(BusySlot.event_id == event.id,
                                                                 BusySlot.user_id == user.id)))


def set_interests(event: Event, user: User, intent_ids: list[int]) -> None:
    """The intents a buyer wants to discuss: their own organisation's public ones."""
    registration = require_buyer(event, user)
    allowed = {i.id for i in requestable_intents(event, registration.organisation_id)}
    chosen = set(intent_ids or [])
    if chosen - allowed:
        raise DialogueError(_("Choose planned tenders of your own organisation."), field="intents")
    db.session.execute(delete(MeetingInterest).where(MeetingInterest.event_id == event.id,
                                                     MeetingInterest.user_id == user.id))
    for intent_id in sorted(chosen):
        db.session.add(MeetingInterest(event_id=event.id, user_id=user.id, intent_id=intent_id))
    db.session.flush()


def interest_ids(event: Event, user: User) -> set[int]:
    return set(db.session.scalars(select(MeetingInterest.intent_id).where(MeetingInterest.event_id == event.id,
                                                                          MeetingInterest.user_id == user.id)))
