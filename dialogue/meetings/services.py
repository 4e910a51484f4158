"""The rules of one-to-one meetings: requests, booking, changes, caps and "did not take place".

Concurrency: every path that puts people into a slot first locks the slot row (FOR UPDATE on
PostgreSQL), then the supplier organisation and the buyers' registrations in id order, and only
then counts. So two bookings of one slot, or two bookings that together would pass a cap, run
one after the other. The unique constraints on (person, slot) and (table, slot) are the backstop:
a violation becomes the same "just taken" answer.
"""

from __future__ import annotations

import datetime as dt

from dialogue.meetings.i18n import _, _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.timeutil import format_local
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.meetings import notify
from dialogue.meetings.people import (buyer_people, confirmed_registration, get_settings, require_buyer,
                                      require_event_running, require_supplier, side_of, supplier_people)
from dialogue.models import (BusySlot, Event, EventIntent, Intent, Meeting, MeetingInterest, MeetingLocation,
                             MeetingMode, MeetingParticipant, MeetingRequest, MeetingRequestAttendee,
                             MeetingRequestSlot, MeetingSettings, MeetingSide, MeetingSlot, MeetingStatus,
                             Organisation, Registration, RegistrationState, RequestStatus,
                             User, new_token, utcnow)
from dialogue.models.event import EventStaff, StaffRole
from dialogue.models.meeting import OPEN_REQUEST_STATES

SLOT_TAKEN = _l("This slot was just taken by someone else. Choose another time.")


def _settings_or_error(event: Event) -> MeetingSettings:
    require_event_running(event)
    settings = get_settings(event)
    if settings is None:
        raise DialogueError(_("The organisers have not opened one-to-one meetings for this event yet."))
    return settings


def _is_organiser(event: Event, user: User) -> bool:
    if user.is_admin:
        return True
    return db.session.scalar(select(EventStaff.id).where(
        EventStaff.event_id == event.id, EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER)) \
        is not None


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


def _busy_people(slot: MeetingSlot, user_ids) -> set[int]:
    """People held in another meeting at this slot."""
    return set(db.session.scalars(select(MeetingParticipant.user_id).where(
        MeetingParticipant.slot_id == slot.id, MeetingParticipant.user_id.in_(list(user_ids)))))


def _unavailable(slot: MeetingSlot, user_ids) -> set[int]:
    return set(db.session.scalars(select(BusySlot.user_id).where(
        BusySlot.slot_id == slot.id, BusySlot.user_id.in_(list(user_ids)))))


def meeting_count(event: Event, *, supplier_org_id: int | None = None, buyer_id: int | None = None) -> int:
    query = select(func.count(func.distinct(Meeting.id))).where(
        Meeting.event_id == event.id, Meeting.status != MeetingStatus.CANCELLED)
    if supplier_org_id is not None:
        query = query.where(Meeting.supplier_org_id == supplier_org_id)
    if buyer_id is not None:
        query = query.join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
            MeetingParticipant.user_id == buyer_id, MeetingParticipant.side == MeetingSide.BUYER)
    return db.session.scalar(query) or 0


def _lock_caps(event: Event, supplier_org_id: int, buyer_ids) -> None:
    """Lock the rows the caps are counted under: the supplier organisation, then the buyers' registrations."""
    db.session.execute(select(Organisation.id).where(Organisation.id == supplier_org_id).with_for_update())
    if buyer_ids:
        db.session.execute(select(Registration.id).where(
            Registration.event_id == event.id, Registration.user_id.in_(sorted(buyer_ids)),
            Registration.state == RegistrationState.CONFIRMED).order_by(Registration.id).with_for_update())


def _check_caps(event: Event, settings: MeetingSettings, supplier_org_id: int, buyers: list[User],
                *, adding: int = 1) -> None:
    cap = settings.max_meetings_per_supplier
    if cap is not None and meeting_count(event, supplier_org_id=supplier_org_id) + adding > cap:
        raise Conflict(_("The supplier organisation already has the maximum of %(n)s meetings at this event.", n=cap))
    cap = settings.max_meetings_per_buyer
    if cap is not None:
        for buyer in buyers:
            if meeting_count(event, buyer_id=buyer.id) + adding > cap:
                raise Conflict(_("%(name)s already has the maximum of %(n)s meetings at this event.",
                                 name=buyer.name, n=cap))


