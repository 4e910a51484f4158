"""What a cancelled, rejected or erased registration, and a cancelled event, take with them: the
person's upcoming meetings (cancelled for everyone, or left by the person), open requests, scheduler
drafts, survey invitations, and the freed place, which goes to the next real person waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import select

from dialogue.events import lifecycle as events
from dialogue.extensions import db
from dialogue.meetings import agenda, placement, scheduling
from dialogue.meetings import requests as meetings
from dialogue.models import (
    AuditEntry,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    ParticipantRole,
    Registration,
    RegistrationState,
    RequestStatus,
    RoleCapacity,
    SurveyInvitation,
    utcnow,
)
from dialogue.registrations import moderation
from dialogue.registrations import services as registrations
from dialogue.surveys import notify
from dialogue.surveys import services as surveys
from tests.conftest import TEST_PASSWORD
from tests.meetings.conftest import world  # noqa: F401  (the fixture)


def registration_of(event, user) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.user_id == user.id))


def ask(w, supplier, buyer_org, **kw):
    return meetings.create_request(w.event, supplier, buyer_org_id=buyer_org.id, intent_id=None,
                                   topic="Take-back of old phones", agenda="", preferred_slot_ids=[], **kw)


def meet(w, supplier, buyer, slot, buyer_ids=()):
    """A confirmed meeting, the way a request becomes one."""
    request = ask(w, supplier, buyer.organisation)
    return meetings.accept_request(request, buyer, slot_id=slot.id, buyer_ids=list(buyer_ids))


def draft(w, supplier, buyer, slot):
    """A meeting the scheduler placed and nobody has published yet."""
    return placement.place_meeting(w.event, w.settings, slot, buyers=[buyer], suppliers=[supplier],
                                  supplier_org_id=supplier.organisation.id, intent_id=None, topic="Draft",
                                  agenda="", created_by=None, status=MeetingStatus.PROPOSED)


def calendar_of(message) -> tuple[str, dict]:
    [attachment] = message.attachments
    cal = Calendar.from_ical(attachment.data)
    [vevent] = cal.walk("VEVENT")
    attendees = vevent.get("attendee") or []
    attendees = [attendees] if not isinstance(attendees, list) else attendees
    return attachment.content_type, {"method": str(cal["method"]), "uid": str(vevent["uid"]),
                                     "sequence": int(vevent["sequence"]), "status": str(vevent["status"]),
                                     "attendees": {str(a).removeprefix("mailto:").lower() for a in attendees}}


def mail_to(outbox, category, user):
    return outbox(category, to=user.email)


def scheduler_people(event) -> set[int]:
    """Everyone in the auto-scheduler's input: kept meetings and requests to place."""
    instance, _ = scheduling.build_instance(event)
    people = {p for fixed in instance.fixed for p in fixed.buyers + fixed.suppliers}
    return people | {p for request in instance.requests for p in request.buyers + request.suppliers}


def feed_statuses(client, user) -> dict[str, str]:
    token = agenda.feed_token(user, create=True).token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return {str(v["uid"]): str(v["status"]) for v in Calendar.from_ical(response.data).walk("VEVENT")}


def test_a_supplier_who_cancels_takes_their_meetings_requests_and_drafts_along(world, client, outbox):
    w = world
    meeting = meet(w, w.s3, w.b1, w.slots[1])
    pending = ask(w, w.s3, w.cohost_org)
    proposed_id = draft(w, w.s3, w.b2, w.slots[2]).id
    db.session.commit()
    uid = f"meeting-{meeting.id}@dialogue.test"
    assert feed_statuses(client, w.b1)[uid] == "CONFIRMED"
    assert w.s3.id in scheduler_people(w.event)

    registrations.cancel_registration(registration_of(w.event, w.s3), w.s3)
    db.session.commit()

    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    assert pending.status == RequestStatus.WITHDRAWN and meeting.request.status == RequestStatus.WITHDRAWN
    assert db.session.get(Meeting, proposed_id) is None
    [to_buyer] = mail_to(outbox, "meetings.cancelled", w.b1)
    content_type, cal = calendar_of(to_buyer)
    assert content_type == "text/calendar; method=CANCEL"
    assert cal["method"] == "CANCEL" and cal["uid"] == uid and cal["sequence"] == 1 and cal["status"] == "CANCELLED"
    assert f"{w.s3.name} cancelled this meeting" in to_buyer.body_text
    assert len(mail_to(outbox, "meetings.cancelled", w.s3)) == 1
    # The buyer's calendar feed carries the entry as cancelled; the scheduler no longer sees the supplier.
    assert feed_statuses(client, w.b1)[uid] == "CANCELLED"
    assert w.s3.id not in scheduler_people(w.event)
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meetings.release")).all()
    assert audit.details == {"cancelled": 1, "left": 0, "withdrawn": 1, "drafts": 1,
                             "registration_id": registration_of(w.event, w.s3).id}


