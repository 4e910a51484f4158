import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.models import (
    EventStatus,
    OrganisationKind,
    OutboxMessage,
    ParticipantRole,
    Registration,
    RegistrationState,
    RoleCapacity,
    utcnow,
)
from dialogue.registrations import moderation, notify, questions, services

CONFIRMED, WAITLISTED, PENDING = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING


def count(model=Registration) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_confirmed_while_places_last_then_waiting_list(make_event, person, outbox):
    event = make_event(capacity=2)
    event.role_capacities.append(RoleCapacity(role="supplier", capacity=1))
    db.session.commit()
    first = services.register(event, person(), "supplier", consent=True)
    second = services.register(event, person(), "supplier")  # the suppliers' place is taken
    reseller = services.register(event, person(OrganisationKind.RESELLER), "reseller")
    observer = services.register(event, person(OrganisationKind.CIVIL_SOCIETY), "observer")  # total is full
    db.session.commit()
    assert [r.state for r in (first, second, reseller, observer)] == [CONFIRMED, WAITLISTED, CONFIRMED, WAITLISTED]
    assert first.listed and first.list_consent_version == services.CONSENT_VERSION and not second.listed
    assert first.organisation == first.user.organisation
    assert [m.recipients for m in outbox("registration.confirmed")] == [[first.user.email], [reseller.user.email]]
    [waiting_mail, _] = outbox("registration.waitlisted")
    assert "number 1" in waiting_mail.body_text
    assert all(m.event_id == event.id for m in outbox())


def test_confirmation_mail_carries_ticket_and_invitation(make_event, person, outbox):
    event = make_event(format="hybrid", venue="City Hall", online_url="https://meet.example.org/room-7",
                       contact_email="procurement@hel.example.org")
    registration = services.register(event, person(name="Circular Computing"), "supplier")
    db.session.commit()
    [message] = outbox("registration.confirmed")
    assert registration.ticket_token in message.body_text and "meet.example.org/room-7" in message.body_text
    assert message.reply_to == "procurement@hel.example.org"
    png, ics = message.attachments
    assert png.content_type == "image/png" and png.data.startswith(b"\x89PNG")
    assert ics.content_type == "text/calendar; method=REQUEST"
    cal = Calendar.from_ical(ics.data)
    assert str(cal["method"]) == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event.id}@dialogue.test"
    assert "mailto:procurement@hel.example.org" in str(vevent["organizer"])
    assert str(vevent["attendee"]) == f"mailto:{registration.user.email}"
    assert "room-7" in str(vevent["location"])


@pytest.mark.parametrize("setup, error, message", [
    ("twice", Conflict, "already registered"),
    ("closed", Conflict, "Registration closed on"),
    ("not_open_yet", Conflict, "Registration opens on"),
    ("registration_closed_state", Conflict, "Registration for this event is closed"),
    ("cancelled", Conflict, "cancelled"),
    ("unverified", NotAllowed, "Confirm your email"),
    ("no_organisation", NotAllowed, "organisation"),
    ("bad_role", DialogueError, "Choose a role"),
])
def test_refusals_write_nothing(make_event, make_user, person, outbox, setup, error, message):
    event = make_event()
    user = person()
    if setup == "twice":
        services.register(event, user, "supplier")
        db.session.commit()
    elif setup == "closed":
        event.registration_closes_at = utcnow() - dt.timedelta(minutes=1)
    elif setup == "not_open_yet":
        event.registration_opens_at = utcnow() + dt.timedelta(days=1)
    elif setup == "registration_closed_state":
        event.status = EventStatus.REGISTRATION_CLOSED
    elif setup == "cancelled":
        event.status = EventStatus.CANCELLED
    elif setup == "unverified":
        user = person(verified=False)
    elif setup == "no_organisation":
        user = make_user(with_org=False)
    db.session.commit()
    before, mails = count(), len(outbox())
    with pytest.raises(error, match=message):
        services.register(event, user, "nonsense" if setup == "bad_role" else "supplier")
    db.session.rollback()
    assert count() == before and len(outbox()) == mails


