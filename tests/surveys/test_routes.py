import datetime as dt
import re

import pytest
from flask import render_template_string
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (
    ParticipantRole,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    new_token,
    utcnow,
)
from dialogue.surveys import notify
from tests.surveys.conftest import good_answers, link_token, question


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def local_input(value: dt.datetime, zone: str = "Europe/Helsinki") -> str:
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def settings_data(survey, **changes) -> dict:
    data = {"title": survey.title, "intro": survey.intro, "audience": survey.audience.value,
            "opens_at": local_input(survey.opens_at), "closes_at": local_input(survey.closes_at),
            "reminder_days": ", ".join(map(str, survey.reminder_days)), "previous_survey": ""}
    if survey.anonymous:
        data["anonymous"] = "y"
    data.update(changes)
    return data


def test_organiser_journey_through_the_pages(client, auth, runner, past_event, participants, outbox):
    """Build from the template for checked-in people, invite, two answer, remind the third, see results."""
    event, organiser = past_event
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/surveys")
    assert page.status_code == 200 and "Market dialogue feedback" in page.get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/surveys", data={"starter": "market_dialogue", "title": ""})
    assert response.status_code == 303
    survey = db.session.scalar(select(Survey))
    assert survey.title == "Market dialogue feedback" and survey.published_at is None
    builder = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "How clearly did the buyers explain their needs?" in builder and "Schedule the survey" in builder

    now = utcnow()
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/settings", data=settings_data(
        survey, audience="checked_in", opens_at=local_input(now - dt.timedelta(minutes=5)),
        closes_at=local_input(now + dt.timedelta(days=14)), reminder_days="3, 7"))
    assert response.status_code == 303
    assert client.post(f"/events/{event.slug}/surveys/{survey.id}/publish").status_code == 303
    db.session.expire_all()
    assert survey.audience == SurveyAudience.CHECKED_IN and survey.published_at is not None
    assert survey.reminder_days == [3, 7]

    result = runner.invoke(args=["surveys", "send-due"])
    assert result.exit_code == 0 and "3 invitations" in result.output, result.output
    mails = outbox("surveys.invitation")
    assert sorted(m.recipients[0] for m in mails) == sorted(participants[k].user.email
                                                            for k in ("supplier", "reseller", "buyer"))
    tokens = {m.recipients[0]: link_token(m) for m in mails}
    assert "no sign-in needed" in mails[0].body_text

    auth.logout()
    for key in ("supplier", "buyer"):
        token = tokens[participants[key].user.email]
        form = client.get(f"/s/{token}")
        assert form.status_code == 200 and "Will you bid on the coming tender?" in form.get_data(as_text=True)
        answered = client.post(f"/s/{token}", data=good_answers(survey))
        assert answered.status_code == 303 and answered.headers["Location"].endswith(f"/s/{token}/thanks")
        assert "You can change them" in client.get(answered.headers["Location"]).get_data(as_text=True)
    assert count(SurveyResponse) == 2

    auth.login(organiser)
    waiting = client.get(f"/events/{event.slug}/surveys/{survey.id}/respondents").get_data(as_text=True)
    assert participants["reseller"].user.name in waiting
    assert participants["supplier"].user.name not in waiting
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/remind")
    assert response.status_code == 303
    reminders = outbox("surveys.reminder")
    assert [m.recipients for m in reminders] == [[participants["reseller"].user.email]]
    assert link_token(reminders[0]) == tokens[participants["reseller"].user.email]

    results = client.get(f"/events/{event.slug}/surveys/{survey.id}/results")
    html = results.get_data(as_text=True)
    assert results.status_code == 200
    assert "67%" in html  # 2 of 3 answered
    assert html.count('role="img"') >= 5 and "<title id=" in html
    assert "NPS score: 100" in html and "Forecasting volumes" in html
    csv = client.get(f"/events/{event.slug}/surveys/{survey.id}/export/answers.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    assert len(csv.get_data(as_text=True).strip().splitlines()) == 3
    xlsx = client.get(f"/events/{event.slug}/surveys/{survey.id}/export/summary.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    summary = client.get(f"/events/{event.slug}/surveys/{survey.id}/export/summary.csv").get_data(as_text=True)
    assert "Response rate" in summary and "NPS score" in summary
    printable = client.get(f"/events/{event.slug}/surveys/{survey.id}/results/print").get_data(as_text=True)
    assert "survey-print" in printable and "Print" in printable


def test_anonymous_survey_blocks_a_second_answer_and_shows_counts_only(client, auth, past_event, participants,
                                                                      make_survey):
    event, organiser = past_event
    survey = make_survey(event, anonymous=True, audience=SurveyAudience.CHECKED_IN)
    notify.send_due(utcnow())
    db.session.commit()
    invitation = db.session.scalar(select(SurveyInvitation).where(
        SurveyInvitation.user_id == participants["supplier"].user_id))
    page = client.get(f"/s/{invitation.token}").get_data(as_text=True)
    assert "Your answers are anonymous" in page
    assert client.post(f"/s/{invitation.token}", data=good_answers(survey)).status_code == 303
    again = client.post(f"/s/{invitation.token}", data=good_answers(survey))
    assert again.status_code == 409 and "already been used" in again.get_data(as_text=True)
    assert client.get(f"/s/{invitation.token}").status_code == 409
    assert count(SurveyResponse) == 1
    response = db.session.scalar(select(SurveyResponse))
    assert response.invitation_id is None and response.submitted_at is None
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/surveys/{survey.id}/respondents").get_data(as_text=True)
    assert "only counts are shown" in page
    assert participants["reseller"].user.name not in page
    filtered = client.get(f"/events/{event.slug}/surveys/{survey.id}/results?role=supplier").get_data(as_text=True)
    assert "Fewer than 3 people of this role" in filtered
    assert client.get(f"/events/{event.slug}/surveys/{survey.id}/export/summary.csv?role=supplier").status_code == 403


def test_bad_answers_over_http(client, past_event, participants, make_survey):
    event, _ = past_event
    survey = make_survey(event)
    notify.send_due(utcnow())
    db.session.commit()
    token = db.session.scalar(select(SurveyInvitation.token).where(
        SurveyInvitation.user_id == participants["supplier"].user_id))
    useful = question(survey, "How useful")

    missing = client.post(f"/s/{token}", data=good_answers(survey, **{f"q{useful.id}": ""}))
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Some answers need your attention" in html
    assert f'id="q{useful.id}-error"' in html and "Choose an answer." in html
    # What was typed is kept.
    assert "More time between notice and deadline" in html
    out_of_range = client.post(f"/s/{token}", data=good_answers(survey, **{f"q{useful.id}": "9"}))
    assert out_of_range.status_code == 400 and "Choose a rating from 1 to 5" in out_of_range.get_data(as_text=True)
    assert count(SurveyResponse) == 0 and count(SurveyAnswer) == 0

    forged = client.get("/s/" + "0" * 32)
    assert forged.status_code == 404 and "This link is not valid" in forged.get_data(as_text=True)
    assert client.post("/s/" + "0" * 32, data=good_answers(survey)).status_code == 404

    anything = question(survey, "Anything else")
    stored = client.post(f"/s/{token}", data=good_answers(survey, **{f"q{anything.id}": "<script>alert(1)</script>"}))
    assert stored.status_code == 303
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == anything.id)) == \
        "<script>alert(1)</script>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/s/{token}").get_data(as_text=True)

    survey.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    late = client.post(f"/s/{token}", data=good_answers(survey, **{f"q{useful.id}": "1"}))
    assert late.status_code == 403 and "closed on" in late.get_data(as_text=True)
    assert db.session.scalar(select(SurveyAnswer.number).where(SurveyAnswer.question_id == useful.id)) == 4