def test_a_rejection_ends_upcoming_meetings_but_leaves_those_already_held(world, outbox):
    w = world
    held = meet(w, w.s3, w.b1, w.slots[0])
    upcoming = meet(w, w.s3, w.b3, w.slots[3])
    db.session.commit()
    now = w.slots[1].starts_at  # the first meeting has taken place

    decision = moderation.reject(w.event, [registration_of(w.event, w.s3).id], w.organiser,
                                    reason="Only manufacturers this time.", now=now)
    db.session.commit()

    assert decision.rejected and held.status == MeetingStatus.CONFIRMED and held.sequence == 0
    assert upcoming.status == MeetingStatus.CANCELLED and upcoming.cancelled_by_id == w.organiser.id
    [to_buyer] = mail_to(outbox, "meetings.cancelled", w.b3)
    _, cal = calendar_of(to_buyer)
    assert cal["sequence"] == 1 and cal["uid"] == f"meeting-{upcoming.id}@dialogue.test"
    # The reason was written to the supplier; the buyer learns only that the meeting is off.
    assert "Only manufacturers" not in to_buyer.body_text
    assert mail_to(outbox, "meetings.cancelled", w.b1) == []
    assert len(mail_to(outbox, "registration.rejected", w.s3)) == 1


def test_one_of_two_buyers_leaving_leaves_the_meeting_to_the_others(world, outbox):
    w = world
    meeting = meet(w, w.s1, w.b1, w.slots[1], buyer_ids=[w.b2.id])
    pending = ask(w, w.s3, w.buyer_org)  # addressed to b1 and b2
    db.session.commit()
    assert {a.user_id for a in pending.attendees} >= {w.b1.id, w.b2.id}

    registrations.cancel_registration(registration_of(w.event, w.b2), w.b2)
    db.session.commit()

    assert meeting.status == MeetingStatus.CONFIRMED and meeting.sequence == 1
    assert {p.user_id for p in meeting.participants} == {w.b1.id, w.s1.id}
    [leaver] = mail_to(outbox, "meetings.cancelled", w.b2)
    _, cal = calendar_of(leaver)
    assert cal["method"] == "CANCEL" and cal["sequence"] == 1 and "no longer take part" in leaver.body_text
    for person in (w.b1, w.s1):
        update = mail_to(outbox, "meetings.invitation", person)[-1]
        _, cal = calendar_of(update)
        assert cal["method"] == "REQUEST" and cal["sequence"] == 1 and cal["status"] == "CONFIRMED"
        assert w.b2.email not in cal["attendees"] and person.email in cal["attendees"]
    assert mail_to(outbox, "meetings.cancelled", w.b1) == []
    # A request to the organisation stays open for the colleague still there.
    assert pending.status == RequestStatus.PENDING
    assert {a.user_id for a in pending.attendees if a.side == "buyer"} == {w.b1.id}

    # When the last buyer of the organisation goes, the meeting is cancelled and the request withdrawn.
    registrations.cancel_registration(registration_of(w.event, w.b1), w.b1)
    db.session.commit()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 2
    assert pending.status == RequestStatus.WITHDRAWN


def test_erasing_a_confirmed_supplier_gives_the_place_to_the_next_real_person(world, client, auth, outbox,
                                                                             make_registration, make_user):
    w = world
    w.event.role_capacities.append(RoleCapacity(role=ParticipantRole.SUPPLIER.value, capacity=3))
    earlier = utcnow() - dt.timedelta(days=2)
    erased_before = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED,
                                      created_at=earlier)
    erased_before.user_id = None  # as an erasure from before this rule left it
    waiting = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED,
                                created_at=earlier + dt.timedelta(hours=1))
    meeting = meet(w, w.s3, w.b1, w.slots[1])
    pending = ask(w, w.s3, w.cohost_org)
    leaving = registration_of(w.event, w.s3)
    db.session.commit()

    auth.login(w.s3)
    assert client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"}).status_code == 303
    db.session.expire_all()

    assert db.session.get(Registration, leaving.id).state == RegistrationState.CANCELLED
    assert db.session.get(Registration, leaving.id).user_id is None
    assert db.session.get(Registration, waiting.id).state == RegistrationState.CONFIRMED
    assert db.session.get(Registration, erased_before.id).state == RegistrationState.WAITLISTED
    assert len(mail_to(outbox, "registration.promoted", waiting.user)) == 1
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    assert db.session.get(MeetingRequest, pending.id).status == RequestStatus.WITHDRAWN
    [to_buyer] = outbox("meetings.cancelled")  # nothing is written to the person who left
    assert to_buyer.recipients == [w.b1.email] and calendar_of(to_buyer)[1]["sequence"] == 1
    assert outbox("registration.cancelled") == []
    # The audit log keeps what happened, not who it was.
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ["registration.erase", "meetings.release"]))).all()
    assert len(entries) == 2 and all(e.actor_id is None and e.actor_name == "(erased account)" for e in entries)


