"""What the meetings pages read: free times, the organisers' counts and grids, the event's meetings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, exists, false, func, select, true, union_all
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.meetings.setup import list_locations, list_slots
from dialogue.models import (
    BusySlot,
    Event,
    Meeting,
    MeetingBlock,
    MeetingParticipant,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
    MeetingStatus,
    Registration,
    RegistrationState,
    RequestStatus,
    RunStatus,
    ScheduleRun,
    User,
)


def event_meetings(event: Event, statuses=None) -> list[Meeting]:
    """The event's meetings with what the pages show, in time and table order, in a fixed number of queries."""
    query = (select(Meeting).options(
        joinedload(Meeting.slot), joinedload(Meeting.location), joinedload(Meeting.supplier_org),
        joinedload(Meeting.intent), joinedload(Meeting.no_show_by), joinedload(Meeting.cancelled_by),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation))
        .where(Meeting.event_id == event.id))
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    meetings = list(db.session.scalars(query).unique())
    return sorted(meetings, key=lambda m: (m.slot.starts_at, m.location.position if m.location else 0, m.id))


class GridSlot(NamedTuple):
    """One slot of the event, as a buyer's calendar shows it (by its start)."""

    id: int
    starts_at: dt.datetime


def slot_starts(event: Event) -> tuple[GridSlot, ...]:
    """The event's slots in time order, kept until a slot or a block changes: every booking page
    and every refused booking shows them."""
    def build() -> tuple[GridSlot, ...]:
        return tuple(GridSlot(*row) for row in db.session.execute(
            select(MeetingSlot.id, MeetingSlot.starts_at)
            .where(MeetingSlot.event_id == event.id).order_by(MeetingSlot.starts_at)))

    return cache.kept("meetings/slot-starts", [("meeting-slots", event.id)], build)


class BookingRead(NamedTuple):
    """What a buyer's calendar and a booking in it both need, read in one statement."""

    event: Event
    settings: MeetingSettings | None
    registrations: dict[int, Registration]  # the confirmed ones of the two people, by person
    held: set[int] | None                   # which of the two has a meeting in the chosen slot


# Built once, as the two statements below: every attempt to book, refused or not, runs them, and a
# rush on a calendar opening is hundreds of attempts a second.
_ME, _BUYER, _SLOT, _EVENT = (bindparam(name, type_=Integer) for name in ("me_id", "buyer_id", "slot_id", "event_id"))


def _held_in_slot(person):
    return exists().where(MeetingParticipant.slot_id == MeetingSlot.id, MeetingSlot.id == _SLOT,
                          MeetingSlot.event_id == Event.id, MeetingParticipant.user_id == person)


_BOOKING_READ = (
    select(Event, MeetingSettings, Registration, _held_in_slot(_ME), _held_in_slot(_BUYER))
    .outerjoin(MeetingSettings, MeetingSettings.event_id == Event.id)
    .outerjoin(Registration, and_(Registration.event_id == Event.id, Registration.user_id.in_([_ME, _BUYER]),
                                  Registration.state == RegistrationState.CONFIRMED))
    .where(Event.slug == bindparam("slug")))

_BOOKING_GRID = union_all(
    select(MeetingParticipant.slot_id, MeetingParticipant.user_id, false().label("busy"))
    .join(MeetingSlot, MeetingSlot.id == MeetingParticipant.slot_id)
    .where(MeetingSlot.event_id == _EVENT, MeetingParticipant.user_id.in_([_BUYER, _ME])),
    select(BusySlot.slot_id, BusySlot.user_id, true().label("busy"))
    .where(BusySlot.event_id == _EVENT, BusySlot.user_id == _BUYER))


def booking_read(slug: str, me_id: int, buyer_id: int, slot_id: int | None = None) -> BookingRead | None:
    """The event, its meeting settings, the reader's and the buyer's confirmed registrations at it
    and, given a slot, which of the two is already held in it (if it is the event's): one statement.
    None if there is no such event."""
    rows = db.session.execute(_BOOKING_READ, {"slug": slug, "me_id": me_id, "buyer_id": buyer_id,
                                              "slot_id": slot_id}).all()
    if not rows:
        return None
    event, settings, _registration, me_held, buyer_held = rows[0]
    found = {row[2].user_id: row[2] for row in rows if row[2] is not None}
    held = {person for person, is_held in ((me_id, me_held), (buyer_id, buyer_held)) if is_held}
    return BookingRead(event, settings, found, held if slot_id is not None else None)


