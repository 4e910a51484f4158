"""Putting a meeting into a slot: everyone free, the caps, a table; and self-booking.

Concurrency: every path that puts people into a slot first locks the slot row (FOR UPDATE on
PostgreSQL), then, where the event caps meetings, the supplier organisation and the buyers'
registrations in id order, and only then counts. So two bookings of one slot, or two bookings that
together would pass a cap, run one after the other; bookings of different slots without caps never
wait for each other. The unique constraints on (person, slot) and (table, slot) are the backstop: a
violation becomes the same "just taken" answer.

A self-booking first looks, without any lock, whether the buyer or the supplier already has a
meeting in the slot: when many suppliers rush for one slot, all but the first few are answered at
once instead of queueing for the slot's lock only to be refused. Inside the lock the booking does
only what decides it (the checks, one query for a free table, the inserts); the invitations are
written after it, in the same transaction so that none is lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, literal, select
from sqlalchemy.exc import IntegrityError

from dialogue.core.errors import Conflict, DialogueError, NotFound
from dialogue.extensions import db
from dialogue.meetings import notify
from dialogue.meetings.i18n import _, _l, ngettext
from dialogue.meetings.people import as_supplier, confirmed_registrations, side_of
from dialogue.meetings.services import settings_or_error
from dialogue.models import (
    BusySlot,
    Event,
    Intent,
    Meeting,
    MeetingLocation,
    MeetingMode,
    MeetingParticipant,
    MeetingRequest,
    MeetingSettings,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    Organisation,
    Registration,
    RegistrationState,
    User,
    new_token,
    utcnow,
)

SLOT_TAKEN = _l("This slot was just taken by someone else. Choose another time.")

def slot_of_event(event: Event, slot_id: int | None, now: dt.datetime, *, field: str = "slot",
                  lock: bool = False) -> MeetingSlot:
    """A slot of this event's meeting blocks that has not started."""
    query = select(MeetingSlot).where(MeetingSlot.id == slot_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    slot = db.session.scalar(query) if slot_id is not None else None
    if slot is None or slot.event_id != event.id:
        raise DialogueError(_("That time is not one of this event's meeting slots."), field=field)
    if slot.starts_at <= now:
        raise DialogueError(_("That slot is in the past. Choose a later time."), field=field)
    return slot


def busy_people(slot: MeetingSlot, user_ids) -> set[int]:
    """People held in another meeting at this slot."""
    return set(db.session.scalars(select(MeetingParticipant.user_id).where(
        MeetingParticipant.slot_id == slot.id, MeetingParticipant.user_id.in_(list(user_ids)))))


def unavailable_people(slot: MeetingSlot, user_ids) -> set[int]:
    return set(db.session.scalars(select(BusySlot.user_id).where(
        BusySlot.slot_id == slot.id, BusySlot.user_id.in_(list(user_ids)))))


def occupied_people(slot: MeetingSlot, user_ids) -> tuple[set[int], set[int]]:
    """``busy_people`` and ``unavailable_people`` at once: one round trip inside the slot's lock."""
    ids = list(user_ids)
    rows = db.session.execute(
        select(MeetingParticipant.user_id, literal(1).label("held"))
        .where(MeetingParticipant.slot_id == slot.id, MeetingParticipant.user_id.in_(ids))
        .union_all(select(BusySlot.user_id, literal(0)).where(BusySlot.slot_id == slot.id, BusySlot.user_id.in_(ids))))
    held, busy = set(), set()
    for user_id, in_meeting in rows:
        (held if in_meeting else busy).add(user_id)
    return held, busy


def meeting_count(event: Event, *, supplier_org_id: int | None = None, buyer_id: int | None = None) -> int:
    query = select(func.count(func.distinct(Meeting.id))).where(
        Meeting.event_id == event.id, Meeting.status != MeetingStatus.CANCELLED)
    if supplier_org_id is not None:
        query = query.where(Meeting.supplier_org_id == supplier_org_id)
    if buyer_id is not None:
        query = query.join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
            MeetingParticipant.user_id == buyer_id, MeetingParticipant.side == MeetingSide.BUYER)
    return db.session.scalar(query) or 0


