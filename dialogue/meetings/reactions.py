"""What a person's meetings do when their place at an event ends, and when the event is cancelled.

A person whose registration is cancelled, rejected or erased leaves their upcoming meetings at the
event: a meeting they were alone on their side of is cancelled for everyone; otherwise it goes on
without them. Their open requests are withdrawn, the scheduler's drafts with them are removed, and a
request to their organisation goes to the colleagues still at the event, or is withdrawn when none
is left. A cancelled event takes every upcoming meeting, open request and draft with it. Meetings
that have started are history and stay as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.signals import account_erasing, event_cancelled, registration_ended, registration_role_changed
from dialogue.extensions import db
from dialogue.meetings.changes import call_off_meeting, leave_meeting
from dialogue.meetings.people import SUPPLIER_ROLES, buyer_people, supplier_people
from dialogue.meetings.requests import close_request
from dialogue.models import (
    Event,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingRequestAttendee,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    ParticipantRole,
    RequestStatus,
    User,
)
from dialogue.models.meeting import OPEN_REQUEST_STATES


@dataclass
class Ended:
    cancelled: int = 0
    left: int = 0
    drafts: int = 0
    withdrawn: int = 0

    def __bool__(self) -> bool:
        return bool(self.cancelled or self.left or self.drafts or self.withdrawn)

    def summary(self) -> str:
        return (f"cancelled {self.cancelled} meetings, took the person out of {self.left} others, withdrew "
                f"{self.withdrawn} meeting requests, removed {self.drafts} draft meetings")


def _upcoming(event: Event, now: dt.datetime, user_id: int | None = None) -> list[Meeting]:
    query = (select(Meeting).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
             .options(selectinload(Meeting.participants).selectinload(MeetingParticipant.user))
             .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.CONFIRMED,
                    MeetingSlot.starts_at > now).order_by(MeetingSlot.starts_at, Meeting.id))
    if user_id is not None:
        query = query.where(Meeting.id.in_(select(MeetingParticipant.meeting_id)
                                           .where(MeetingParticipant.user_id == user_id)))
    return list(db.session.scalars(query))


def _remove_drafts(event: Event, user_id: int | None = None) -> int:
    query = select(Meeting.id).where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.PROPOSED)
    if user_id is not None:
        query = query.where(Meeting.id.in_(select(MeetingParticipant.meeting_id)
                                           .where(MeetingParticipant.user_id == user_id)))
    drafts = list(db.session.scalars(query))
    if drafts:
        db.session.execute(delete(MeetingParticipant).where(MeetingParticipant.meeting_id.in_(drafts))
                           .execution_options(synchronize_session="fetch"))
        db.session.execute(delete(Meeting).where(Meeting.id.in_(drafts))
                           .execution_options(synchronize_session="fetch"))
    return len(drafts)


def _meeting_gone(request: MeetingRequest) -> bool:
    return request.meeting is None or request.meeting.status == MeetingStatus.CANCELLED


def release_person(event: Event, user: User, by: User | None, now: dt.datetime, *,
                   organisation_id: int | None, tell_person: bool = True) -> Ended:
    """End what hangs on one person's place at the event (see the module's docstring)."""
    ended = Ended()
    for meeting in _upcoming(event, now, user.id):
        mine = next(p for p in meeting.participants if p.user_id == user.id)
        stay = [p for p in meeting.participants
                if p.side == mine.side and p.user_id is not None and p.user_id != user.id]
        if stay:
            leave_meeting(meeting, mine, by, now=now, tell_leaver=tell_person)
            ended.left += 1
        else:
            told = {p.user_id for p in meeting.participants if p.user_id is not None}
            call_off_meeting(meeting, by, now=now, notify_user_ids=told if tell_person else told - {user.id})
            ended.cancelled += 1
    ended.drafts = _remove_drafts(event, user.id)

    attending = select(MeetingRequestAttendee.request_id).where(MeetingRequestAttendee.user_id == user.id)
    involved = [MeetingRequest.requester_id == user.id, MeetingRequest.id.in_(attending)]
    if organisation_id is not None:
        involved += [MeetingRequest.supplier_org_id == organisation_id,
                     MeetingRequest.buyer_org_id == organisation_id]
    requests = db.session.scalars(
        select(MeetingRequest).options(selectinload(MeetingRequest.attendees), selectinload(MeetingRequest.meeting))
        .where(MeetingRequest.event_id == event.id, MeetingRequest.status.in_(OPEN_REQUEST_STATES), or_(*involved))
        .order_by(MeetingRequest.id)).all()
    for request in requests:
        if _request_ends(request, event, user):
            close_request(request, by, now=now)
            ended.withdrawn += 1
    db.session.flush()
    return ended


def _request_ends(request: MeetingRequest, event: Event, user: User) -> bool:
    """Whether an open request ends with the person's place; a pending one they only attended loses them."""
    if request.status != RequestStatus.PENDING:  # accepted: it ends when its meeting is gone
        return _meeting_gone(request)
    if request.requester_id == user.id:
        return True
    for attendee in [a for a in request.attendees if a.user_id == user.id]:
        request.attendees.remove(attendee)
    suppliers = [a for a in request.attendees if a.side == MeetingSide.SUPPLIER]
    if not suppliers or not supplier_people(event, request.supplier_org_id):
        return True
    if not [a for a in request.attendees if a.side == MeetingSide.BUYER]:
        # The request is to the organisation: its buyers still at the event take it over.
        colleagues = buyer_people(event, request.buyer_org_id)
        if not colleagues:
            return True
        for person in colleagues:
            request.attendees.append(MeetingRequestAttendee(user_id=person.id, side=MeetingSide.BUYER))
    return False


