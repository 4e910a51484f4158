import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.extensions import db
from dialogue.meetings import agenda, availability, changes, placement, requests, services, setup
from dialogue.models import (
    Meeting,
    MeetingMode,
    MeetingParticipant,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
    utcnow,
)


def _request(w, supplier=None, **kw):
    values = dict(buyer_org_id=w.buyer_org.id, intent_id=None, topic="Refurbished phones", agenda="",
                  preferred_slot_ids=[])
    values.update(kw)
    req = requests.create_request(w.event, supplier or w.s1, **values)
    db.session.commit()
    return req


def _ics(message):
    [attachment] = message.attachments
    return attachment, Calendar.from_ical(attachment.data)


def test_request_accept_sends_invitations_with_stable_uid(world, outbox):
    w = world
    req = _request(w, preferred_slot_ids=[w.slots[1].id], colleague_ids=[w.s2.id])
    assert {m.recipients[0] for m in outbox("meetings.request")} == {w.b1.email, w.b2.email}
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[1].id, buyer_ids=[w.b3.id])
    db.session.commit()
    assert req.status == RequestStatus.ACCEPTED and meeting.location.label == "Table 1"
    assert {p.user_id for p in meeting.participants} == {w.b1.id, w.b3.id, w.s1.id, w.s2.id}
    invitations = outbox("meetings.invitation")
    assert len(invitations) == 4
    attachment, cal = _ics(invitations[0])
    assert attachment.content_type == "text/calendar; method=REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(cal["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert str(event["uid"]) == f"meeting-{meeting.id}@dialogue.test"
    assert event.decoded("dtstart").astimezone(dt.timezone.utc) == w.slots[1].starts_at
    assert len(event.get("attendee")) == 4

    # Moving keeps the UID and bumps SEQUENCE; cancelling sends METHOD:CANCEL with the next one.
    changes.move_meeting(meeting, w.slots[3].id, w.organiser)
    db.session.commit()
    _, moved = _ics(outbox("meetings.invitation")[-1])
    [moved_event] = moved.walk("VEVENT")
    assert str(moved_event["uid"]) == str(event["uid"]) and int(moved_event["sequence"]) == 1
    assert moved_event.decoded("dtstart").astimezone(dt.timezone.utc) == w.slots[3].starts_at
    changes.cancel_meeting(meeting, w.s1, "Flight cancelled")
    db.session.commit()
    cancellation = outbox("meetings.cancelled")
    assert len(cancellation) == 4
    attachment, cancelled = _ics(cancellation[0])
    assert attachment.content_type == "text/calendar; method=CANCEL"
    [c] = cancelled.walk("VEVENT")
    assert str(cancelled["method"]) == "CANCEL" and int(c["sequence"]) == 2 and str(c["status"]) == "CANCELLED"
    # The cancelled meeting lets go of the people and the table.
    assert db.session.scalar(select(func.count()).where(MeetingParticipant.slot_id.is_not(None))) == 0
    req2 = _request(w, supplier=w.s3)
    requests.accept_request(req2, w.b1, slot_id=w.slots[3].id)
    db.session.commit()


def test_bad_requests_are_refused_and_change_nothing(world, make_intent):
    w = world
    cases = [
        (dict(buyer_org_id=w.supplier_org.id), "own organisation"),
        (dict(buyer_org_id=w.other_supplier_org.id), "buyer organisation that takes part"),
        (dict(topic=""), "topic"),
        (dict(intent_id=make_intent(w.cohost_org).id), "planned tenders"),
        (dict(preferred_slot_ids=[999999]), "not one of this event's meeting slots"),
        (dict(colleague_ids=[w.s3.id]), "registered for the event"),
    ]
    for kwargs, message in cases:
        with pytest.raises(DialogueError, match=message):
            _request(w, **kwargs)
        db.session.rollback()
    with pytest.raises(NotAllowed):
        _request(w, supplier=w.b1)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        _request(w, supplier=w.observer)
    db.session.rollback()
    assert db.session.scalar(select(func.count(MeetingRequest.id))) == 0
    _request(w)
    with pytest.raises(Conflict, match="already has an open request"):
        _request(w, supplier=w.s2)


def test_slot_in_the_past_and_outside_blocks_are_refused(world, make_event):
    w = world
    other = make_event()
    other_settings = setup.ensure_settings(other)
    other_settings.mode = MeetingMode.REQUEST
    from zoneinfo import ZoneInfo

    setup.add_block(other, other.starts_at.astimezone(ZoneInfo(other.timezone)).date(), dt.time(15, 0),
                    dt.time(16, 0))
    db.session.commit()
    foreign_slot = setup.list_slots(other)[0]
    w.settings.request_expiry_hours = 24 * 60
    req = _request(w)
    with pytest.raises(DialogueError, match="not one of this event's meeting slots"):
        requests.accept_request(req, w.b1, slot_id=foreign_slot.id)
    db.session.rollback()
    later = w.slots[2].starts_at + dt.timedelta(minutes=1)
    with pytest.raises(DialogueError, match="in the past"):
        requests.accept_request(req, w.b1, slot_id=w.slots[0].id, now=later)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Meeting.id))) == 0 and req.status == RequestStatus.PENDING