def test_results_page_escapes_html_answers(client, auth, past_event, participants, make_survey):
    event, organiser = past_event
    survey = make_survey(event)
    notify.send_due(utcnow())
    db.session.commit()
    token = db.session.scalar(select(SurveyInvitation.token).where(
        SurveyInvitation.user_id == participants["supplier"].user_id))
    anything = question(survey, "Anything else")
    client.post(f"/s/{token}", data=good_answers(survey, **{f"q{anything.id}": "<img src=x onerror=alert(1)>"}))
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/surveys/{survey.id}/results").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html


def test_builder_adds_moves_and_protects_answered_questions(client, auth, past_event, participants, make_survey):
    event, organiser = past_event
    survey = make_survey(event)
    auth.login(organiser)
    base = f"/events/{event.slug}/surveys/{survey.id}"
    second = survey.sections[1]
    form = client.get(f"{base}/questions/new?section={second.id}").get_data(as_text=True)
    assert "Will you bid on the coming tender?” = No" in form
    response = client.post(f"{base}/questions/new", data={
        "section": str(second.id), "kind": "number", "text": "How many devices could you deliver a year?",
        "min_value": "0", "max_value": "100000", "condition": ""})
    assert response.status_code == 303
    added = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.text.startswith("How many devices")))
    assert added.section_id == second.id and added.max_value == 100000
    bad = client.post(f"{base}/questions/new", data={"section": str(second.id), "kind": "single_choice",
                                                     "text": "Pick one", "options": "Only one"})
    assert bad.status_code == 400 and "at least two options" in bad.get_data(as_text=True)

    assert client.post(f"{base}/questions/{added.id}/move/up").status_code == 303
    db.session.expire_all()
    order = [q.id for q in survey.ordered_questions()]
    assert order[-2] == added.id

    keeps = question(survey, "What keeps you")
    response = client.post(f"{base}/questions/{keeps.id}/move/up", follow_redirects=True)
    assert "which decides whether it is shown" in response.get_data(as_text=True)

    notify.send_due(utcnow())
    db.session.commit()
    token = db.session.scalar(select(SurveyInvitation.token).where(
        SurveyInvitation.user_id == participants["supplier"].user_id))
    client.post(f"/s/{token}", data=good_answers(survey))
    bid = question(survey, "Will you bid")
    page = client.get(f"{base}/questions/{bid.id}").get_data(as_text=True)
    assert "This question has 1 answer." in page
    refused = client.post(f"{base}/questions/{bid.id}", data={
        "section": str(bid.section_id), "kind": "single_choice", "text": "Did you bid?",
        "options": "\n".join(bid.options), "required": "y", "condition": ""})
    assert refused.status_code == 400 and "its wording cannot change" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert bid.text == "Will you bid on the coming tender?"
    ok = client.post(f"{base}/questions/{bid.id}", data={
        "section": str(bid.section_id), "kind": "single_choice", "text": bid.text, "help_text": "A best guess.",
        "options": "\n".join(bid.options), "required": "y", "condition": ""})
    assert ok.status_code == 303
    db.session.expire_all()
    assert bid.help_text == "A best guess."
    deleted = client.post(f"{base}/questions/{bid.id}/delete", follow_redirects=True)
    assert "kept so that they keep their question" in deleted.get_data(as_text=True)
    assert db.session.get(SurveyQuestion, bid.id) is not None


