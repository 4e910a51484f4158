"""Demo meetings. On the Nordic Forum: a meeting block, tables, requests about the buyers' planned tenders,
and accepted meetings (one of them with two co-host buyers, one with Helsinki). On its second stage the
organisers schedule the meetings: requests wait for the auto-scheduler. Runs again without change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.meetings import requests, setup
from dialogue.meetings.people import confirmed_registration
from dialogue.models import (
    ACTIVE_STATES,
    Event,
    LocationKind,
    MeetingMode,
    MeetingRequest,
    ParticipantRole,
    Registration,
    RegistrationState,
    utcnow,
)

EVENT_SLUG = "nordic-forum-smartphones"
BUYERS = ("organiser", "buyer", "buyer-oslo", "buyer-cph")
SUPPLIERS = {"supplier": ParticipantRole.SUPPLIER, "supplier-dell": ParticipantRole.SUPPLIER,
             "supplier-hp": ParticipantRole.SUPPLIER, "reseller": ParticipantRole.RESELLER}
# (supplier key, buyer key, topic when the buyer has no planned tender, accept at slot index, co-host keys)
REQUESTS = [
    ("supplier", "buyer", "Refurbished smartphones with a three-year warranty", 0, ()),
    ("supplier-dell", "buyer-oslo", "Take-back and repair of phones", 1, ("buyer-cph",)),
    ("supplier-hp", "buyer-cph", "Conflict-minerals reporting in the supply chain", None, ()),
    ("reseller", "buyer", "Framework agreement for phones and accessories", None, ()),
    ("supplier", "organiser", "Remanufactured laptops for city staff", 2, ()),
]
SECOND_STAGE = "nordic-forum-second-stage"
# (supplier key, buyer key, topic when the buyer has no planned tender, requester priority 0-3, preferred slots)
WAITING = [
    ("supplier", "organiser", "Remanufactured laptops for city staff", 3, (0, 1)),
    ("supplier", "buyer", "Take-back of used laptops", 2, ()),
    ("supplier-dell", "organiser", "Take-back and repair of laptops and phones", 2, (0,)),
    ("supplier-dell", "buyer-oslo", "Supply-chain disclosure for business notebooks", 1, ()),
    ("supplier-hp", "organiser", "Device-as-a-service for tablets", 2, (2,)),
    ("supplier-hp", "buyer-cph", "Monitors with a type 1 ecolabel", 1, ()),
    ("reseller", "buyer", "Refurbished smartphones at scale", 3, (0,)),
    ("reseller", "buyer-oslo", "Repair and spare parts for phones", 2, ()),
]


def _ensure_registration(event: Event, user, role: ParticipantRole) -> None:
    active = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id, Registration.state.in_(ACTIVE_STATES)))
    if active is None:
        db.session.add(Registration(event_id=event.id, user_id=user.id, organisation_id=user.organisation.id,
                                    role=role, state=RegistrationState.CONFIRMED, confirmed_at=utcnow()))
    elif active.state == RegistrationState.PENDING:
        active.state = RegistrationState.CONFIRMED
        active.confirmed_at = utcnow()


def _set_up(event: Event, mode: MeetingMode, block: tuple[dt.time, dt.time], caps: tuple[int, int, int], *,
            tables: int) -> bool:
    """Mode, caps, one block of slots on the event's day and numbered tables, once. False: no room for the block."""
    settings = setup.ensure_settings(event)
    if not setup.list_blocks(event):
        settings.mode = mode
        settings.max_meetings_per_supplier, settings.max_meetings_per_buyer, settings.max_requests_per_supplier = caps
        day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
        try:
            setup.add_block(event, day, *block)
        except DialogueError:
            return False
    if not setup.list_locations(event):
        setup.add_locations(event, label="Table", count=tables, capacity=4, kind=LocationKind.TABLE)
    return True


