"""Meeting requests: a supplier asks a buyer organisation; buyers accept, decline or rank; requests expire."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core import cache
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.intents.access import buyer_side_ids
from dialogue.meetings import notify
from dialogue.meetings.i18n import _, ngettext
from dialogue.meetings.people import (
    buyer_organisations,
    buyer_people,
    confirmed_registration,
    require_buyer,
    require_supplier,
    supplier_people,
)
from dialogue.meetings.placement import meeting_count, place_meeting, slot_of_event
from dialogue.meetings.services import seen_by, settings_or_error
from dialogue.models import (
    Event,
    EventIntent,
    Intent,
    IntentPartner,
    Meeting,
    MeetingInterest,
    MeetingMode,
    MeetingRequest,
    MeetingRequestAttendee,
    MeetingRequestSlot,
    MeetingSettings,
    MeetingSide,
    Organisation,
    RequestStatus,
    User,
    utcnow,
)
from dialogue.models.meeting import OPEN_REQUEST_STATES


def requestable_intents(event: Event, buyer_org_id: int) -> list[Intent]:
    """The buyer's public intents and the joint ones it is a partner of, those presented at this event first.

    A partner of a joint tender is of its buyer side (``intents.access``): a supplier may ask it about
    the tender, whether or not the lead buyer takes meetings at the event.
    """
    partner_of = select(IntentPartner.intent_id).where(IntentPartner.organisation_id == buyer_org_id)
    intents = list(db.session.scalars(
        select(Intent).options(selectinload(Intent.partners), joinedload(Intent.buyer))
        .where(Intent.is_public, or_(Intent.buyer_id == buyer_org_id,
                                     Intent.joint_procurement.is_(True) & Intent.id.in_(partner_of)))))
    if not intents:  # the booking page asks on every answer; most buyers have none to order
        return []
    at_event = set(db.session.scalars(select(EventIntent.intent_id).where(EventIntent.event_id == event.id,
                                                                          EventIntent.intent_id.in_(
                                                                              [i.id for i in intents]))))
    return sorted(intents, key=lambda i: (i.id not in at_event, i.title.lower()))


def requestable_choices(event: Event, buyer_org_id: int) -> list[tuple[int, str]]:
    """(id, title) of ``requestable_intents``, kept until an intent, a partner of one or the event's
    list of tenders changes: the booking page offers them on every answer, refusals included."""
    def build() -> tuple[tuple[int, str], ...]:
        return tuple((intent.id, intent.title) for intent in requestable_intents(event, buyer_org_id))

    return list(cache.kept("meetings/requestable", [("intent-list",), ("event", event.id)], build,
                           audience=(buyer_org_id,)))


def buyer_side_taking_meetings(event: Event, intents: list[Intent]) -> dict[int, list[Organisation]]:
    """For each joint tender, the organisations of its buyer side with a confirmed buyer at the event:
    the ones a supplier may ask about it."""
    taking = {org.id: org for org in buyer_organisations(event)}
    return {intent.id: sorted((taking[i] for i in buyer_side_ids(intent) if i in taking),
                              key=lambda org: org.name.lower())
            for intent in intents if intent.joint_procurement}


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
    is open, with an intent of which the buyer is neither the lead nor a partner, with slots not of this
    event or already past.
    """
    now = now or utcnow()
    settings = settings_or_error(event)
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
        if intent is None or buyer_org_id not in buyer_side_ids(intent) or not intent.is_public:
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
        raise Conflict(ngettext("Your organisation already has the maximum of %(num)s meeting at this event.",
                                  "Your organisation already has the maximum of %(num)s meetings at this event.", cap))
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
    team = _team(requester, colleague_ids, supplier_people(event, supplier_org_id),
                 _("Only colleagues registered for the event can come along."), "colleagues")
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
    org_id = user.organisation.id if user.organisation else None
    return seen_by(request, user, lambda r: org_id in (r.supplier_org_id, r.buyer_org_id)
                   and confirmed_registration(r.event, user) is not None, _("There is no such meeting request."))


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
    settings = settings_or_error(event)
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
    return _team(buyer, buyer_ids, buyer_people(event), _("Only buyers registered for the event can join."), "buyers")


def _team(lead: User, ids, allowed: list[User], refusal: str, field: str) -> list[User]:
    """The lead and each person they bring, once; bringing anyone not in ``allowed`` is refused."""
    people = {u.id: u for u in allowed}
    team = [lead]
    for uid in dict.fromkeys(ids or []):
        if uid == lead.id:
            continue
        if uid not in people:
            raise DialogueError(refusal, field=field)
        team.append(people[uid])
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
