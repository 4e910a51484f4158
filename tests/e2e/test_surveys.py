"""Follow-up surveys in the browser: the conditional question follows the answer (static/js/surveys.js),
and the survey pages pass the accessibility checks."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.e2e.conftest import check_accessibility, sign_in

PASSWORD = "fair surveys for all"


@pytest.fixture
def served(live_server):
    """The served app's database, to set up an event that has ended, its participants and a survey."""
    from dialogue import create_app
    from dialogue.auth.services import hash_password
    from dialogue.extensions import db
    from dialogue.models import (
        Event,
        EventCoHost,
        EventStaff,
        EventStatus,
        Membership,
        Organisation,
        OrganisationKind,
        ParticipantRole,
        Registration,
        RegistrationState,
        StaffRole,
        SurveyInvitation,
        User,
        utcnow,
    )
    from dialogue.surveys import notify, services

    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server["database"], "SECRET_KEY": "e2e-secret",
                      "TESTING": True, "BASE_URL": live_server["url"]})
    with app.app_context():
        key = uuid.uuid4().hex[:8]
        password = hash_password(PASSWORD)
        org = Organisation(name=f"Buyers {key}", slug=f"buyers-{key}", kind=OrganisationKind.PUBLIC_BUYER,
                           country="FI")
        people = []
        for n in range(3):
            user = User(email=f"survey-{key}-{n}@example.org", name=f"Person {n}", password_hash=password,
                        email_verified_at=utcnow())
            db.session.add_all([user, Membership(user=user, organisation=org)])
            people.append(user)
        now = utcnow()
        event = Event(slug=f"dialogue-{key}", title="Market dialogue on laptops", timezone="Europe/Helsinki",
                      starts_at=now - dt.timedelta(days=1, hours=6), ends_at=now - dt.timedelta(days=1),
                      status=EventStatus.PUBLISHED, languages=["en"])
        event.cohosts.append(EventCoHost(organisation=org))
        event.staff.append(EventStaff(user=people[0], role=StaffRole.ORGANISER))
        for user in people[1:]:
            db.session.add(Registration(event=event, user=user, organisation=org, role=ParticipantRole.SUPPLIER,
                                        state=RegistrationState.CONFIRMED, checked_in_at=now))
        db.session.add(event)
        db.session.flush()
        survey = services.create_survey(event, people[0], "", starter="market_dialogue", now=now)
        survey.opens_at, survey.published_at = now - dt.timedelta(minutes=5), now
        notify.send_due(now)
        db.session.commit()
        tokens = list(db.session.scalars(select(SurveyInvitation.token).where(SurveyInvitation.survey_id == survey.id)))
        questions = {q.text[:12]: q.id for q in survey.ordered_questions()}
        yield {"event": event.slug, "survey": survey.id, "tokens": tokens, "questions": questions,
               "organiser": people[0].email, "app": app}
        db.session.remove()
        db.engine.dispose()


def test_conditional_question_follows_the_answer(page, served):
    q = served["questions"]
    page.goto(f"/s/{served['tokens'][0]}")
    block = page.locator(f"#question-{q['What keeps y']}")
    assert block.is_hidden()
    page.check(f"#q{q['Will you bid']}-5")  # "No"
    assert block.is_visible()
    page.check(f"#q{q['Will you bid']}-1")  # "Yes": hidden again
    assert block.is_hidden()
    page.check(f"#q{q['Will you bid']}-5")
    page.fill(f"#q{q['What keeps y']}", "The lots are too large for us.")
    page.check(f"#q{q['How useful w']}-4")
    page.check(f"#q{q['How clearly ']}-3")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()

    from dialogue.extensions import db
    from dialogue.models import SurveyAnswer

    with served["app"].app_context():
        assert db.session.scalar(select(SurveyAnswer.text).where(
            SurveyAnswer.question_id == q["What keeps y"])) == "The lots are too large for us."


def test_survey_pages_have_no_serious_accessibility_violations(page, served):
    q = served["questions"]
    violations = []
    page.goto(f"/s/{served['tokens'][1]}")
    violations += check_accessibility(page, "survey form")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("alert").first.wait_for()
    violations += check_accessibility(page, "survey form with errors")
    page.check(f"#q{q['How useful w']}-4")
    page.check(f"#q{q['How clearly ']}-4")
    page.check(f"#q{q['Will you bid']}-1")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    sign_in(page, served["organiser"], PASSWORD)
    base = f"/events/{served['event']}/surveys/{served['survey']}"
    for url in (f"/events/{served['event']}/surveys", base, f"{base}/questions/new", f"{base}/respondents",
                f"{base}/results", f"{base}/results/print"):
        page.goto(url)
        violations += check_accessibility(page, url)
    assert violations == []
