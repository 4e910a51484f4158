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


def build(world: dict) -> None:
    _second_stage(world)
    _nordic_forum(world)


def _nordic_forum(world: dict) -> None:
    event = db.session.scalar(select(Event).where(Event.slug == EVENT_SLUG))
    if event is None or event.starts_at <= utcnow():
        return  # the events feature builds the event; without it there is nothing to add to
    people = world["people"]
    settings = setup.ensure_settings(event)
    if not setup.list_blocks(event):
        settings.mode = MeetingMode.REQUEST
        settings.max_meetings_per_supplier = 6
        settings.max_meetings_per_buyer = 8
        settings.max_requests_per_supplier = 10
        day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
        try:
            setup.add_block(event, day, dt.time(13, 15), dt.time(16, 0))  # the agenda's one-to-one session
        except DialogueError:
            return  # the event's hours do not leave room for a block
    if not setup.list_locations(event):
        setup.add_locations(event, label="Table", count=8, capacity=4, kind=LocationKind.TABLE)
        setup.add_locations(event, label="Meeting room Kallio", count=1, capacity=8, kind=LocationKind.ROOM)
    for key in BUYERS:
        _ensure_registration(event, people[key], ParticipantRole.BUYER)
    for key, role in SUPPLIERS.items():
        _ensure_registration(event, people[key], role)
    db.session.flush()
    slots = setup.list_slots(event)
    for supplier_key, buyer_key, topic, slot_index, cohosts in REQUESTS:
        supplier, buyer = people[supplier_key], people[buyer_key]
        if confirmed_registration(event, supplier) is None or confirmed_registration(event, buyer) is None:
            continue
        exists = db.session.scalar(select(MeetingRequest.id).where(
            MeetingRequest.event_id == event.id, MeetingRequest.supplier_org_id == supplier.organisation.id,
            MeetingRequest.buyer_org_id == buyer.organisation.id))
        if exists:
            continue
        intents = requests.requestable_intents(event, buyer.organisation.id)
        try:
            with db.session.begin_nested():
                _request_and_accept(event, supplier, buyer, intents, topic, slots, slot_index,
                                    [people[k].id for k in cohosts])
        except DialogueError:
            continue  # e.g. a cap the organisers set lower; the rest of the demo stands
    db.session.flush()


def _request_and_accept(event, supplier, buyer, intents, topic, slots, slot_index, cohost_ids) -> None:
    accept_at = slots[slot_index] if slot_index is not None and slot_index < len(slots) else None
    request = requests.create_request(
        event, supplier, buyer_org_id=buyer.organisation.id, intent_id=intents[0].id if intents else None,
        topic="" if intents else topic, agenda="Introductions, what you plan, what the market can offer today.",
        preferred_slot_ids=[accept_at.id] if accept_at else [])
    if accept_at is not None:
        requests.accept_request(request, buyer, slot_id=accept_at.id, buyer_ids=cohost_ids)


def _second_stage(world: dict) -> None:
    """The organisers schedule: requests are collected, then placed all at once from the scheduler page."""
    event = db.session.scalar(select(Event).where(Event.slug == SECOND_STAGE))
    if event is None or event.starts_at <= utcnow():
        return
    people = world["people"]
    settings = setup.ensure_settings(event)
    if not setup.list_blocks(event):
        settings.mode = MeetingMode.ORGANISER
        settings.max_meetings_per_supplier = 4
        settings.max_meetings_per_buyer = 8
        settings.max_requests_per_supplier = 6
        day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
        try:
            setup.add_block(event, day, dt.time(10, 0), dt.time(15, 0))  # the agenda's one-to-one session
        except DialogueError:
            return
    if not setup.list_locations(event):
        setup.add_locations(event, label="Table", count=4, capacity=4, kind=LocationKind.TABLE)
    slots = setup.list_slots(event)
    for supplier_key, buyer_key, topic, priority, preferred in WAITING:
        supplier, buyer = people[supplier_key], people[buyer_key]
        if confirmed_registration(event, supplier) is None or confirmed_registration(event, buyer) is None:
            continue
        if db.session.scalar(select(MeetingRequest.id).where(
                MeetingRequest.event_id == event.id, MeetingRequest.supplier_org_id == supplier.organisation.id,
                MeetingRequest.buyer_org_id == buyer.organisation.id)):
            continue
        intents = requests.requestable_intents(event, buyer.organisation.id)
        try:
            with db.session.begin_nested():
                requests.create_request(
                    event, supplier, buyer_org_id=buyer.organisation.id,
                    intent_id=intents[0].id if intents else None, topic="" if intents else topic,
                    agenda="What you plan, what we can offer, and what we would need from the tender.",
                    preferred_slot_ids=[slots[i].id for i in preferred if i < len(slots)], priority=priority)
        except DialogueError:
            continue
    db.session.flush()