def test_expired_request_cannot_be_accepted_and_expiry_tells_the_requester(world, outbox):
    w = world
    req = _request(w)
    late = req.expires_at + dt.timedelta(minutes=1)
    with pytest.raises(Conflict, match="expired"):
        requests.accept_request(req, w.b1, slot_id=w.slots[0].id, now=late)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert requests.expire_requests(late) == 1
    db.session.commit()
    assert req.status == RequestStatus.EXPIRED
    assert requests.expire_requests(late) == 0
    assert [m.recipients for m in outbox("meetings.request")][-1] == [w.s1.email]


def test_caps_hold(world):
    w = world
    w.settings.max_meetings_per_supplier = 1
    w.settings.max_requests_per_supplier = 2
    db.session.commit()
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    with pytest.raises(Conflict, match="maximum of 1 meeting at"):
        _request(w, buyer_org_id=w.cohost_org.id)
    db.session.rollback()
    w.settings.max_meetings_per_supplier = None
    w.settings.max_meetings_per_buyer = 1
    db.session.commit()
    second = _request(w, buyer_org_id=w.cohost_org.id)
    with pytest.raises(Conflict, match="used its 2 meeting requests"):
        _request(w, supplier=w.s2, buyer_org_id=w.buyer_org.id)
    db.session.rollback()
    other = _request(w, supplier=w.s3)
    with pytest.raises(Conflict, match="Erik Lund already has the maximum of 1 meeting at"):
        requests.accept_request(other, w.b1, slot_id=w.slots[1].id)
    db.session.rollback()
    assert second.status == RequestStatus.PENDING


def test_nobody_is_in_two_meetings_and_a_table_holds_one(world):
    w = world
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    other = _request(w, supplier=w.s3)
    with pytest.raises(Conflict, match="You already have a meeting at this time"):
        requests.accept_request(other, w.b1, slot_id=w.slots[0].id)
    db.session.rollback()
    # The database refuses what the services would have: same person, same slot.
    meeting = db.session.scalar(select(Meeting))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.add(MeetingParticipant(meeting_id=meeting.id, user_id=w.b1.id, side="buyer",
                                          slot_id=w.slots[0].id))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.add(Meeting(event_id=w.event.id, slot_id=w.slots[0].id, location_id=meeting.location_id,
                               supplier_org_id=w.other_supplier_org.id, topic="x", status=MeetingStatus.CONFIRMED))
        db.session.flush()
    db.session.rollback()


def test_self_booking_and_slot_taken(world):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    placement.book_slot(w.event, w.s1, w.b1, w.slots[0].id, topic="Phones")
    db.session.commit()
    with pytest.raises(Conflict, match="just taken"):
        placement.book_slot(w.event, w.s3, w.b1, w.slots[0].id, topic="Laptops")
    db.session.rollback()
    with pytest.raises(NotFound, match="does not take part"):
        placement.book_slot(w.event, w.s1, w.s2, w.slots[1].id, topic="x")
    db.session.rollback()
    availability.set_availability(w.event, w.b2, [s.id for s in w.slots[1:]])
    db.session.commit()
    with pytest.raises(Conflict, match="not available"):
        placement.book_slot(w.event, w.s3, w.b2, w.slots[0].id, topic="x")
    db.session.rollback()
    with pytest.raises(Conflict, match="You have a meeting"):
        availability.set_availability(w.event, w.b1, [s.id for s in w.slots[1:]])


def test_tables_run_out(world):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    for location in setup.list_locations(w.event)[1:]:
        db.session.delete(location)
    db.session.commit()
    placement.book_slot(w.event, w.s1, w.b1, w.slots[0].id, topic="x")
    db.session.commit()
    with pytest.raises(Conflict, match="No table or room"):
        placement.book_slot(w.event, w.s3, w.b2, w.slots[0].id, topic="x")