def lock_caps(event: Event, settings: MeetingSettings, supplier_org_id: int, buyer_ids) -> None:
    """Lock the rows the caps are counted under: the supplier organisation, then the buyers'
    registrations; only for the caps the event sets (without a cap there is nothing to count)."""
    if settings.max_meetings_per_supplier is not None:
        db.session.execute(select(Organisation.id).where(Organisation.id == supplier_org_id).with_for_update())
    if buyer_ids and settings.max_meetings_per_buyer is not None:
        db.session.execute(select(Registration.id).where(
            Registration.event_id == event.id, Registration.user_id.in_(sorted(buyer_ids)),
            Registration.state == RegistrationState.CONFIRMED).order_by(Registration.id).with_for_update())


def _check_caps(event: Event, settings: MeetingSettings, supplier_org_id: int, buyers: list[User],
                *, adding: int = 1) -> None:
    cap = settings.max_meetings_per_supplier
    if cap is not None and meeting_count(event, supplier_org_id=supplier_org_id) + adding > cap:
        raise Conflict(ngettext(
            "The supplier organisation already has the maximum of %(num)s meeting at this event.",
            "The supplier organisation already has the maximum of %(num)s meetings at this event.", cap))
    cap = settings.max_meetings_per_buyer
    if cap is not None:
        for buyer in buyers:
            if meeting_count(event, buyer_id=buyer.id) + adding > cap:
                raise Conflict(ngettext("%(name)s already has the maximum of %(num)s meeting at this event.",
                                        "%(name)s already has the maximum of %(num)s meetings at this event.",
                                        cap, name=buyer.name))


def free_location(event: Event, settings: MeetingSettings, slot: MeetingSlot, size: int,
                   keep: MeetingLocation | None = None, exclude_meeting: int | None = None) -> MeetingLocation | None:
    """The smallest free table or room that seats everyone; None when meetings are online or no
    places are set up. Raises when places exist but none is free."""
    if settings.virtual:
        return None
    taken = select(Meeting.location_id).where(Meeting.slot_id == slot.id, Meeting.status != MeetingStatus.CANCELLED,
                                              Meeting.location_id.is_not(None))
    if exclude_meeting is not None:
        taken = taken.where(Meeting.id != exclude_meeting)
    if keep is not None and keep.capacity >= size and db.session.scalar(
            select(MeetingLocation.id).where(MeetingLocation.id == keep.id, MeetingLocation.id.not_in(taken))):
        return keep
    # One query picks the table: the database filters and orders, no row of the others is loaded.
    found = db.session.scalar(
        select(MeetingLocation).where(MeetingLocation.event_id == event.id, MeetingLocation.capacity >= size,
                                      MeetingLocation.id.not_in(taken))
        .order_by(MeetingLocation.capacity, MeetingLocation.position, MeetingLocation.id).limit(1))
    if found is not None:
        return found
    if db.session.scalar(select(MeetingLocation.id).where(MeetingLocation.event_id == event.id).limit(1)) is None:
        return None
    raise Conflict(_("No table or room for %(n)s people is free at that time. Choose another time.", n=size),
                   field="slot")


def _virtual_url(settings: MeetingSettings) -> str | None:
    if settings.virtual and settings.virtual_link_template:
        return settings.virtual_link_template.replace("{code}", new_token()[:16])
    return None


def flush_or_taken() -> None:
    """Flush; a unique-constraint hit means another booking got there first.

    No savepoint: opening one flushes what is pending first, outside it, so it would guard nothing
    and only cost two round trips on the path a rushing crowd takes. A refusal rolls the whole
    request back (``core.actions.perform``), which is what undoes a failed insert.
    """
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(str(SLOT_TAKEN), field="slot") from None


