"""A person's data in the meetings feature: meetings, requests, availability, interests, calendar feed,
the minutes they recorded or published.

Meetings held between organisations are part of the procurement record (Art. 84: who met whom):
erasure keeps each meeting and the person's place in it under their organisation and side, without
the person. Requests they made stay under the supplier organisation; their availability, interests,
place in open requests and their calendar feed go. Minutes are the buyer's record and stay, without
the name of who recorded or published them. Their upcoming meetings and open requests have
ended before this runs (``reactions.py``, on ``account_erasing``), with the other side told.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from dialogue.extensions import db
from dialogue.gdpr.erasure import forget_person
from dialogue.gdpr.retention import retention_rule
from dialogue.models import (
    BusySlot,
    CalendarFeedToken,
    Meeting,
    MeetingInterest,
    MeetingMinutes,
    MeetingParticipant,
    MeetingRequest,
    MeetingRequestAttendee,
    MeetingSlot,
    User,
)


def export(user: User) -> dict[str, list[dict]]:
    participations = list(db.session.scalars(
        select(MeetingParticipant).where(MeetingParticipant.user_id == user.id)
        .options(joinedload(MeetingParticipant.meeting).joinedload(Meeting.event),
                 joinedload(MeetingParticipant.meeting).joinedload(Meeting.slot),
                 joinedload(MeetingParticipant.meeting).joinedload(Meeting.supplier_org),
                 joinedload(MeetingParticipant.meeting).joinedload(Meeting.intent),
                 joinedload(MeetingParticipant.meeting).joinedload(Meeting.location),
                 joinedload(MeetingParticipant.meeting).selectinload(Meeting.participants)
                 .joinedload(MeetingParticipant.organisation))
        .order_by(MeetingParticipant.id)))
    attending = select(MeetingRequestAttendee.request_id).where(MeetingRequestAttendee.user_id == user.id)
    requests = db.session.scalars(
        select(MeetingRequest).where(or_(MeetingRequest.requester_id == user.id, MeetingRequest.id.in_(attending)))
        .options(joinedload(MeetingRequest.event), joinedload(MeetingRequest.buyer_org),
                 joinedload(MeetingRequest.supplier_org), joinedload(MeetingRequest.intent))
        .order_by(MeetingRequest.id))
    busy = db.session.execute(
        select(MeetingSlot.starts_at).join(BusySlot, BusySlot.slot_id == MeetingSlot.id)
        .where(BusySlot.user_id == user.id).order_by(MeetingSlot.starts_at)).scalars()
    interests = db.session.scalars(select(MeetingInterest).where(MeetingInterest.user_id == user.id)
                                   .options(joinedload(MeetingInterest.intent)).order_by(MeetingInterest.id))
    feed = db.session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id))
    recorded = db.session.scalars(
        select(MeetingMinutes).where(or_(MeetingMinutes.recorded_by_id == user.id,
                                         MeetingMinutes.published_by_id == user.id))
        .options(joinedload(MeetingMinutes.meeting).joinedload(Meeting.event),
                 joinedload(MeetingMinutes.meeting).joinedload(Meeting.slot),
                 joinedload(MeetingMinutes.meeting).joinedload(Meeting.supplier_org))
        .order_by(MeetingMinutes.id))
    meetings = []
    for p in participations:
        m = p.meeting
        meetings.append({
            "event": m.event.title, "starts_at": m.slot.starts_at, "ends_at": m.slot.ends_at,
            "place": m.location.label if m.location else m.virtual_url, "your_side": p.side,
            "supplier": m.supplier_org.name,
            "buyers": "; ".join(sorted({q.organisation.name for q in m.participants
                                        if q.side == "buyer" and q.organisation})),
            "subject": m.subject, "status": m.status, "did_not_take_place": m.no_show_at is not None})
    return {
        "meetings": meetings,
        "meeting_requests": [{
            "event": r.event.title, "you_requested": r.requester_id == user.id, "supplier": r.supplier_org.name,
            "buyer": r.buyer_org.name, "subject": r.subject, "agenda": r.agenda, "status": r.status,
            "created_at": r.created_at, "decided_at": r.decided_at} for r in requests],
        "meeting_availability_busy_slots": [{"slot_starts_at": at} for at in busy],
        "meeting_interests": [{"intent": i.intent.title} for i in interests],
        "meeting_minutes": [{
            "event": n.meeting.event.title, "meeting_starts_at": n.meeting.slot.starts_at,
            "supplier": n.meeting.supplier_org.name, "you_recorded": n.recorded_by_id == user.id,
            "you_published": n.published_by_id == user.id, "summary": n.summary,
            "information_given": n.information_given, "recorded_at": n.recorded_at,
            "published_at": n.published_at} for n in recorded],
        "calendar_feed": ([{"created_at": feed.created_at, "last_used_at": feed.last_used_at}] if feed else []),
    }


def erase(user: User) -> None:
    # The meeting and the side and organisation the person met for stay; the person does not.
    db.session.execute(update(MeetingParticipant).where(MeetingParticipant.user_id == user.id)
                       .values(user_id=None).execution_options(synchronize_session="fetch"))
    db.session.execute(update(MeetingRequest).where(MeetingRequest.requester_id == user.id)
                       .values(requester_id=None).execution_options(synchronize_session="fetch"))
    forget_person(user, MeetingMinutes.recorded_by_id, MeetingMinutes.published_by_id)
    for model in (MeetingRequestAttendee, BusySlot, MeetingInterest, CalendarFeedToken):
        db.session.execute(delete(model).where(model.user_id == user.id)
                           .execution_options(synchronize_session="fetch"))


# Retention: a calendar feed address nobody has used for a long time is revoked.

def _unused(cutoff: dt.datetime):
    return func.coalesce(CalendarFeedToken.last_used_at, CalendarFeedToken.created_at) < cutoff


RETENTION = [retention_rule("RETENTION_CALENDAR_FEED_DAYS", 180,
                            _l("Personal calendar feed addresses not used for this long stop working and are "
                               "deleted."), CalendarFeedToken, _unused)]