def _free_location(event: Event, settings: MeetingSettings, slot: MeetingSlot, size: int,
                   keep: MeetingLocation | None = None, exclude_meeting: int | None = None) -> MeetingLocation | None:
    """The smallest free table or room that seats everyone; None when meetings are online or no
    places are set up. Raises when places exist but none is free."""
    if settings.virtual:
        return None
    locations = list(db.session.scalars(select(MeetingLocation).where(MeetingLocation.event_id == event.id)))
    if not locations:
        return None
    taken_query = select(Meeting.location_id).where(Meeting.slot_id == slot.id,
                                                    Meeting.status != MeetingStatus.CANCELLED,
                                                    Meeting.location_id.is_not(None))
    if exclude_meeting is not None:
        taken_query = taken_query.where(Meeting.id != exclude_meeting)
    taken = set(db.session.scalars(taken_query))
    if keep is not None and keep.id not in taken and keep.capacity >= size:
        return keep
    fitting = [loc for loc in locations if loc.id not in taken and loc.capacity >= size]
    if not fitting:
        raise Conflict(_("No table or room for %(n)s people is free at that time. Choose another time.", n=size),
                       field="slot")
    return min(fitting, key=lambda loc: (loc.capacity, loc.position, loc.id))


def _virtual_url(settings: MeetingSettings) -> str | None:
    if settings.virtual and settings.virtual_link_template:
        return settings.virtual_link_template.replace("{code}", new_token()[:16])
    return None


def _flush_or_taken() -> None:
    """Flush in a savepoint; a unique-constraint hit means another booking got there first."""
    try:
        with db.session.begin_nested():
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
    unavailable = _unavailable(slot, [p.id for p in people])
    taken = _busy_people(slot, [p.id for p in people])
    if me is not None and me.id in taken:
        raise Conflict(_("You already have a meeting at this time."), field="slot")
    if taken:
        raise Conflict(str(SLOT_TAKEN), field="slot")
    if unavailable:
        names = ", ".join(p.name for p in people if p.id in unavailable)
        raise Conflict(_("%(names)s is not available at that time.", names=names), field="slot")
    _lock_caps(event, supplier_org_id, [b.id for b in buyers])
    _check_caps(event, settings, supplier_org_id, buyers)
    if location is None:
        location = _free_location(event, settings, slot, len(people))
    meeting = Meeting(event_id=event.id, slot_id=slot.id, location_id=location.id if location else None,
                      virtual_url=_virtual_url(settings), supplier_org_id=supplier_org_id, intent_id=intent_id,
                      topic=topic, agenda=agenda, status=status, sequence=0,
                      created_by_id=created_by.id if created_by else None, request=request)
    db.session.add(meeting)
    for side, group in ((MeetingSide.BUYER, buyers), (MeetingSide.SUPPLIER, suppliers)):
        for person in group:
            meeting.participants.append(MeetingParticipant(
                user_id=person.id, organisation_id=person.organisation.id if person.organisation else None,
                side=side, slot_id=slot.id))
    _flush_or_taken()
    return meeting


# Requests -----------------------------------------------------------------------------------------

def requestable_intents(event: Event, buyer_org_id: int) -> list[Intent]:
    """The buyer's public intents, those presented at this event first."""
    at_event = set(db.session.scalars(select(EventIntent.intent_id).where(EventIntent.event_id == event.id)))
    intents = [i for i in db.session.scalars(select(Intent).where(Intent.buyer_id == buyer_org_id)) if i.is_public]
    return sorted(intents, key=lambda i: (i.id not in at_event, i.title.lower()))