def test_questions_per_role_with_required_and_checked_answers(make_event, person):
    event = make_event()
    products = questions.add_question(event, text="Which products do you bring?", kind="text", role="supplier",
                                     required=True)
    ew = questions.add_question(event, text="Are you affiliated with Electronics Watch?", kind="yes_no")
    meetings = questions.add_question(event, text="One-to-one meetings?", kind="choice",
                                     choices=["In person", "Online", ""], required=False)
    assert meetings.choices == ["In person", "Online"]
    with pytest.raises(DialogueError, match="at least two options"):
        questions.add_question(event, text="Pick", kind="choice", choices=["Only one"])
    db.session.commit()
    assert questions.questions_for(event, "reseller") == [ew, meetings]
    assert questions.questions_for(event, "supplier") == [products, ew, meetings]

    with pytest.raises(DialogueError, match="Answer this question") as exc:
        services.register(event, person(), "supplier", answers={ew.id: "yes"})
    assert exc.value.field == f"q_{products.id}"
    db.session.rollback()
    with pytest.raises(DialogueError, match="Choose one of the options") as exc:
        services.register(event, person(), "supplier", answers={products.id: "Laptops", meetings.id: "By pigeon"})
    assert exc.value.field == f"q_{meetings.id}"
    db.session.rollback()
    with pytest.raises(DialogueError, match="yes or no"):
        services.register(event, person(), "supplier", answers={products.id: "Laptops", ew.id: "maybe"})
    db.session.rollback()
    assert count() == 0
    # A reseller is not asked the suppliers' question.
    reseller = services.register(event, person(OrganisationKind.RESELLER), "reseller", answers={ew.id: "yes"})
    registration = services.register(event, person(), "supplier",
                                     answers={products.id: " Refurbished laptops ", meetings.id: "Online"})
    db.session.commit()
    assert {a.question_id: a.value for a in registration.answers} == {products.id: "Refurbished laptops",
                                                                      meetings.id: "Online"}
    assert [a.value for a in reseller.answers] == ["yes"]


def test_the_database_holds_one_active_registration_per_person(make_event, make_registration, person):
    event = make_event()
    user = person()
    make_registration(event, user, state=RegistrationState.CANCELLED)
    make_registration(event, user)  # a cancelled one does not count
    with pytest.raises(IntegrityError):
        make_registration(event, user, state=WAITLISTED)
    db.session.rollback()


def test_a_freed_place_goes_to_the_next_person_who_can_take_it(make_event, make_registration, person, outbox):
    event = make_event(capacity=3)
    event.role_capacities.append(RoleCapacity(role="supplier", capacity=1))
    db.session.commit()
    leaving = make_registration(event, role=ParticipantRole.RESELLER)
    make_registration(event, role=ParticipantRole.SUPPLIER)
    make_registration(event, role=ParticipantRole.BUYER)
    t0 = utcnow()
    supplier_waiting = make_registration(event, role=ParticipantRole.SUPPLIER, state=WAITLISTED, created_at=t0)
    observer_waiting = make_registration(event, role=ParticipantRole.OBSERVER, state=WAITLISTED,
                                         created_at=t0 + dt.timedelta(seconds=1))
    later = make_registration(event, role=ParticipantRole.RESELLER, state=WAITLISTED,
                              created_at=t0 + dt.timedelta(seconds=2))
    promoted = services.cancel_registration(leaving, leaving.user)
    db.session.commit()
    # The supplier ahead of them cannot use the place (suppliers are full); the observer can.
    assert promoted == [observer_waiting]
    assert (supplier_waiting.state, observer_waiting.state, later.state) == (WAITLISTED, CONFIRMED, WAITLISTED)
    assert leaving.state == RegistrationState.CANCELLED and leaving.cancelled_at is not None
    [promotion] = outbox("registration.promoted")
    assert promotion.recipients == [observer_waiting.user.email] and promotion.event_id == event.id
    assert {a.content_type for a in promotion.attachments} == {"image/png", "text/calendar; method=REQUEST"}
    [cancelled] = outbox("registration.cancelled")
    assert cancelled.attachments[0].content_type == "text/calendar; method=CANCEL"


def test_self_cancel_until_the_deadline_organisers_any_time(make_event, make_registration, organiser, make_user,
                                                            outbox):
    event = make_event(organiser=organiser, cancellation_deadline=utcnow() - dt.timedelta(hours=1))
    registration = make_registration(event)
    with pytest.raises(Conflict, match="deadline for cancelling"):
        services.cancel_registration(registration, registration.user)
    with pytest.raises(NotAllowed):
        services.cancel_registration(registration, make_user())
    db.session.rollback()
    services.cancel_registration(registration, organiser, reason="Double booking from your company")
    db.session.commit()
    assert registration.state == RegistrationState.CANCELLED
    [message] = outbox("registration.cancelled")
    assert "The organisers cancelled your registration" in message.body_text
    assert "Double booking" in message.body_text
    with pytest.raises(Conflict, match="already cancelled"):
        services.cancel_registration(registration, organiser)