def test_settings_errors_are_shown_next_to_the_field(client, auth, past_event, make_survey):
    event, organiser = past_event
    survey = make_survey(event, state="draft")
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/settings", data=settings_data(
        survey, closes_at=local_input(survey.opens_at - dt.timedelta(days=1))))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="closes_at-error"' in html and "close after it opens" in html
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/settings",
                           data=settings_data(survey, reminder_days="three"))
    assert response.status_code == 400 and 'id="reminder_days-error"' in response.get_data(as_text=True)


def test_second_stage_is_created_from_the_list(client, auth, past_event, make_survey):
    event, organiser = past_event
    first = make_survey(event, state="closed")
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/surveys", data={
        "starter": "", "title": "Six months on", "previous_survey": str(first.id)})
    assert response.status_code == 303
    second = db.session.scalar(select(Survey).where(Survey.title == "Six months on"))
    assert second.previous_survey_id == first.id and second.opens_at > first.closes_at + dt.timedelta(days=150)


def test_draft_survey_can_be_deleted(client, auth, past_event, make_survey):
    event, organiser = past_event
    survey = make_survey(event, state="draft")
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/surveys/{survey.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/events/{event.slug}/surveys")
    assert count(Survey) == 0


def test_preview_shows_the_form_without_a_send_button(client, auth, past_event, make_survey):
    event, organiser = past_event
    survey = make_survey(event, state="draft")
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/surveys/{survey.id}/preview").get_data(as_text=True)
    assert "Preview" in html and "Send my answers" not in html
    assert 'data-show-if-name="q' in html and "js/surveys.js" in html


# ---------------------------------------------------------------- permissions

ENDPOINTS = [
    ("GET", "/events/{slug}/surveys"),
    ("POST", "/events/{slug}/surveys"),
    ("GET", "/events/{slug}/surveys/{id}"),
    ("POST", "/events/{slug}/surveys/{id}/settings"),
    ("POST", "/events/{slug}/surveys/{id}/publish"),
    ("GET", "/events/{slug}/surveys/{id}/questions/new"),
    ("GET", "/events/{slug}/surveys/{id}/questions/{qid}"),
    ("POST", "/events/{slug}/surveys/{id}/questions/{qid}/move/down"),
    ("POST", "/events/{slug}/surveys/{id}/questions/{qid}/delete"),
    ("GET", "/events/{slug}/surveys/{id}/preview"),
    ("GET", "/events/{slug}/surveys/{id}/respondents"),
    ("POST", "/events/{slug}/surveys/{id}/remind"),
    ("POST", "/events/{slug}/surveys/{id}/send-due"),
    ("GET", "/events/{slug}/surveys/{id}/results"),
    ("GET", "/events/{slug}/surveys/{id}/results/print"),
    ("GET", "/events/{slug}/surveys/{id}/export/answers.csv"),
    ("GET", "/events/{slug}/surveys/{id}/export/answers.xlsx"),
    ("GET", "/events/{slug}/surveys/{id}/export/summary.csv"),
    ("GET", "/events/{slug}/surveys/{id}/export/summary.xlsx"),
]


@pytest.mark.parametrize("who, expected", [
    ("anonymous", {302}), ("participant", {403}), ("other organiser", {403}),
    ("event organiser", {200, 303, 400}),  # 400: an empty form is refused, not the person
])
def test_permissions(client, auth, make_user, make_event, past_event, participants, make_survey, who, expected):
    """Each role against every organiser endpoint (one test per role keeps the table fast)."""
    event, organiser = past_event
    survey = make_survey(event)
    people = {"participant": participants["supplier"].user, "event organiser": organiser}
    if who == "other organiser":
        other = make_user()
        make_event(organiser=other)
        people[who] = other
    if who in people:
        auth.login(people[who])
    qid = question(survey, "Anything else").id
    outcomes = []
    for method, path in ENDPOINTS:
        url = path.format(slug=event.slug, id=survey.id, qid=qid)
        response = client.open(url, method=method, data={})
        outcomes.append((method, url, response.status_code))
        if who == "anonymous":
            assert "/login" in response.headers["Location"], url
    assert [o for o in outcomes if o[2] not in expected] == [], who


def test_a_survey_of_another_event_is_not_found(client, auth, past_event, make_event, make_survey):
    event, organiser = past_event
    other_event = make_event(organiser=organiser)
    survey = make_survey(other_event)
    auth.login(organiser)
    assert client.get(f"/events/{event.slug}/surveys/{survey.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/surveys/{survey.id}/results").status_code == 404


# ---------------------------------------------------------------- event page pieces, queries, demo

def test_event_section_offers_the_personal_link_and_organiser_links(app, client, past_event, participants,
                                                                    make_survey):
    from flask_login import login_user

    event, organiser = past_event
    survey = make_survey(event)
    notify.send_due(utcnow())
    db.session.commit()
    participant = participants["supplier"].user
    token = db.session.scalar(select(SurveyInvitation.token).where(SurveyInvitation.user_id == participant.id))
    template = '{% include "surveys/_event_section.html" %}'
    with app.test_request_context():
        login_user(participant)
        html = render_template_string(template, event=event, is_organiser=False, registration=None,
                                      is_participant=True)
    assert f"/s/{token}" in html and "Answer “Market dialogue feedback”" in html
    assert "Manage the surveys" not in html
    with app.test_request_context():
        login_user(organiser)
        html = render_template_string(template, event=event, is_organiser=True, registration=None,
                                      is_participant=True)
        links = render_template_string('{% include "surveys/_manage_links.html" %}', event=event)
    assert f"/events/{event.slug}/surveys" in html and "1 survey" in html
    assert f"/events/{event.slug}/surveys" in links
    with app.test_request_context():
        assert render_template_string(template, event=event, is_organiser=False, registration=None,
                                      is_participant=False).strip() == ""
    assert survey.id


def test_the_event_page_shows_a_survey_added_after_it_was_seen(client, auth, past_event, participants, make_survey):
    event, _organiser = past_event
    auth.login(participants["supplier"].user)
    assert "Feedback surveys" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    make_survey(event)
    notify.send_due(utcnow())
    db.session.commit()
    assert "Answer “Market dialogue feedback”" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_results_page_queries_do_not_grow_with_responses(client, auth, past_event, make_registration, make_survey):
    event, organiser = past_event
    survey = make_survey(event)
    auth.login(organiser)

    def add_responses(n):
        for _ in range(n):
            registration = make_registration(event, role=ParticipantRole.SUPPLIER)
            invitation = SurveyInvitation(survey=survey, user_id=registration.user_id, role="supplier",
                                          token=new_token())
            db.session.add(invitation)
            db.session.commit()
            client.post(f"/s/{invitation.token}", data=good_answers(survey))

    def statements(url):
        seen = []

        def count_statement(*args):
            seen.append(args[2])

        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", count_statement)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", count_statement)
        return len(seen)

    add_responses(2)
    results_url = f"/events/{event.slug}/surveys/{survey.id}/results"
    respondents_url = f"/events/{event.slug}/surveys/{survey.id}/respondents"
    few = statements(results_url), statements(respondents_url)
    add_responses(6)
    for _ in range(5):  # and some who have not answered
        registration = make_registration(event)
        db.session.add(SurveyInvitation(survey=survey, user_id=registration.user_id, role="supplier",
                                        token=new_token()))
    db.session.commit()
    many = statements(results_url), statements(respondents_url)
    assert many == few


