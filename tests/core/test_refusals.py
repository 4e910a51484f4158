"""The same refusal gets the same answer in every feature.

For each feature one real request a service (or the access check before it) refuses:

- not allowed (signed in, but of the wrong organisation or role) -> the 403 page;
- not found (an id that does not exist, or that belongs to another event or organisation) -> the 404 page;
- a business refusal on a form -> the form again, with the message on it, status 400 (409 for a conflict);
- a business refusal on a button -> a redirect (303) and the message flashed as an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from dialogue.extensions import db
from dialogue.models import (
    EventStaff,
    MemberRole,
    OrganisationKind,
    RegistrationState,
    StaffRole,
    utcnow,
)
from dialogue.models.material import Material, MaterialVisibility
from dialogue.surveys import services as surveys

FORBIDDEN = "You do not have access to this page"
NOT_FOUND = "Page not found"
MISSING = 999_999


@pytest.fixture
def w(make_org, make_user, make_event, make_intent, make_registration):
    buyer = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    organiser = make_user(buyer, role=MemberRole.ADMIN)
    colleague = make_user(buyer)  # a member of the buyer, not an administrator
    outsider = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    event = make_event(organiser=organiser)
    other = make_event(organiser=make_user(make_org()))
    participant = make_registration(event)
    late = make_event(organiser=organiser, cancellation_deadline=utcnow() - dt.timedelta(days=1))
    material = Material(event=event, title="Programme", visibility=MaterialVisibility.PUBLIC,
                        uploaded_by=organiser, organisation=buyer)
    db.session.add(material)
    db.session.commit()
    survey = surveys.create_survey(event, organiser, "Feedback", starter=None, now=utcnow())
    db.session.commit()
    return SimpleNamespace(
        buyer=buyer, organiser=organiser, colleague=colleague, outsider=outsider, event=event, other=other,
        participant=participant, material=material, survey=survey,
        other_registration=make_registration(other),
        cancelled=make_registration(event, state=RegistrationState.CANCELLED),
        late_registration=make_registration(late, participant.user),
        late=late,
        other_staff=db.session.scalar(db.select(EventStaff).where(EventStaff.event_id == other.id,
                                                                  EventStaff.role == StaffRole.ORGANISER)),
        announced=make_intent(buyer=buyer),
        draft=make_intent(buyer=buyer, status="draft", announced_at=None),
        outsider_membership=outsider.membership,
        organiser_membership=organiser.membership,
    )


@dataclass
class Case:
    feature: str
    refusal: str
    who: str                  # an attribute of the world: the user who asks
    url: callable             # world -> URL
    data: callable = None     # world -> form data
    status: int = 0
    text: str = ""
    method: str = "post"

    def __str__(self) -> str:
        return f"{self.feature}-{self.refusal}"


def days_before(w, n: int) -> str:
    return (w.event.starts_at - dt.timedelta(days=n)).date().isoformat()


CASES = [
    # events
    Case("events", "not-allowed", "outsider", lambda w: f"/events/{w.event.slug}/staff",
         lambda w: {"email": w.outsider.email, "role": "organiser"}, 403, FORBIDDEN),
    Case("events", "not-found", "organiser", lambda w: f"/events/{w.event.slug}/staff/{w.other_staff.id}/remove",
         None, 404, NOT_FOUND),
    Case("events", "form", "organiser", lambda w: f"/events/{w.event.slug}/staff",
         lambda w: {"email": "nobody@example.org", "role": "organiser"}, 400, "No one with this email address"),
    Case("events", "button", "organiser",
         lambda w: f"/events/{w.event.slug}/cohosts/{w.event.cohosts[0].id}/remove",
         None, 303, "An event needs at least one co-host"),
    # registrations
    Case("registrations", "not-allowed", "outsider",
         lambda w: f"/events/{w.event.slug}/registrations/{w.participant.id}/cancel",
         lambda w: {"reason": "No longer coming"}, 403, FORBIDDEN),
    Case("registrations", "not-found", "organiser",
         lambda w: f"/events/{w.event.slug}/registrations/{w.other_registration.id}/cancel",
         lambda w: {"reason": "No longer coming"}, 404, NOT_FOUND),
    # KNOWN below: the registration page does not show the cancel form's error
    Case("registrations", "form", "organiser",
         lambda w: f"/events/{w.event.slug}/registrations/{w.cancelled.id}/cancel",
         lambda w: {"reason": "No longer coming"}, 409, "This registration is already cancelled"),
    Case("registrations", "button", "participant_user", lambda w: f"/events/{w.late.slug}/registration/cancel",
         None, 303, "The deadline for cancelling was"),
    # intents
    Case("intents", "not-allowed", "outsider", lambda w: f"/intents/{w.announced.id}/withdraw",
         lambda w: {"reason": "Budget cut"}, 403, FORBIDDEN),
    Case("intents", "not-found", "organiser", lambda w: f"/intents/{MISSING}/withdraw",
         lambda w: {"reason": "Budget cut"}, 404, NOT_FOUND),
    # KNOWN below: the intent page does not show the status forms' errors
    Case("intents", "form", "organiser", lambda w: f"/intents/{w.draft.id}/tender-published",
         lambda w: {"tender_url": "https://example.org/notice"}, 409, "Only an announced planned tender can move on"),
    Case("intents", "button", "organiser", lambda w: f"/intents/{w.announced.id}/delete",
         None, 303, "A public planned tender stays on record"),
    # materials
    Case("materials", "not-allowed", "outsider", lambda w: f"/materials/{w.material.id}/edit",
         lambda w: {"title": "Mine now", "language": "en", "visibility": "public"}, 403, FORBIDDEN),
    Case("materials", "not-found", "organiser", lambda w: f"/materials/{MISSING}/edit",
         lambda w: {"title": "Programme", "language": "en", "visibility": "public"}, 404, NOT_FOUND),
    Case("materials", "form", "organiser", lambda w: f"/materials/{w.material.id}/replace",
         lambda w: {"note": "New figures"}, 400, "Choose a file to upload, or give a link."),
    Case("materials", "button", "organiser", lambda w: f"/events/{w.event.slug}/materials/reminders",
         None, 303, "There is nobody to remind"),
    # meetings
    Case("meetings", "not-allowed", "outsider", lambda w: f"/events/{w.event.slug}/meetings/blocks",
         lambda w: {"day": days_before(w, 0), "start": "09:00", "end": "12:00"}, 403, FORBIDDEN),
    Case("meetings", "not-found", "organiser", lambda w: f"/events/{w.event.slug}/meetings/blocks/{MISSING}/delete",
         None, 404, NOT_FOUND),
    Case("meetings", "form", "organiser", lambda w: f"/events/{w.event.slug}/meetings/blocks",
         lambda w: {"day": days_before(w, 10), "start": "09:00", "end": "12:00"}, 400,
         "Meetings take place during the event"),
    Case("meetings", "button", "organiser", lambda w: f"/events/{w.event.slug}/meetings/publish",
         None, 303, "There are no draft meetings to publish"),
    # surveys
    Case("surveys", "not-allowed", "outsider", lambda w: f"/events/{w.event.slug}/surveys/{w.survey.id}/publish",
         None, 403, FORBIDDEN),
    Case("surveys", "not-found", "organiser", lambda w: f"/events/{w.event.slug}/surveys/{MISSING}/publish",
         None, 404, NOT_FOUND),
    Case("surveys", "form", "organiser", lambda w: f"/events/{w.event.slug}/surveys",
         lambda w: {"starter": "", "title": "", "previous_survey": ""}, 400, "Give the survey a title."),
    Case("surveys", "button", "organiser", lambda w: f"/events/{w.event.slug}/surveys/{w.survey.id}/publish",
         None, 303, "Add at least one question before scheduling the survey."),
    # organisations
    Case("organisations", "not-allowed", "colleague", lambda w: f"/organisations/{w.buyer.slug}/invitations",
         lambda w: {"email": "new@example.org", "role": "member"}, 403, FORBIDDEN),
    Case("organisations", "not-found", "organiser",
         lambda w: f"/organisations/{w.buyer.slug}/members/{w.outsider_membership.id}/remove",
         None, 404, NOT_FOUND),
    Case("organisations", "form", "organiser", lambda w: f"/organisations/{w.buyer.slug}/invitations",
         lambda w: {"email": w.colleague.email, "role": "member"}, 409, "This person is already a member."),
    Case("organisations", "button", "organiser",
         lambda w: f"/organisations/{w.buyer.slug}/members/{w.organiser_membership.id}/remove",
         None, 303, "An organisation needs at least one administrator"),
    # exports and the record only read: they refuse access the same way
    Case("exports", "not-allowed", "outsider", lambda w: f"/events/{w.event.slug}/export", None, 403, FORBIDDEN,
         method="get"),
    Case("exports", "not-found", "organiser", lambda w: "/events/no-such-event/export", None, 404, NOT_FOUND,
         method="get"),
    Case("record", "not-allowed", "outsider", lambda w: f"/events/{w.event.slug}/record", None, 403, FORBIDDEN,
         method="get"),
    Case("record", "not-found", "organiser", lambda w: f"/intents/{MISSING}/record", None, 404, NOT_FOUND,
         method="get"),
]


def test_every_feature_has_each_kind_of_refusal_in_the_table():
    features = {c.feature for c in CASES}
    assert features == {"events", "registrations", "intents", "materials", "meetings", "surveys",
                        "organisations", "exports", "record"}
    for feature in features - {"exports", "record"}:  # these two have no POST of their own
        assert {c.refusal for c in CASES if c.feature == feature} == {"not-allowed", "not-found", "form", "button"}


# Answers that differ today, each to be made like the others; strict, so a fix is noticed here.
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN[str(c)], strict=True))
                                  if str(c) in KNOWN else c for c in CASES], ids=str)
def test_the_same_refusal_gets_the_same_answer(case, w, client, auth):
    user = w.participant.user if case.who == "participant_user" else getattr(w, case.who)
    auth.login(user)
    data = case.data(w) if case.data else {}
    response = getattr(client, case.method)(case.url(w), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == case.status, (case, html[:2000])
    if case.refusal == "button":
        # Back to a page, with the message flashed as an error, never a bare error page.
        with client.session_transaction() as session:
            flashes = session.get("_flashes", [])
        assert any(category == "error" and case.text in message for category, message in flashes), flashes
        return
    assert case.text in html.replace("&#39;", "'")
    if case.refusal == "form":
        # The page with the form again, the message on it: not the error page.
        assert "<form" in html and NOT_FOUND not in html and FORBIDDEN not in html