def test_moderation_approve_in_bulk_while_places_last_and_reject_with_reason(make_event, person, organiser, outbox):
    event = make_event(organiser=organiser, moderated=True, capacity=2)
    regs = [services.register(event, person(), "supplier") for _ in range(3)]
    db.session.commit()
    assert {r.state for r in regs} == {PENDING}
    assert len(outbox("registration.received")) == 3
    decision = moderation.approve(event, [r.id for r in regs], organiser)
    db.session.commit()
    assert decision.confirmed == regs[:2] and decision.waitlisted == regs[2:]
    again = moderation.approve(event, [regs[0].id], organiser)
    assert again.skipped == [regs[0]]

    with pytest.raises(DialogueError, match="Give a reason") as exc:
        moderation.reject(event, [regs[0].id], organiser, reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(DialogueError, match="Choose at least one"):
        moderation.reject(event, [], organiser, reason="x")
    decision = moderation.reject(event, [regs[0].id], organiser, reason="Only manufacturers this time.")
    db.session.commit()
    assert regs[0].state == RegistrationState.REJECTED and regs[0].decision_reason == "Only manufacturers this time."
    assert decision.promoted == [regs[2]] and regs[2].state == CONFIRMED
    [rejection] = outbox("registration.rejected")
    assert "Only manufacturers this time." in rejection.body_text
    assert rejection.attachments[0].content_type == "text/calendar; method=CANCEL"


def test_decisions_only_touch_this_events_registrations(make_event, make_registration, organiser):
    event, other = make_event(organiser=organiser), make_event()
    foreign = make_registration(other, state=PENDING)
    with pytest.raises(DialogueError, match="not on this event"):
        moderation.approve(event, [foreign.id], organiser)
    db.session.rollback()
    assert foreign.state == PENDING


def test_consent_is_recorded_and_withdrawn(make_event, make_registration):
    registration = make_registration(make_event())
    assert not registration.listed
    services.set_list_consent(registration, True)
    assert registration.listed and registration.list_consent_at is not None
    assert registration.list_consent_version == services.CONSENT_VERSION
    given = registration.list_consent_at
    services.set_list_consent(registration, False)
    assert not registration.listed and registration.list_consent_withdrawn_at >= given
    assert registration.list_consent_at == given  # when it was given stays on record


def test_organisers_message_goes_to_the_chosen_registrants_one_each(make_event, make_registration, organiser,
                                                                    outbox):
    event = make_event(organiser=organiser)
    came = make_registration(event, role=ParticipantRole.SUPPLIER, checked_in_at=utcnow())
    absent = make_registration(event, role=ParticipantRole.SUPPLIER)
    make_registration(event, role=ParticipantRole.RESELLER, checked_in_at=utcnow())
    make_registration(event, role=ParticipantRole.SUPPLIER, state=WAITLISTED)
    sent = notify.message_registrants(event, organiser, subject="Slides", body="The slides are online.",
                                    roles=["supplier"], states=["confirmed"], checked_in=True)
    assert sent.progress_total == 1
    sent = notify.message_registrants(event, organiser, subject="Sorry we missed you", body="Here is what you missed.",
                                    roles=["supplier"], states=["confirmed"], checked_in=False)
    db.session.commit()  # the worker (here: at once, in immediate mode) writes them once this commits
    assert sent.progress_total == 1
    messages = outbox("event.message")
    assert [m.recipients for m in messages] == [[came.user.email], [absent.user.email]]
    assert messages[0].subject == f"[{event.title}] Slides" and messages[0].reply_to == organiser.email
    assert all(m.event_id == event.id for m in messages)
    with pytest.raises(DialogueError, match="No registration matches"):
        notify.message_registrants(event, organiser, subject="x", body="y", roles=["observer"])
    with pytest.raises(DialogueError, match="subject") as exc:
        notify.message_registrants(event, organiser, subject=" ", body="y")
    assert exc.value.field == "subject"


def test_confirmation_reaches_a_real_smtp_server_with_the_invitation(app, make_event, person, smtp_server):
    from dialogue.outbox import worker

    app.config["MAIL_PORT"] = smtp_server.port
    event = make_event(venue="City Hall")
    services.register(event, person(), "supplier")
    db.session.commit()
    assert worker.deliver_due()["sent"] == 1
    [received] = smtp_server.messages
    message = received["message"]
    assert message["Subject"] == f"You are registered: {event.title}"
    parts = {p.get_content_type(): p for p in message.iter_attachments()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    [vevent] = Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")
    assert str(vevent["summary"]) == event.title
    assert parts["image/png"].get_payload(decode=True).startswith(b"\x89PNG")
    assert db.session.scalar(select(OutboxMessage.event_id)) == event.id
