"""Changes to one meeting: cancel, reschedule, move, add a person, "did not take place", the room link.

``call_off_meeting`` and ``leave_meeting`` hold no checks of who may: the reactions to other features use them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.meetings import notify
from dialogue.meetings.i18n import _, ngettext
from dialogue.meetings.people import buyer_people, supplier_people
from dialogue.meetings.placement import (
    busy_people,
    flush_or_taken,
    free_location,
    lock_caps,
    meeting_count,
    slot_of_event,
    unavailable_people,
)
from dialogue.meetings.services import organises, seen_by, settings_or_error
from dialogue.models import (
    BusySlot,
    Meeting,
    MeetingLocation,
    MeetingParticipant,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    RequestStatus,
    User,
    utcnow,
)


def get_meeting_for(meeting_id: int, user: User) -> Meeting:
    """A meeting the person takes part in, or organises. Anyone else: not found."""
    meeting = db.session.scalar(select(Meeting).options(
        selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
        selectinload(Meeting.participants).joinedload(MeetingParticipant.organisation))
        .where(Meeting.id == meeting_id))
    return seen_by(meeting, user, lambda m: m.side_of(user.id) is not None and m.status != MeetingStatus.PROPOSED,
                   _("There is no such meeting."))


def _require_participant(meeting: Meeting, user: User, *, organiser_too: bool = True) -> MeetingSide | None:
    side = meeting.side_of(user.id)
    if side is None and not (organiser_too and organises(meeting.event, user)):
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
    settings = settings_or_error(event)
    _require_upcoming(meeting, now)
    slot = slot_of_event(event, slot_id, now, lock=True)
    people = [p.user_id for p in meeting.participants if p.user_id is not None]
    if slot.id != meeting.slot_id:
        if busy_people(slot, people):
            raise Conflict(_("Not everyone in the meeting is free at that time."), field="slot")
        if unavailable_people(slot, people):
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
        location = free_location(event, settings, slot, len(people), keep=keep, exclude_meeting=meeting.id)
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
    flush_or_taken()
    if meeting.status == MeetingStatus.CONFIRMED:
        notify.invite(meeting)


def add_participant(meeting: Meeting, user: User, person_id: int, now: dt.datetime | None = None) -> None:
    """A buyer brings a colleague or a co-host buyer; the supplier brings staff, up to the event's limit."""
    now = now or utcnow()
    event = meeting.event
    settings = settings_or_error(event)
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
    if busy_people(slot, [person.id]):
        raise Conflict(_("%(name)s has another meeting at that time.", name=person.name), field="person")
    if unavailable_people(slot, [person.id]):
        raise Conflict(_("%(name)s is not available at that time.", name=person.name), field="person")
    if side == MeetingSide.BUYER:
        lock_caps(event, settings, meeting.supplier_org_id, [person.id])
        cap = settings.max_meetings_per_buyer
        if cap is not None and meeting_count(event, buyer_id=person.id) >= cap:
            raise Conflict(ngettext("%(name)s already has the maximum of %(num)s meeting at this event.",
                                    "%(name)s already has the maximum of %(num)s meetings at this event.",
                                    cap, name=person.name), field="person")
    size = len(meeting.participants) + 1
    if meeting.location is not None and meeting.location.capacity < size:
        location = free_location(event, settings, slot, size, exclude_meeting=meeting.id)
        meeting.location_id = location.id if location else None
        meeting.location = location
    meeting.participants.append(MeetingParticipant(
        user_id=person.id, user=person, organisation_id=person.organisation.id if person.organisation else None,
        side=side, slot_id=slot.id))
    meeting.sequence += 1
    flush_or_taken()
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