def open_request_count(event: Event, supplier_org_id: int) -> int:
    return db.session.scalar(select(func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event.id, MeetingRequest.supplier_org_id == supplier_org_id,
        MeetingRequest.status.in_(OPEN_REQUEST_STATES))) or 0


def create_request(event: Event, requester: User, *, buyer_org_id: int | None, intent_id: int | None,
                   topic: str, agenda: str, preferred_slot_ids: list[int], priority: int = 2,
                   colleague_ids: list[int] = (), now: dt.datetime | None = None) -> MeetingRequest:
    """A supplier or reseller asks a buyer organisation of the event for a meeting.

    Refused: to one's own organisation, to an organisation with no buyer at the event, over the
    request cap or the meeting cap of the supplier organisation, twice to the same buyer while one
    is open, with an intent of another buyer, with slots not of this event or already past.
    """
    now = now or utcnow()
    settings = _settings_or_error(event)
    if settings.mode == MeetingMode.SELF_BOOKING:
        raise DialogueError(_("At this event you book a free slot in a buyer's calendar directly."))
    registration = require_supplier(event, requester)
    supplier_org_id = registration.organisation_id
    if buyer_org_id == supplier_org_id:
        raise DialogueError(_("You cannot ask your own organisation for a meeting."), field="buyer_org")
    buyers = buyer_people(event, buyer_org_id) if buyer_org_id else []
    if not buyers:
        raise DialogueError(_("Choose a buyer organisation that takes part in the event."), field="buyer_org")
    intent = None
    if intent_id:
        intent = db.session.get(Intent, intent_id)
        if intent is None or intent.buyer_id != buyer_org_id or not intent.is_public:
            raise DialogueError(_("Choose one of this buyer's planned tenders, or describe a general topic."),
                                field="intent")
    topic = (topic or "").strip()
    if intent is None and not topic:
        raise DialogueError(_("Choose a planned tender or describe the topic of the meeting."), field="topic")
    slots = []
    for slot_id in dict.fromkeys(preferred_slot_ids or []):
        slots.append(slot_of_event(event, slot_id, now, field="preferred_slots"))
    db.session.execute(select(Organisation.id).where(Organisation.id == supplier_org_id).with_for_update())
    open_same = db.session.scalar(select(MeetingRequest.id).where(
        MeetingRequest.event_id == event.id, MeetingRequest.supplier_org_id == supplier_org_id,
        MeetingRequest.buyer_org_id == buyer_org_id, MeetingRequest.status == RequestStatus.PENDING,
        (MeetingRequest.expires_at.is_(None)) | (MeetingRequest.expires_at > now)))
    if open_same:
        raise Conflict(_("Your organisation already has an open request to this buyer."), field="buyer_org")
    cap = settings.max_requests_per_supplier
    if cap is not None and open_request_count(event, supplier_org_id) >= cap:
        raise Conflict(_("Your organisation has used its %(n)s meeting requests for this event.", n=cap))
    cap = settings.max_meetings_per_supplier
    if cap is not None and meeting_count(event, supplier_org_id=supplier_org_id) >= cap:
        raise Conflict(_("Your organisation already has the maximum of %(n)s meetings at this event.", n=cap))
    colleagues = _supplier_team(event, settings, requester, supplier_org_id, colleague_ids)
    interested = set(db.session.scalars(select(MeetingInterest.user_id).where(
        MeetingInterest.event_id == event.id, MeetingInterest.intent_id == intent.id))) if intent else set()
    attending_buyers = [b for b in buyers if b.id in interested] or buyers
    request = MeetingRequest(
        event_id=event.id, requester_id=requester.id, supplier_org_id=supplier_org_id, buyer_org_id=buyer_org_id,
        intent_id=intent.id if intent else None, topic=topic[:300], agenda=(agenda or "").strip(),
        requester_priority=max(0, min(3, priority)), buyer_priority=2, status=RequestStatus.PENDING,
        expires_at=now + dt.timedelta(hours=settings.request_expiry_hours)
        if settings.mode == MeetingMode.REQUEST else None, created_at=now)
    for slot in slots:
        request.preferred_slots.append(MeetingRequestSlot(slot_id=slot.id))
    for person in colleagues:
        request.attendees.append(MeetingRequestAttendee(user_id=person.id, side=MeetingSide.SUPPLIER))
    for person in attending_buyers:
        request.attendees.append(MeetingRequestAttendee(user_id=person.id, side=MeetingSide.BUYER))
    db.session.add(request)
    db.session.flush()
    notify.request_received(request, attending_buyers)
    return request