def test_an_erased_waitlisted_person_never_takes_a_place_later(world, make_registration):
    w = world
    w.event.role_capacities.append(RoleCapacity(role=ParticipantRole.SUPPLIER.value, capacity=3))
    waiting_first = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED)
    waiting_next = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED)
    from dialogue.gdpr.services import erase_account

    erase_account(waiting_first.user, TEST_PASSWORD)
    db.session.commit()
    assert waiting_first.state == RegistrationState.CANCELLED and waiting_first.user_id is None

    promoted = registrations.cancel_registration(registration_of(w.event, w.s1), w.s1)
    db.session.commit()
    assert promoted == [waiting_next] and waiting_next.state == RegistrationState.CONFIRMED
    assert waiting_first.state == RegistrationState.CANCELLED


def test_promote_waitlist_skips_a_registration_without_a_person(world, make_registration):
    w = world
    w.event.role_capacities.append(RoleCapacity(role=ParticipantRole.SUPPLIER.value, capacity=4))
    orphan = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED,
                               created_at=utcnow() - dt.timedelta(days=1))
    real = make_registration(w.event, role=ParticipantRole.SUPPLIER, state=RegistrationState.WAITLISTED)
    orphan.user_id = None  # as an erasure from before this rule left it
    db.session.commit()
    assert registrations.promote_waitlist(w.event) == [real]
    assert orphan.state == RegistrationState.WAITLISTED


@pytest.fixture
def survey(world):
    now = utcnow()
    survey = surveys.create_survey(world.event, None, "Before the event", starter="market_dialogue", now=now)
    survey.opens_at, survey.closes_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=7)
    survey.published_at = now - dt.timedelta(hours=2)
    survey.reminder_days = [0]
    db.session.flush()
    notify.invite_audience(survey, now)
    db.session.commit()
    return survey


def test_cancelling_the_event_ends_every_meeting_request_draft_and_survey_link(world, survey, client, outbox):
    w = world
    first = meet(w, w.s1, w.b1, w.slots[1], buyer_ids=[w.b2.id])
    second = meet(w, w.s3, w.b3, w.slots[2])
    pending = ask(w, w.s3, w.buyer_org)
    proposed_id = draft(w, w.s2, w.b3, w.slots[4]).id
    db.session.commit()
    invitation = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.user_id == w.s1.id))
    token = invitation.token
    assert client.get(f"/s/{token}").status_code == 200

    events.change_status(w.event, "cancel", reason="The venue flooded.", actor=w.organiser)
    db.session.commit()

    assert first.status == second.status == MeetingStatus.CANCELLED and first.sequence == second.sequence == 1
    assert first.cancel_reason == "The venue flooded."
    cancelled = outbox("meetings.cancelled")
    assert sorted(m.recipients[0] for m in cancelled) == sorted(
        u.email for u in (w.b1, w.b2, w.s1, w.b3, w.s3))
    assert all(calendar_of(m)[1]["method"] == "CANCEL" for m in cancelled)
    assert pending.status == RequestStatus.WITHDRAWN and db.session.get(Meeting, proposed_id) is None
    assert len(outbox("event.cancelled")) == 7  # every registrant hears of the event itself
    # Survey links stop working, no reminder goes out, nobody is invited again.
    db.session.expire_all()
    invitation = db.session.get(SurveyInvitation, invitation.id)
    assert invitation.revoked_at is not None and invitation.token is None
    assert client.get(f"/s/{token}").status_code == 404
    assert notify.non_respondents(survey) == []
    before = len(outbox())
    later = utcnow() + dt.timedelta(minutes=5)
    assert notify.send_due(later).invitations == 0
    assert len(outbox()) == before
    # Nothing moves up from the waiting list of a cancelled event.
    assert registrations.promote_waitlist(w.event) == []


def test_a_person_leaving_loses_their_survey_link_and_gets_it_back_on_return(world, survey, client, auth, outbox):
    w = world
    registration = registration_of(w.event, w.observer)
    invitation = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.user_id == w.observer.id))
    registrations.cancel_registration(registration, w.observer)
    db.session.commit()
    assert invitation.revoked_at is not None and invitation.token is None
    assert db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.user_id == w.s1.id)).token
    assert w.observer.id not in {i.user_id for i in notify.non_respondents(survey)}
    auth.login(w.observer)
    assert survey.title not in client.get(f"/events/{w.event.slug}").get_data(as_text=True)

    registrations.register(w.event, w.observer, ParticipantRole.OBSERVER)
    assert notify.invite_audience(survey, utcnow()) == 1
    db.session.commit()
    assert invitation.revoked_at is None and invitation.token
    assert len(mail_to(outbox, "surveys.invitation", w.observer)) == 2