def test_demo_builds_a_closed_survey_with_answers_once(app, make_user, make_event, make_registration):
    from dialogue.surveys import demo

    assert demo.build({"people": {}, "orgs": {}}) is None  # no demo event: nothing, and no crash
    organiser = make_user()
    start = dt.datetime(2018, 10, 3, 8, 0, tzinfo=dt.timezone.utc)
    event = make_event(organiser=organiser, slug="make-ict-fair-2018", timezone="Europe/Amsterdam",
                       starts_at=start, ends_at=start + dt.timedelta(hours=8))
    for role in (ParticipantRole.SUPPLIER, ParticipantRole.SUPPLIER, ParticipantRole.RESELLER,
                 ParticipantRole.BUYER, ParticipantRole.OBSERVER):
        make_registration(event, role=role, checked_in_at=start)
    world = {"people": {"organiser": organiser}, "orgs": {}}
    demo.build(world)
    db.session.commit()
    demo.build(world)
    db.session.commit()
    survey = db.session.scalar(select(Survey))
    assert count(Survey) == 1 and survey.title == "Market dialogue feedback"
    assert survey.state(utcnow()) == "closed"
    assert count(SurveyInvitation) == 5 and 3 <= count(SurveyResponse) < 5
    assert count(SurveyAnswer) > 3 * 5


def test_send_due_command_reports_problems_and_goes_on(runner, past_event, participants, make_survey, monkeypatch):
    import sys

    event, _ = past_event
    make_survey(event, audience=SurveyAudience.HAD_MEETING)
    make_survey(event, audience=SurveyAudience.CHECKED_IN)
    monkeypatch.setitem(sys.modules, "dialogue.meetings.services", None)
    result = runner.invoke(args=["surveys", "send-due"])
    assert result.exit_code == 0
    assert "3 invitations" in result.output and "one-to-one meetings" in result.output
    assert re.search(r"skipped .*Market dialogue feedback", result.output)