def _supplier_team(event: Event, settings: MeetingSettings, requester: User, supplier_org_id: int,
                   colleague_ids) -> list[User]:
    staff = {u.id: u for u in supplier_people(event, supplier_org_id)}
    team = [requester]
    for uid in dict.fromkeys(colleague_ids or []):
        if uid == requester.id:
            continue
        if uid not in staff:
            raise DialogueError(_("Only colleagues registered for the event can come along."), field="colleagues")
        team.append(staff[uid])
    if len(team) > settings.max_supplier_staff:
        raise DialogueError(_("At most %(n)s people of a supplier take part in one meeting.",
                              n=settings.max_supplier_staff), field="colleagues")
    return team


def get_request_for(request_id: int, user: User) -> MeetingRequest:
    """A request the person may see: of their organisation (either side), or as an organiser.
    Anyone else gets "not found", so ids cannot be probed."""
    request = db.session.scalar(select(MeetingRequest).options(
        selectinload(MeetingRequest.attendees).joinedload(MeetingRequestAttendee.user),
        selectinload(MeetingRequest.preferred_slots).joinedload(MeetingRequestSlot.slot))
        .where(MeetingRequest.id == request_id))
    if request is None:
        raise NotFound(_("There is no such meeting request."))
    org_id = user.organisation.id if user.organisation else None
    if org_id in (request.supplier_org_id, request.buyer_org_id) and confirmed_registration(request.event, user):
        return request
    if _is_organiser(request.event, user):
        return request
    raise NotFound(_("There is no such meeting request."))


def _require_buyer_of(request: MeetingRequest, user: User) -> None:
    registration = require_buyer(request.event, user)
    if registration.organisation_id != request.buyer_org_id:
        raise NotAllowed(_("Only buyers of %(org)s can answer this request.", org=request.buyer_org.name))


def _require_pending(request: MeetingRequest, now: dt.datetime) -> None:
    if request.is_expired(now):
        raise Conflict(_("This request expired on %(when)s and can no longer be accepted.",
                         when=format_local(request.expires_at, request.event.timezone)))
    if request.status == RequestStatus.ACCEPTED:
        # Two buyers (or one, twice) answered at once: the one who lost sees who won, and when.
        decider = db.session.get(User, request.decided_by_id) if request.decided_by_id else None
        raise Conflict(_("This request was already accepted by %(name)s at %(time)s.",
                         name=decider.name if decider is not None else request.buyer_org.name,
                         time=format_local(request.decided_at, request.event.timezone)))
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request is already %(status)s.", status=_(request.status.value)))


def accept_request(request: MeetingRequest, buyer: User, *, slot_id: int, buyer_ids: list[int] = (),
                   now: dt.datetime | None = None) -> Meeting:
    """A buyer accepts, picks the slot and who of the buyers (colleagues, co-host buyers) attends."""
    now = now or utcnow()
    event = request.event
    settings = _settings_or_error(event)
    _require_buyer_of(request, buyer)
    _require_pending(request, now)
    if settings.mode != MeetingMode.REQUEST:
        raise DialogueError(_("At this event the organisers schedule the meetings."))
    slot = slot_of_event(event, slot_id, now, lock=True)
    db.session.refresh(request, with_for_update=True)
    _require_pending(request, now)
    buyers = _buyer_team(event, buyer, buyer_ids)
    suppliers = [a.user for a in request.attendees if a.side == MeetingSide.SUPPLIER]
    meeting = place_meeting(event, settings, slot, buyers=buyers, suppliers=suppliers,
                            supplier_org_id=request.supplier_org_id, intent_id=request.intent_id,
                            topic=request.topic, agenda=request.agenda, created_by=buyer, request=request,
                            me=buyer)
    request.status = RequestStatus.ACCEPTED
    request.decided_at = now
    request.decided_by_id = buyer.id
    db.session.flush()
    notify.invite(meeting)
    return meeting