def _may_ask(event: Event, supplier, buyer) -> bool:
    """Both take part, and the supplier has not asked the buyer's organisation yet (a second run asks nothing)."""
    if confirmed_registration(event, supplier) is None or confirmed_registration(event, buyer) is None:
        return False
    return db.session.scalar(select(MeetingRequest.id).where(
        MeetingRequest.event_id == event.id, MeetingRequest.supplier_org_id == supplier.organisation.id,
        MeetingRequest.buyer_org_id == buyer.organisation.id)) is None


def build(world: dict) -> None:
    _second_stage(world)
    _nordic_forum(world)


def _nordic_forum(world: dict) -> None:
    event = db.session.scalar(select(Event).where(Event.slug == EVENT_SLUG))
    if event is None or event.starts_at <= utcnow():
        return  # the events feature builds the event; without it there is nothing to add to
    people = world["people"]
    # The agenda's one-to-one session; the caps per supplier, per buyer and of open requests.
    if not _set_up(event, MeetingMode.REQUEST, (dt.time(13, 15), dt.time(16, 0)), (6, 8, 10), tables=8):
        return  # the event's hours do not leave room for a block
    if not any(loc.kind == LocationKind.ROOM for loc in setup.list_locations(event)):
        setup.add_locations(event, label="Meeting room Kallio", count=1, capacity=8, kind=LocationKind.ROOM)
    for key in BUYERS:
        _ensure_registration(event, people[key], ParticipantRole.BUYER)
    for key, role in SUPPLIERS.items():
        _ensure_registration(event, people[key], role)
    db.session.flush()
    slots = setup.list_slots(event)
    _ask(event, people, REQUESTS, lambda supplier, buyer, intents, topic, slot_index, cohosts: _request_and_accept(
        event, supplier, buyer, intents, topic, slots, slot_index, [people[k].id for k in cohosts]))


def _ask(event: Event, people: dict, rows, act) -> None:
    """Each row starts with the supplier's and the buyer's keys; ``act(supplier, buyer, intents, *rest)`` asks."""
    for supplier_key, buyer_key, *rest in rows:
        supplier, buyer = people[supplier_key], people[buyer_key]
        if not _may_ask(event, supplier, buyer):
            continue
        intents = requests.requestable_intents(event, buyer.organisation.id)
        try:
            with db.session.begin_nested():
                act(supplier, buyer, intents, *rest)
        except DialogueError:
            continue  # e.g. a cap the organisers set lower; the rest of the demo stands
    db.session.flush()


def _request(event, supplier, buyer, intents, topic, slot_ids, agenda, priority=2):
    """About the buyer's first planned tender at the event, or about the topic when it has none."""
    return requests.create_request(
        event, supplier, buyer_org_id=buyer.organisation.id, intent_id=intents[0].id if intents else None,
        topic="" if intents else topic, agenda=agenda, preferred_slot_ids=slot_ids, priority=priority)


def _request_and_accept(event, supplier, buyer, intents, topic, slots, slot_index, cohost_ids) -> None:
    accept_at = slots[slot_index] if slot_index is not None and slot_index < len(slots) else None
    request = _request(event, supplier, buyer, intents, topic, [accept_at.id] if accept_at else [],
                       "Introductions, what you plan, what the market can offer today.")
    if accept_at is not None:
        requests.accept_request(request, buyer, slot_id=accept_at.id, buyer_ids=cohost_ids)


def _second_stage(world: dict) -> None:
    """The organisers schedule: requests are collected, then placed all at once from the scheduler page."""
    event = db.session.scalar(select(Event).where(Event.slug == SECOND_STAGE))
    if event is None or event.starts_at <= utcnow():
        return
    if not _set_up(event, MeetingMode.ORGANISER, (dt.time(10, 0), dt.time(15, 0)), (4, 8, 6), tables=4):
        return
    slots = setup.list_slots(event)
    agenda = "What you plan, what we can offer, and what we would need from the tender."
    _ask(event, world["people"], WAITING, lambda supplier, buyer, intents, topic, priority, preferred: _request(
        event, supplier, buyer, intents, topic, [slots[i].id for i in preferred if i < len(slots)], agenda,
        priority))