def _audit(by: User | None, event: Event, what: str, ended: Ended, **details) -> None:
    if ended:
        record_action(by, "meetings.release", f"{what}: {ended.summary()}", event=event, cancelled=ended.cancelled,
                      left=ended.left, withdrawn=ended.withdrawn, drafts=ended.drafts, **details)


@registration_ended.connect
def on_registration_ended(registration, *, actor: User | None = None, now: dt.datetime, reason: str = "",
                          kind: str = "cancelled", **_extra) -> None:
    user = registration.user
    if user is None:
        return
    ended = release_person(registration.event, user, actor, now, organisation_id=registration.organisation_id,
                           tell_person=kind != "erased")
    org = registration.organisation.name if registration.organisation else "?"
    _audit(actor, registration.event, f"Registration of {org} ({registration.role.value}) {kind}", ended,
           registration_id=registration.id)


@registration_role_changed.connect
def on_role_changed(registration, *, actor: User | None = None, now: dt.datetime, previous, **_extra) -> None:
    """Someone who no longer acts on their side of the market leaves the meetings they held on it."""
    def side(role) -> str | None:
        return "buyer" if role == ParticipantRole.BUYER else "supplier" if role in SUPPLIER_ROLES else None

    user = registration.user
    if user is None or side(previous) is None or side(previous) == side(registration.role):
        return
    ended = release_person(registration.event, user, actor, now, organisation_id=registration.organisation_id)
    org = registration.organisation.name if registration.organisation else "?"
    _audit(actor, registration.event, f"Role of {org} changed from {ParticipantRole(previous).value} to "
           f"{registration.role.value}", ended, registration_id=registration.id)


@account_erasing.connect
def on_account_erasing(user, *, actor: User | None = None, now: dt.datetime, reason: str = "", **_extra) -> None:
    """What the ended registrations did not take with them: meetings and requests at any event still ahead."""
    upcoming = select(Meeting.event_id).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id).join(
        MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
        MeetingParticipant.user_id == user.id, Meeting.status.in_((MeetingStatus.CONFIRMED, MeetingStatus.PROPOSED)),
        MeetingSlot.starts_at > now)
    attending = select(MeetingRequestAttendee.request_id).where(MeetingRequestAttendee.user_id == user.id)
    requested = select(MeetingRequest.event_id).where(
        MeetingRequest.status.in_(OPEN_REQUEST_STATES),
        or_(MeetingRequest.requester_id == user.id, MeetingRequest.id.in_(attending)))
    events = db.session.scalars(select(Event).where(or_(Event.id.in_(upcoming), Event.id.in_(requested)))
                                .order_by(Event.id)).all()
    for event in events:
        ended = release_person(event, user, actor, now, organisation_id=None, tell_person=False)
        _audit(actor, event, "A participant's account was erased", ended)


@event_cancelled.connect
def on_event_cancelled(event, *, actor: User | None = None, now: dt.datetime, reason: str = "", **_extra) -> None:
    ended = Ended()
    for meeting in _upcoming(event, now):
        call_off_meeting(meeting, actor, reason=reason, now=now)
        ended.cancelled += 1
    ended.drafts = _remove_drafts(event)
    requests = db.session.scalars(
        select(MeetingRequest).options(selectinload(MeetingRequest.meeting))
        .where(MeetingRequest.event_id == event.id, MeetingRequest.status.in_(OPEN_REQUEST_STATES))
        .order_by(MeetingRequest.id)).all()
    for request in requests:
        if request.status == RequestStatus.PENDING or _meeting_gone(request):
            close_request(request, actor, now=now)
            ended.withdrawn += 1
    db.session.flush()
    _audit(actor, event, "The event was cancelled", ended)