def _buyer_team(event: Event, buyer: User, buyer_ids) -> list[User]:
    """The accepting buyer and the buyers they bring: colleagues or co-host buyers at the event."""
    others = {u.id: u for u in buyer_people(event)}
    team = [buyer]
    for uid in dict.fromkeys(buyer_ids or []):
        if uid == buyer.id:
            continue
        if uid not in others:
            raise DialogueError(_("Only buyers registered for the event can join."), field="buyers")
        team.append(others[uid])
    return team


def decline_request(request: MeetingRequest, buyer: User, note: str = "", now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    _require_buyer_of(request, buyer)
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request is already %(status)s.", status=_(request.status.value)))
    request.status = RequestStatus.DECLINED
    request.decided_at = now
    request.decided_by_id = buyer.id
    request.decision_note = (note or "").strip() or None
    db.session.flush()
    notify.request_answered(request)


def withdraw_request(request: MeetingRequest, user: User, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    registration = require_supplier(request.event, user)
    if registration.organisation_id != request.supplier_org_id:
        raise NotAllowed(_("Only the requesting organisation can withdraw this request."))
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request is already %(status)s.", status=_(request.status.value)))
    close_request(request, user, now=now)


def close_request(request: MeetingRequest, by: User | None, *, now: dt.datetime) -> None:
    """Withdraw an open request (no checks of who may: the callers hold them)."""
    request.status = RequestStatus.WITHDRAWN
    request.decided_at = now
    request.decided_by_id = by.id if by is not None else None
    db.session.flush()


def prioritise_request(request: MeetingRequest, buyer: User, priority: int) -> None:
    """In organiser-scheduled events, buyers rank incoming requests for the scheduler (0 to 3)."""
    _require_buyer_of(request, buyer)
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request is already %(status)s.", status=_(request.status.value)))
    if not 0 <= priority <= 3:
        raise DialogueError(_("Choose a priority from the list."), field="priority")
    request.buyer_priority = priority
    db.session.flush()


def expire_requests(now: dt.datetime | None = None) -> int:
    """Pending requests past their expiry become expired; the requester is told. Idempotent."""
    now = now or utcnow()
    query = select(MeetingRequest).where(MeetingRequest.status == RequestStatus.PENDING,
                                         MeetingRequest.expires_at.is_not(None), MeetingRequest.expires_at <= now)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    count = 0
    for request in db.session.scalars(query):
        request.status = RequestStatus.EXPIRED
        request.decided_at = now
        notify.request_answered(request)
        count += 1
    db.session.flush()
    return count


# Self-booking -------------------------------------------------------------------------------------

def book_slot(event: Event, supplier: User, buyer: User, slot_id: int, *, intent_id: int | None = None,
              topic: str = "", agenda: str = "", now: dt.datetime | None = None) -> Meeting:
    """A supplier books a free slot in a buyer's calendar: the meeting is confirmed at once."""
    now = now or utcnow()
    settings = _settings_or_error(event)
    if settings.mode != MeetingMode.SELF_BOOKING:
        raise DialogueError(_("At this event meetings are requested, not booked directly."))
    registration = require_supplier(event, supplier)
    buyer_registration = confirmed_registration(event, buyer)
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
    slot = slot_of_event(event, slot_id, now, lock=True)
    meeting = place_meeting(event, settings, slot, buyers=[buyer], suppliers=[supplier],
                            supplier_org_id=registration.organisation_id, intent_id=intent.id if intent else None,
                            topic=topic[:300], agenda=(agenda or "").strip(), created_by=supplier, me=supplier)
    notify.invite(meeting)
    return meeting


# One meeting --------------------------------------------------------------------------------------

def get_meeting_for(meeting_id: int, user: User) -> Meeting:
    """A meeting the person takes part in, or organises. Anyone else: not found."""
    meeting = db.session.scalar(select(Meeting).options(
        selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation))
        .where(Meeting.id == meeting_id))
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    if meeting.side_of(user.id) is not None and meeting.status != MeetingStatus.PROPOSED:
        return meeting
    if _is_organiser(meeting.event, user):
        return meeting
    raise NotFound(_("There is no such meeting."))


def _require_participant(meeting: Meeting, user: User, *, organiser_too: bool = True) -> MeetingSide | None:
    side = meeting.side_of(user.id)
    if side is None and not (organiser_too and _is_organiser(meeting.event, user)):
        raise NotAllowed(_("Only the people in this meeting can do this."))
    return side


def _require_upcoming(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("This meeting is cancelled."))
    if meeting.slot.starts_at <= now:
        raise Conflict(_("This meeting has already started."))


def cancel_meeting(meeting: Meeting, user: User, reason: str = "", now: dt.datetime | None = None) -> None:
    """Either side or an organiser cancels before the start; calendars get METHOD:CANCEL."""
    now = now or utcnow()
    _require_participant(meeting, user)
    _require_upcoming(meeting, now)
    call_off_meeting(meeting, user, reason=reason, now=now)


def call_off_meeting(meeting: Meeting, by: User | None, *, reason: str = "", now: dt.datetime,
                     notify_user_ids: set[int] | None = None) -> None:
    """Cancel without the checks of who may: the meeting lets go of its slot and table, its accepted
    request is withdrawn, and the attendees (or those of ``notify_user_ids``) get METHOD:CANCEL with
    the next SEQUENCE. ``by`` None is the platform itself."""
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.cancelled_by_id = by.id if by is not None else None
    meeting.cancel_reason = (reason or "").strip() or None
    meeting.sequence += 1
    meeting.reschedule_slot_id = None
    for participant in meeting.participants:
        participant.slot_id = None
    if meeting.request is not None and meeting.request.status == RequestStatus.ACCEPTED:
        meeting.request.status = RequestStatus.WITHDRAWN
    db.session.flush()
    recipients = [p for p in meeting.participants if notify_user_ids is None or p.user_id in notify_user_ids]
    notify.cancelled(meeting, by, recipients)


def leave_meeting(meeting: Meeting, participant: MeetingParticipant, by: User | None, *, now: dt.datetime,
                  tell_leaver: bool = True) -> None:
    """One person leaves a meeting that goes on with the others of their side: they get METHOD:CANCEL,
    the others the updated entry; both with the next SEQUENCE."""
    meeting.sequence += 1
    if meeting.reschedule_by_id is not None and meeting.reschedule_by_id == participant.user_id:
        meeting.reschedule_slot_id = None
        meeting.reschedule_by_id = None
        meeting.reschedule_note = None
    if tell_leaver:
        notify.cancelled(meeting, by, [participant], removed=True)
    meeting.participants.remove(participant)
    db.session.flush()
    notify.invite(meeting)


def free_slots_for(meeting: Meeting, now: dt.datetime) -> list[MeetingSlot]:
    """Later slots in which every participant is available and not in another meeting."""
    people = [p.user_id for p in meeting.participants if p.user_id is not None]
    held = set(db.session.scalars(select(MeetingParticipant.slot_id).where(
        MeetingParticipant.user_id.in_(people), MeetingParticipant.slot_id.is_not(None))))
    busy = set(db.session.scalars(select(BusySlot.slot_id).where(BusySlot.user_id.in_(people))))
    slots = db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == meeting.event_id,
                                                        MeetingSlot.starts_at > now).order_by(MeetingSlot.starts_at))
    return [s for s in slots if s.id not in held and s.id not in busy]


