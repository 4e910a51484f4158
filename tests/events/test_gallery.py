"""The gallery of past public events: programme and follow-up counts, never free text, never a private event."""

import datetime as dt

import pytest

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    EventStatus,
    MemberRole,
    OrganisationKind,
    SessionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    SurveySection,
    utcnow,
)

AGO = utcnow() - dt.timedelta(days=200)


@pytest.fixture
def past_forum(make_event, make_user, make_org):
    helsinki = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki")
    organiser = make_user(helsinki, role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, title="Nordic Forum 2024", starts_at=AGO,
                       ends_at=AGO + dt.timedelta(hours=8), status=EventStatus.FINISHED)
    db.session.add(AgendaSession(event_id=event.id, title="Joint statement of demand", kind=SessionKind.PANEL,
                                 starts_at=AGO, ends_at=AGO + dt.timedelta(hours=1)))
    survey = Survey(event_id=event.id, title="How was the forum?", anonymous=True, opens_at=AGO,
                    closes_at=AGO + dt.timedelta(days=14), published_at=AGO, opened_at=AGO)
    section = SurveySection(survey=survey, title="The day")
    useful = SurveyQuestion(survey=survey, section=section, kind=SurveyQuestionKind.YES_NO, text="Was it useful?")
    lot = SurveyQuestion(survey=survey, section=section, kind=SurveyQuestionKind.SINGLE_CHOICE,
                         text="Which lot will you bid for?", options=["Phones", "Tablets"], allow_other=True,
                         position=1)
    comment = SurveyQuestion(survey=survey, section=section, kind=SurveyQuestionKind.LONG_TEXT,
                             text="What should change?", position=2)
    db.session.add_all([survey, section, useful, lot, comment])
    db.session.flush()
    for yes, choice, other, text in [
            ("yes", "Phones", None, "Shorter breaks, says Acme Oy"), ("yes", "Tablets", None, "More tables"),
            ("no", "__other__", "Laptops from Secret Supplier", "Less talk"), ("yes", "Phones", None, "Coffee")]:
        db.session.add(SurveyInvitation(survey_id=survey.id, responded=True))
        response = SurveyResponse(survey_id=survey.id)
        response.answers = [SurveyAnswer(question_id=useful.id, choices=[yes]),
                            SurveyAnswer(question_id=lot.id, choices=[choice], text=other),
                            SurveyAnswer(question_id=comment.id, text=text)]
        db.session.add(response)
    db.session.commit()
    return event, organiser


def test_the_gallery_shows_past_public_events_with_programme_and_counts_only(client, past_forum, make_event):
    event, _organiser = past_forum
    make_event(title="Hidden draft", starts_at=AGO, ends_at=AGO + dt.timedelta(hours=2), status=EventStatus.DRAFT)
    make_event(title="Called off", starts_at=AGO, ends_at=AGO + dt.timedelta(hours=2), status=EventStatus.CANCELLED)
    make_event(title="Still to come")

    index = client.get("/gallery").get_data(as_text=True)
    assert "Nordic Forum 2024" in index
    for absent in ("Hidden draft", "Called off", "Still to come"):
        assert absent not in index
    assert "/gallery" in client.get("/").get_data(as_text=True)

    page = client.get(f"/gallery/{event.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Joint statement of demand" in html
    assert "Was it useful?" in html and "Which lot will you bid for?" in html
    assert "4 of 4 invited answered" in html
    assert "<td>3</td><td>75%</td>" in html  # three of four said yes
    # Free text never shows: neither the text question, its answers, nor what "Other" was.
    for text in ("What should change?", "Acme Oy", "More tables", "Secret Supplier"):
        assert text not in html
    # Nobody may clone from the gallery without signing in.
    assert f"/events/{event.slug}/clone" not in html


def test_private_and_unfinished_events_are_not_in_the_gallery(client, make_event):
    draft = make_event(starts_at=AGO, ends_at=AGO + dt.timedelta(hours=2), status=EventStatus.DRAFT)
    cancelled = make_event(starts_at=AGO, ends_at=AGO + dt.timedelta(hours=2), status=EventStatus.CANCELLED)
    upcoming = make_event()
    for event in (draft, cancelled, upcoming):
        assert client.get(f"/gallery/{event.slug}").status_code == 404


def test_too_few_answers_show_no_counts(client, past_forum):
    event, _organiser = past_forum
    survey = db.session.query(Survey).filter_by(event_id=event.id).one()
    for response in db.session.query(SurveyResponse).filter_by(survey_id=survey.id).limit(2):
        db.session.delete(response)
    db.session.commit()
    html = client.get(f"/gallery/{event.slug}").get_data(as_text=True)
    assert "Too few answers" in html and "Was it useful?" not in html


def test_clone_this_event_is_offered_to_those_who_may_organise(client, auth, past_forum, make_user, make_org):
    event, organiser = past_forum
    url = f"/gallery/{event.slug}"
    clone = f"/events/{event.slug}/clone"
    auth.login(make_user(make_org(kind=OrganisationKind.SUPPLIER), role=MemberRole.ADMIN))
    assert clone not in client.get(url).get_data(as_text=True)
    auth.login(make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER), role=MemberRole.ADMIN))
    assert clone in client.get(url).get_data(as_text=True)
    assert "Clone one to start your own event" in client.get("/gallery").get_data(as_text=True)
    auth.login(organiser)
    assert clone in client.get(url).get_data(as_text=True)
