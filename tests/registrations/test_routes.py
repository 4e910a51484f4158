import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import OrganisationKind, Registration, RegistrationQuestion, RegistrationState, StaffRole, utcnow
from dialogue.registrations import questions, services

CONFIRMED, WAITLISTED, PENDING = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error shown at {field}"
    return match.group(1)


def test_supplier_and_reseller_register_and_the_waiting_list_promotes(client, auth, make_event, organiser, person,
                                                                      outbox):
    """The issue's journey: a supplier and a reseller register, the place frees, the waiting list moves."""
    event = make_event(organiser=organiser, capacity=2)
    question = questions.add_question(event, text="Which products do you bring?", kind="text", role="supplier",
                                     required=True)
    db.session.commit()
    supplier = person(OrganisationKind.MANUFACTURER, name="Circular Computing")
    reseller = person(OrganisationKind.RESELLER, name="Nordic IT Partners")
    latecomer = person(name="HP Inc.")

    auth.login(supplier)
    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    # A manufacturer: supplier, first of the two roles its kind allows (supplier, speaker).
    assert 'checked id="role-0" name="role" type="radio" value="supplier"' in html
    html = client.get(f"/events/{event.slug}/register?role=supplier").get_data(as_text=True)
    assert "Which products do you bring?" in html and str(services.CONSENT_TEXT) in html
    response = client.post(f"/events/{event.slug}/register", data={"role": "supplier"})
    assert response.status_code == 400
    assert "Answer this question" in field_error(response.get_data(as_text=True), f"q_{question.id}")
    response = client.post(f"/events/{event.slug}/register",
                           data={"role": "supplier", f"q_{question.id}": "Refurbished laptops", "consent": "y"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are registered" in page and "Your ticket" in page and "Refurbished laptops" in page
    # Registering twice leads to the registration, not a second one.
    assert client.get(f"/events/{event.slug}/register").status_code == 303

    auth.login(reseller)
    assert client.get(f"/events/{event.slug}/register?role=reseller").get_data(as_text=True).count('name="q_') == 0
    assert client.post(f"/events/{event.slug}/register", data={"role": "reseller"}).status_code == 303

    auth.login(latecomer)
    client.post(f"/events/{event.slug}/register",
                data={"role": "supplier", f"q_{question.id}": "Laptops"})
    page = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert "on the waiting list" in page and "Number 1 on the waiting list" in page

    auth.login(reseller)
    assert client.post(f"/events/{event.slug}/registration/cancel").status_code == 303
    late = db.session.scalar(select(Registration).where(Registration.user_id == latecomer.id))
    assert late.state == CONFIRMED
    [promotion] = outbox("registration.promoted")
    assert promotion.recipients == [latecomer.email]

    auth.login(latecomer)
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "You are registered as Supplier: confirmed" in html


def test_registration_refusals_through_the_web(client, auth, make_event, person, make_user):
    closed = make_event(registration_closes_at=utcnow() - dt.timedelta(hours=1))
    user = person()
    auth.login(user)
    response = client.get(f"/events/{closed.slug}/register")
    assert "Registration closed on" in response.get_data(as_text=True)
    assert client.post(f"/events/{closed.slug}/register", data={"role": "supplier"}).status_code == 409
    event = make_event()
    response = client.post(f"/events/{event.slug}/register", data={"role": "wizard"})
    assert response.status_code == 400 and "Choose a role" in response.get_data(as_text=True)
    auth.login(person(verified=False))
    response = client.post(f"/events/{event.slug}/register", data={"role": "supplier"})
    assert response.status_code == 403 and "Confirm your email" in response.get_data(as_text=True)
    auth.logout()
    assert client.get(f"/events/{event.slug}/register").status_code == 302  # to sign in
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_consent_and_the_participant_list(client, auth, make_event, make_registration, make_user):
    event = make_event()
    listed = make_registration(event, list_consent_at=utcnow(), list_consent_version="2024-1")
    hidden = make_registration(event)
    waiting = make_registration(event, state=WAITLISTED, list_consent_at=utcnow())
    auth.login(hidden.user)
    html = client.get(f"/events/{event.slug}/participants").get_data(as_text=True)
    assert listed.user.name in html and hidden.user.name not in html and waiting.user.name not in html

    assert client.post(f"/events/{event.slug}/registration/consent", data={"consent": "give"}).status_code == 303
    assert hidden.user.name in client.get(f"/events/{event.slug}/participants").get_data(as_text=True)
    auth.login(listed.user)
    client.post(f"/events/{event.slug}/registration/consent", data={"consent": "withdraw"})
    db.session.expire_all()
    assert listed.list_consent_withdrawn_at is not None
    assert listed.user.name not in client.get(f"/events/{event.slug}/participants").get_data(as_text=True)

    auth.login(waiting.user)  # waiting is not taking part yet
    assert client.get(f"/events/{event.slug}/participants").status_code == 403
    auth.login(make_user())
    assert client.get(f"/events/{event.slug}/participants").status_code == 403


def test_organiser_approves_and_rejects_in_bulk(client, auth, make_event, make_registration, organiser, outbox):
    event = make_event(organiser=organiser, moderated=True, capacity=1)
    first = make_registration(event, state=PENDING, created_at=utcnow() - dt.timedelta(minutes=5))
    second = make_registration(event, state=PENDING)
    third = make_registration(event, state=PENDING)
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/registrations?state=pending").get_data(as_text=True)
    assert "3 registrations match" in html
    response = client.post(f"/events/{event.slug}/registrations/decide?state=pending",
                           data={"registration_ids": [first.id, second.id], "action": "approve"})
    assert response.status_code == 303 and "state=pending" in response.headers["Location"]
    response = client.post(f"/events/{event.slug}/registrations/decide",
                           data={"registration_ids": [third.id], "action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason" in field_error(response.get_data(as_text=True), "reason")
    client.post(f"/events/{event.slug}/registrations/decide",
                data={"registration_ids": [third.id], "action": "reject", "reason": "Outside the scope."})
    db.session.expire_all()
    assert (first.state, second.state, third.state) == (CONFIRMED, WAITLISTED, RegistrationState.REJECTED)
    assert len(outbox("registration.confirmed")) == 1 and len(outbox("registration.rejected")) == 1

    page = client.get(f"/events/{event.slug}/registrations/{first.id}").get_data(as_text=True)
    assert first.user.email in page
    response = client.post(f"/events/{event.slug}/registrations/{first.id}/cancel",
                           data={"reason": "Asked by phone"})
    assert response.status_code == 303
    db.session.expire_all()
    assert first.state == RegistrationState.CANCELLED and second.state == CONFIRMED


def test_organiser_manages_questions(client, auth, make_event, organiser):
    event = make_event(organiser=organiser)
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/questions", data={"text": "Pick one", "kind": "choice",
                                                                     "role": "", "choices": "only"})
    assert response.status_code == 400
    assert "at least two options" in field_error(response.get_data(as_text=True), "choices")
    response = client.post(f"/events/{event.slug}/questions",
                           data={"text": "Are you affiliated with Electronics Watch?", "kind": "yes_no",
                                 "role": "supplier", "required": "y"})
    assert response.status_code == 303
    question = db.session.scalar(select(RegistrationQuestion))
    assert (question.role, question.kind.value, question.required) == ("supplier", "yes_no", True)
    assert client.post(f"/events/{event.slug}/questions/{question.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(RegistrationQuestion)) == 0


def test_organiser_writes_to_chosen_registrants(client, auth, make_event, make_registration, organiser, outbox):
    event = make_event(organiser=organiser)
    came = make_registration(event, checked_in_at=utcnow())
    make_registration(event)
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/message", data={
        "roles": ["supplier"], "states": ["confirmed"], "checked_in": "yes", "subject": "Thank you",
        "body": "The presentations are online."})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message is on its way to 1 person." in job_page and f"/events/{event.slug}/mail" in job_page
    [message] = outbox("event.message")
    assert message.recipients == [came.user.email] and "The presentations are online." in message.body_text
    assert "Thank you" in client.get(f"/events/{event.slug}/mail").get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/message", data={"subject": "", "body": ""})
    assert response.status_code == 400


def test_ticket_page_and_badge(client, make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    html = client.get(f"/tickets/{registration.ticket_token}").get_data(as_text=True)
    assert "<svg" in html and registration.user.name in html and registration.ticket_token in html
    assert f"check-in/t/{registration.ticket_token}" not in html  # the code is in the picture, not a link
    assert "<svg" in client.get(f"/tickets/{registration.ticket_token}/badge").get_data(as_text=True)
    waiting = make_registration(event, state=WAITLISTED)
    html = client.get(f"/tickets/{waiting.ticket_token}").get_data(as_text=True)
    assert "<svg" not in html and "does not admit" in html
    assert client.get(f"/tickets/{waiting.ticket_token}/badge").status_code == 404
    assert client.get("/tickets/" + "0" * 32).status_code == 404
    assert client.get("/tickets/not-a-token").status_code == 404


# --- who may do what ---------------------------------------------------------------------------------

ROLES = ("anonymous", "other", "participant", "checkin", "organiser")


@pytest.fixture
def cast(make_event, make_registration, make_user, organiser):
    event = make_event(organiser=organiser)
    participant = make_registration(event)
    door = make_user(organiser.organisation)
    from dialogue.models import EventStaff

    db.session.add(EventStaff(event=event, user=door, role=StaffRole.CHECKIN))
    db.session.commit()
    return {"event": event, "registration": participant, "users": {
        "anonymous": None, "other": make_user(), "participant": participant.user, "checkin": door,
        "organiser": organiser}}


# (method, path, roles allowed); others get 403, anonymous is sent to sign in (302) on login-only pages.
ENDPOINTS = [
    ("GET", "/events/{slug}/manage", {"organiser"}),
    ("GET", "/events/{slug}/edit", {"organiser"}),
    ("GET", "/events/{slug}/mail", {"organiser"}),
    ("GET", "/events/{slug}/sessions/new", {"organiser"}),
    ("POST", "/events/{slug}/status", {"organiser"}),
    ("POST", "/events/{slug}/capacity", {"organiser"}),
    ("POST", "/events/{slug}/staff", {"organiser"}),
    ("GET", "/events/{slug}/registrations", {"organiser"}),
    ("GET", "/events/{slug}/registrations/{rid}", {"organiser"}),
    ("POST", "/events/{slug}/registrations/decide", {"organiser"}),
    ("GET", "/events/{slug}/questions", {"organiser"}),
    ("GET", "/events/{slug}/message", {"organiser"}),
    ("GET", "/events/{slug}/export", {"organiser"}),
    ("GET", "/events/{slug}/export/attendance?format=csv", {"organiser"}),
    ("GET", "/events/{slug}/check-in", {"organiser", "checkin"}),
    ("GET", "/events/{slug}/check-in/counts", {"organiser", "checkin"}),
    ("POST", "/events/{slug}/check-in/scan", {"organiser", "checkin"}),
    ("POST", "/events/{slug}/check-in/{rid}", {"organiser", "checkin"}),
    ("POST", "/events/{slug}/check-in/{rid}/undo", {"organiser", "checkin"}),
    ("GET", "/events/{slug}/badges", {"organiser", "checkin"}),
    ("GET", "/events/{slug}/participants", {"organiser", "participant"}),
]


@pytest.mark.parametrize("method, path, allowed", ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_permissions(client, auth, cast, method, path, allowed):
    url = path.format(slug=cast["event"].slug, rid=cast["registration"].id)
    for role in ROLES:
        user = cast["users"][role]
        auth.logout()
        if user is not None:
            auth.login(user)
        response = client.open(url, method=method, data={})
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], role
        elif role in allowed:
            assert response.status_code not in (302, 401, 403, 404), (role, response.status_code)
        else:
            assert response.status_code == 403, (role, response.status_code)


def test_drafts_do_not_exist_for_anyone_but_organisers(client, auth, make_event, organiser, make_user):
    from dialogue.models import EventStatus

    event = make_event(organiser=organiser, status=EventStatus.DRAFT)
    for path in ("", "/register", "/calendar.ics", "/participants"):
        auth.login(make_user())
        assert client.get(f"/events/{event.slug}{path}").status_code == 404, path
    auth.login(organiser)
    assert client.get(f"/events/{event.slug}").status_code == 200