def place_meeting(event: Event, settings: MeetingSettings, slot: MeetingSlot, *, buyers: list[User],
                  suppliers: list[User], supplier_org_id: int, intent_id: int | None, topic: str, agenda: str,
                  created_by: User | None, status: MeetingStatus = MeetingStatus.CONFIRMED,
                  request: MeetingRequest | None = None, me: User | None = None,
                  location: MeetingLocation | None = None) -> Meeting:
    """Put a meeting in a slot (the slot row is locked by the caller): everyone free, caps, a table."""
    people = buyers + suppliers
    taken, unavailable = occupied_people(slot, [p.id for p in people])
    if me is not None and me.id in taken:
        raise Conflict(_("You already have a meeting at this time."), field="slot")
    if taken:
        raise Conflict(str(SLOT_TAKEN), field="slot")
    if unavailable:
        names = ", ".join(p.name for p in people if p.id in unavailable)
        raise Conflict(_("%(names)s is not available at that time.", names=names), field="slot")
    lock_caps(event, settings, supplier_org_id, [b.id for b in buyers])
    _check_caps(event, settings, supplier_org_id, buyers)
    if location is None:
        location = free_location(event, settings, slot, len(people))
    # The loaded rows go in as the relationships too, so the invitations read them without a query.
    meeting = Meeting(event_id=event.id, event=event, slot_id=slot.id, slot=slot,
                      location_id=location.id if location else None, location=location,
                      virtual_url=_virtual_url(settings), supplier_org_id=supplier_org_id, intent_id=intent_id,
                      topic=topic, agenda=agenda, status=status, sequence=0,
                      created_by_id=created_by.id if created_by else None, request=request)
    db.session.add(meeting)
    for side, group in ((MeetingSide.BUYER, buyers), (MeetingSide.SUPPLIER, suppliers)):
        for person in group:
            organisation = person.organisation
            meeting.participants.append(MeetingParticipant(
                user_id=person.id, user=person, organisation_id=organisation.id if organisation else None,
                organisation=organisation, side=side, slot_id=slot.id))
    flush_or_taken()
    return meeting


def _refuse_when_held(event: Event, slot_id: int | None, supplier: User, buyer: User,
                      held: set[int] | None = None) -> None:
    """Without a lock: the supplier or the buyer already has a meeting in the slot (``held``: which of
    them, when the caller has read it). A booking that passes is checked again under the slot's lock;
    one that fails here could only fail there."""
    if slot_id is None:
        return
    if held is None:
        held = set(db.session.scalars(select(MeetingParticipant.user_id).join(
            MeetingSlot, MeetingSlot.id == MeetingParticipant.slot_id).where(
            MeetingSlot.id == slot_id, MeetingSlot.event_id == event.id,
            MeetingParticipant.user_id.in_([supplier.id, buyer.id]))))
    if supplier.id in held:
        raise Conflict(_("You already have a meeting at this time."), field="slot")
    if held:
        raise Conflict(str(SLOT_TAKEN), field="slot")


def book_slot(event: Event, supplier: User, buyer: User, slot_id: int, *, intent_id: int | None = None,
              topic: str = "", agenda: str = "", now: dt.datetime | None = None,
              settings: MeetingSettings | None = None, registrations: dict[int, Registration] | None = None,
              held: set[int] | None = None) -> Meeting:
    """A supplier books a free slot in a buyer's calendar: the meeting is confirmed at once.

    ``settings``, ``registrations`` (both people's confirmed ones, ``people.confirmed_registrations``)
    and ``held`` (which of the two already has a meeting in the slot): when the caller has read them
    already (``queries.booking_read``), for the page it shows after a refusal. What is held is
    checked again under the slot's lock.
    """
    now = now or utcnow()
    settings = settings_or_error(event, settings)
    if settings.mode != MeetingMode.SELF_BOOKING:
        raise DialogueError(_("At this event meetings are requested, not booked directly."))
    if registrations is None:
        registrations = confirmed_registrations(event, [supplier.id, buyer.id])
    registration = as_supplier(registrations.get(supplier.id))
    buyer_registration = registrations.get(buyer.id)
    if side_of(buyer_registration) != "buyer":
        raise NotFound(_("That buyer does not take part in the event."))
    if buyer_registration.organisation_id == registration.organisation_id:
        raise DialogueError(_("You cannot book a meeting with your own organisation."))
    intent = None
    if intent_id:
        intent = db.session.get(Intent, intent_id)
        if intent is None or intent.buyer_id != buyer_registration.organisation_id or not intent.is_public:
            raise DialogueError(_("Choose one of this buyer's planned tenders, or describe a general topic."),
                                field="intent")
    topic = (topic or "").strip()
    if intent is None and not topic:
        raise DialogueError(_("Choose a planned tender or describe the topic of the meeting."), field="topic")
    _refuse_when_held(event, slot_id, supplier, buyer, held)
    slot = slot_of_event(event, slot_id, now, lock=True)
    meeting = place_meeting(event, settings, slot, buyers=[buyer], suppliers=[supplier],
                            supplier_org_id=registration.organisation_id, intent_id=intent.id if intent else None,
                            topic=topic[:300], agenda=(agenda or "").strip(), created_by=supplier, me=supplier)
    notify.invite(meeting)
    return meeting