def ask_reschedule(meeting: Meeting, user: User, slot_id: int, note: str = "",
                   now: dt.datetime | None = None) -> None:
    """A participant proposes another slot; the other side accepts or declines."""
    now = now or utcnow()
    side = _require_participant(meeting, user, organiser_too=False)
    _require_upcoming(meeting, now)
    if meeting.status != MeetingStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed meeting can be moved."))
    slot = slot_of_event(meeting.event, slot_id, now)
    if slot.id == meeting.slot_id:
        raise DialogueError(_("Choose a different time from the current one."), field="slot")
    if slot.id not in {s.id for s in free_slots_for(meeting, now)}:
        raise Conflict(_("Not everyone in the meeting is free at that time."), field="slot")
    meeting.reschedule_slot_id = slot.id
    meeting.reschedule_by_id = user.id
    meeting.reschedule_note = (note or "").strip() or None
    db.session.flush()
    notify.reschedule_asked(meeting, user, side)


def answer_reschedule(meeting: Meeting, user: User, accept: bool, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    side = _require_participant(meeting, user, organiser_too=False)
    if meeting.reschedule_slot_id is None:
        raise Conflict(_("Nobody has asked to move this meeting."))
    asker = meeting.reschedule_by_id
    if asker == user.id or (asker is not None and meeting.side_of(asker) == side):
        raise NotAllowed(_("The other side answers a request to move the meeting."))
    target = meeting.reschedule_slot_id
    if accept:
        move_meeting(meeting, target, user, now=now)
    else:
        notify.reschedule_declined(meeting, user)
    meeting.reschedule_slot_id = None
    meeting.reschedule_by_id = None
    meeting.reschedule_note = None
    db.session.flush()


def move_meeting(meeting: Meeting, slot_id: int, user: User, *, location_id: int | None = None,
                 now: dt.datetime | None = None) -> None:
    """Move to another slot (and table); the same calendar entry updates (SEQUENCE + 1)."""
    now = now or utcnow()
    event = meeting.event
    settings = _settings_or_error(event)
    _require_upcoming(meeting, now)
    slot = slot_of_event(event, slot_id, now, lock=True)
    people = [p.user_id for p in meeting.participants if p.user_id is not None]
    if slot.id != meeting.slot_id:
        if _busy_people(slot, people):
            raise Conflict(_("Not everyone in the meeting is free at that time."), field="slot")
        if _unavailable(slot, people):
            raise Conflict(_("Not everyone in the meeting is available at that time."), field="slot")
    keep = meeting.location
    if location_id:
        keep = db.session.get(MeetingLocation, location_id)
        if keep is None or keep.event_id != event.id:
            raise DialogueError(_("Choose a table or room of this event."), field="location")
        busy_table = db.session.scalar(select(Meeting.id).where(
            Meeting.slot_id == slot.id, Meeting.location_id == keep.id, Meeting.id != meeting.id,
            Meeting.status != MeetingStatus.CANCELLED))
        if busy_table:
            raise Conflict(_("%(label)s is taken at that time.", label=keep.label), field="location")
        if keep.capacity < len(people):
            raise DialogueError(_("%(label)s seats %(n)s people.", label=keep.label, n=keep.capacity),
                                field="location")
        location = keep
    else:
        location = _free_location(event, settings, slot, len(people), keep=keep, exclude_meeting=meeting.id)
    if slot.id == meeting.slot_id and location == meeting.location:
        raise DialogueError(_("Nothing to change: that is the meeting's current time and place."), field="slot")
    meeting.slot_id = slot.id
    meeting.slot = slot
    meeting.location_id = location.id if location else None
    meeting.location = location
    for participant in meeting.participants:
        participant.slot_id = slot.id
        participant.reminded_at = None
    meeting.sequence += 1
    _flush_or_taken()
    if meeting.status == MeetingStatus.CONFIRMED:
        notify.invite(meeting)


def add_participant(meeting: Meeting, user: User, person_id: int, now: dt.datetime | None = None) -> None:
    """A buyer brings a colleague or a co-host buyer; the supplier brings staff, up to the event's limit."""
    now = now or utcnow()
    event = meeting.event
    settings = _settings_or_error(event)
    side = _require_participant(meeting, user, organiser_too=False)
    _require_upcoming(meeting, now)
    if meeting.status != MeetingStatus.CONFIRMED:
        raise Conflict(_("People can join once the meeting is confirmed."))
    if side == MeetingSide.BUYER:
        candidates = {u.id: u for u in buyer_people(event)}
    else:
        candidates = {u.id: u for u in supplier_people(event, meeting.supplier_org_id)}
    person = candidates.get(person_id)
    if person is None:
        raise DialogueError(_("Choose a person registered for the event on your side."), field="person")
    if meeting.side_of(person.id) is not None:
        raise Conflict(_("%(name)s is already in the meeting.", name=person.name), field="person")
    if side == MeetingSide.SUPPLIER and len(meeting.people(MeetingSide.SUPPLIER)) >= settings.max_supplier_staff:
        raise Conflict(_("At most %(n)s people of a supplier take part in one meeting.",
                         n=settings.max_supplier_staff), field="person")
    slot = slot_of_event(event, meeting.slot_id, now, lock=True)
    if _busy_people(slot, [person.id]):
        raise Conflict(_("%(name)s has another meeting at that time.", name=person.name), field="person")
    if _unavailable(slot, [person.id]):
        raise Conflict(_("%(name)s is not available at that time.", name=person.name), field="person")
    if side == MeetingSide.BUYER:
        _lock_caps(event, meeting.supplier_org_id, [person.id])
        cap = settings.max_meetings_per_buyer
        if cap is not None and meeting_count(event, buyer_id=person.id) >= cap:
            raise Conflict(_("%(name)s already has the maximum of %(n)s meetings at this event.",
                             name=person.name, n=cap), field="person")
    size = len(meeting.participants) + 1
    if meeting.location is not None and meeting.location.capacity < size:
        location = _free_location(event, settings, slot, size, exclude_meeting=meeting.id)
        meeting.location_id = location.id if location else None
        meeting.location = location
    meeting.participants.append(MeetingParticipant(
        user_id=person.id, user=person, organisation_id=person.organisation.id if person.organisation else None,
        side=side, slot_id=slot.id))
    meeting.sequence += 1
    _flush_or_taken()
    notify.invite(meeting)


def report_no_show(meeting: Meeting, user: User, note: str = "", now: dt.datetime | None = None) -> None:
    """After the meeting's time, either side records that it did not take place."""
    now = now or utcnow()
    _require_participant(meeting, user, organiser_too=False)
    if meeting.status != MeetingStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed meeting can be marked as not taken place."))
    if meeting.slot.ends_at > now:
        raise Conflict(_("You can mark this once the meeting's time is over."))
    if meeting.no_show_at is not None:
        raise Conflict(_("This meeting is already marked as not taken place."))
    meeting.no_show_at = now
    meeting.no_show_by_id = user.id
    meeting.no_show_note = (note or "").strip() or None
    db.session.flush()


def undo_no_show(meeting: Meeting, user: User) -> None:
    _require_participant(meeting, user, organiser_too=False)
    if meeting.no_show_at is None:
        raise Conflict(_("This meeting is not marked as not taken place."))
    meeting.no_show_at = None
    meeting.no_show_by_id = None
    meeting.no_show_note = None
    db.session.flush()


def set_virtual_url(meeting: Meeting, url: str | None) -> None:
    url = clean_http_url(url, "url", message=_("Enter a full address such as https://meet.example.org/room."))
    if url != meeting.virtual_url:
        meeting.virtual_url = url
        meeting.sequence += 1
        db.session.flush()
        if meeting.status == MeetingStatus.CONFIRMED and meeting.slot.starts_at > utcnow():
            notify.invite(meeting)


# Availability and interests -----------------------------------------------------------------------

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


# For other features -------------------------------------------------------------------------------

def user_ids_with_meetings(event: Event) -> set[int]:
    """People who had a meeting at the event that was not cancelled (published meetings only)."""
    return set(db.session.scalars(
        select(MeetingParticipant.user_id).join(Meeting, MeetingParticipant.meeting_id == Meeting.id)
        .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.CONFIRMED)))