def booking_grid(event: Event, buyer_id: int, me_id: int, now: dt.datetime) -> list[tuple[GridSlot, str]]:
    """A buyer's calendar as a supplier sees it: each slot of the event with its state: past,
    unavailable (the buyer marked it busy), taken (the buyer has a meeting), you_busy (the reader has
    one) or free. The slots are kept (``slot_starts``); where the two people are held or busy is one
    statement, whatever the number of slots."""
    taken, mine, unavailable = set(), set(), set()
    for slot_id, user_id, is_busy in db.session.execute(
            _BOOKING_GRID, {"event_id": event.id, "buyer_id": buyer_id, "me_id": me_id}):
        (unavailable if is_busy else taken if user_id == buyer_id else mine).add(slot_id)
    return [(slot, "past" if slot.starts_at <= now else "unavailable" if slot.id in unavailable
             else "taken" if slot.id in taken else "you_busy" if slot.id in mine else "free")
            for slot in slot_starts(event)]


# The booking page's slots: any slot added, moved or removed, or a block removed with its slots.
cache.watch(MeetingSlot, lambda slot: [("meeting-slots", slot.event_id)])
cache.watch(MeetingBlock, lambda block: [("meeting-slots", block.event_id)])


def held_slot_ids(user: User | int) -> set[int]:
    """The slots in which a person has a meeting."""
    user_id = user if isinstance(user, int) else user.id
    return set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id == user_id, MeetingParticipant.slot_id.is_not(None))))


def common_free_slots(event: Event, user_ids: list[int], now: dt.datetime) -> list[MeetingSlot]:
    """Later slots of the event in which none of these people is busy or in a meeting."""
    held = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id.in_(user_ids), MeetingParticipant.slot_id.is_not(None))))
    busy = set(db.session.scalars(select(BusySlot.slot_id).where(BusySlot.event_id == event.id,
                                                                BusySlot.user_id.in_(user_ids))))
    return [s for s in list_slots(event) if s.starts_at > now and s.id not in held and s.id not in busy]


def slot_counts(event: Event) -> dict[int, int]:
    """Slots per meeting block."""
    return dict(db.session.execute(select(MeetingBlock.id, func.count()).join(MeetingBlock.slots)
                                   .where(MeetingBlock.event_id == event.id).group_by(MeetingBlock.id)).all())


def request_counts(event: Event) -> dict[RequestStatus, int]:
    return dict(db.session.execute(select(MeetingRequest.status, func.count()).where(
        MeetingRequest.event_id == event.id).group_by(MeetingRequest.status)).all())


def pending_request_count(event: Event) -> int:
    return db.session.scalar(select(func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event.id, MeetingRequest.status == RequestStatus.PENDING)) or 0


def draft_count(event: Event) -> int:
    return db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.event_id == event.id, Meeting.status == MeetingStatus.PROPOSED)) or 0


def unplaced_requests(run: ScheduleRun | None, reason_labels) -> list[tuple[MeetingRequest, str]]:
    """The requests a finished scheduler run could not place, each with the reason in words."""
    if run is None or run.status != RunStatus.DONE or not run.report.get("unplaced"):
        return []
    ids = [int(k) for k in run.report["unplaced"]]
    reqs = {r.id: r for r in db.session.scalars(select(MeetingRequest).options(
        joinedload(MeetingRequest.supplier_org), joinedload(MeetingRequest.buyer_org),
        joinedload(MeetingRequest.intent)).where(MeetingRequest.id.in_(ids)))}
    return [(reqs[i], reason_labels.get(run.report["unplaced"][str(i)], "")) for i in ids if i in reqs]


def grid(event: Event, meetings: list[Meeting]):
    """Slots, places, the meeting in each (slot, place), meetings without a place per slot, and each
    person's meetings (by name) for the printable sheets and the preview."""
    slots = list(list_slots(event))
    locations = list_locations(event)
    cells = {(m.slot_id, m.location_id): m for m in meetings}
    unseated = defaultdict(list)
    for m in meetings:
        if m.location_id is None:
            unseated[m.slot_id].append(m)
    people = defaultdict(list)
    for m in meetings:
        for p in m.participants:
            if p.user is not None:  # an erased person has no schedule of their own
                people[p.user].append(m)
    people_sorted = sorted(people.items(), key=lambda item: (item[0].name.lower(), item[0].id))
    return slots, locations, cells, unseated, people_sorted