def test_reschedule_add_people_and_no_show(world, outbox):
    w = world
    req = _request(w)
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    changes.ask_reschedule(meeting, w.s1, w.slots[2].id, "Train is late")
    db.session.commit()
    assert outbox("meetings.reschedule")[0].recipients == [w.b1.email]
    with pytest.raises(NotAllowed):
        changes.answer_reschedule(meeting, w.s1, True)
    db.session.rollback()
    changes.answer_reschedule(meeting, w.b1, True)
    db.session.commit()
    assert meeting.slot_id == w.slots[2].id and meeting.sequence == 1
    changes.add_participant(meeting, w.b1, w.b3.id)
    w.settings.max_supplier_staff = 1
    db.session.commit()
    with pytest.raises(Conflict, match="At most 1"):
        changes.add_participant(meeting, w.s1, w.s2.id)
    db.session.rollback()
    w.settings.max_supplier_staff = 2
    changes.add_participant(meeting, w.s1, w.s2.id)
    db.session.commit()
    assert meeting.sequence == 3 and len(meeting.participants) == 4
    with pytest.raises(DialogueError, match="on your side"):
        changes.add_participant(meeting, w.s1, w.s3.id)
    db.session.rollback()
    with pytest.raises(Conflict, match="once the meeting's time is over"):
        changes.report_no_show(meeting, w.b1)
    db.session.rollback()
    after = meeting.slot.ends_at + dt.timedelta(minutes=5)
    changes.report_no_show(meeting, w.s1, "Nobody came", now=after)
    db.session.commit()
    assert meeting.no_show_by_id == w.s1.id
    assert services.user_ids_with_meetings(w.event) == {w.b1.id, w.b3.id, w.s1.id, w.s2.id}


def test_someone_elses_meeting_is_not_found(world):
    w = world
    req = _request(w)
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    for outsider in (w.b2, w.s3, w.observer):
        with pytest.raises(NotFound):
            changes.get_meeting_for(meeting.id, outsider)
        with pytest.raises(NotAllowed):
            changes.cancel_meeting(meeting, outsider)
        db.session.rollback()
    assert changes.get_meeting_for(meeting.id, w.organiser) == meeting


def test_setup_refuses_overlaps_past_and_days_outside_the_event(world):
    w = world
    with pytest.raises(Conflict, match="overlaps"):
        setup.add_block(w.event, w.day, dt.time(15, 30), dt.time(17, 0))
    with pytest.raises(DialogueError, match="during the event"):
        setup.add_block(w.event, w.day + dt.timedelta(days=3), dt.time(9, 0), dt.time(10, 0))
    with pytest.raises(DialogueError, match="must end after"):
        setup.add_block(w.event, w.day, dt.time(17, 0), dt.time(16, 0))
    with pytest.raises(DialogueError, match="in the future"):
        setup.add_block(w.event, w.day, dt.time(17, 0), dt.time(18, 0),
                        now=w.event.starts_at + dt.timedelta(days=1))
    db.session.rollback()
    assert len(setup.list_blocks(w.event)) == 1 and len(setup.list_slots(w.event)) == 5
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    with pytest.raises(Conflict, match="can no longer change"):
        setup.save_settings(w.event, mode=MeetingMode.REQUEST, slot_minutes=30, break_minutes=0,
                            request_expiry_hours=48, max_meetings_per_supplier=None, max_meetings_per_buyer=None,
                            max_requests_per_supplier=None, max_supplier_staff=2, reminder_minutes=30,
                            virtual=False, virtual_link_template=None)


def test_reminders_are_sent_once(world, outbox):
    w = world
    req = _request(w)
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    start = meeting.slot.starts_at
    assert agenda.send_reminders(start - dt.timedelta(hours=2)) == 0
    assert agenda.send_reminders(start - dt.timedelta(minutes=25)) == 2
    db.session.commit()
    assert agenda.send_reminders(start - dt.timedelta(minutes=20)) == 0
    assert sorted(m.recipients[0] for m in outbox("meetings.reminder")) == sorted([w.b1.email, w.s1.email])


def test_feed_has_sessions_and_meetings_and_regenerating_revokes(world, client, make_registration):
    from dialogue.models import AgendaSession

    w = world
    db.session.add(AgendaSession(event_id=w.event.id, title="Buyers present their plans",
                                 starts_at=w.event.starts_at, ends_at=w.event.starts_at + dt.timedelta(hours=1)))
    req = _request(w)
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    token = agenda.feed_token(w.s1, create=True).token
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    assert f"meeting-{meeting.id}@dialogue.test" in uids and any(u.startswith("session-") for u in uids)
    agenda.regenerate_feed_token(w.s1)
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_reminder_command_is_idempotent(world, runner, outbox):
    w = world
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    first = runner.invoke(args=["meetings", "send-reminders"])
    assert first.exit_code == 0 and "reminders queued: 0" in first.output  # the meeting is 30 days away
    w.slots[0].starts_at = utcnow() + dt.timedelta(minutes=20)  # now it starts in 20 minutes
    w.slots[0].ends_at = w.slots[0].starts_at + dt.timedelta(minutes=20)
    db.session.commit()
    assert "reminders queued: 2" in runner.invoke(args=["meetings", "send-reminders"]).output
    assert "reminders queued: 0" in runner.invoke(args=["meetings", "send-reminders"]).output
    assert len(outbox("meetings.reminder")) == 2
