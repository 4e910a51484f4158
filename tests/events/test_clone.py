"""Cloning an event: what the draft gets, what it does not, times across summer time, refusals, who may."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventStatus,
    Material,
    Meeting,
    MeetingBlock,
    MeetingLocation,
    MeetingSettings,
    MeetingSlot,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RoleCapacity,
    SessionKind,
    Survey,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    SurveySection,
    utcnow,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
YEAR = utcnow().year + 2


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Helsinki wall-clock time as stored (UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def wall(value: dt.datetime) -> tuple[int, int]:
    local = value.astimezone(HELSINKI)
    return local.hour, local.minute


@pytest.fixture
def winter_event(make_event, make_user, make_org, make_registration):
    """A past-style set-up in winter time (March, before the change): sessions, questions, caps,
    meeting set-up, a survey and its second stage, and the people's things that must not be copied."""
    espoo = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Espoo")
    helsinki = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki")
    organiser = make_user(helsinki, role=MemberRole.ADMIN)
    day = dt.date(YEAR, 3, 10)
    event = make_event(organiser=organiser, cohosts=[helsinki, espoo], starts_at=at(day, 9), ends_at=at(day, 17),
                       registration_closes_at=at(day - dt.timedelta(days=3), 16), capacity=120)
    db.session.add_all([
        AgendaSession(event_id=event.id, title="Welcome", kind=SessionKind.PANEL, starts_at=at(day, 9),
                      ends_at=at(day, 9, 30)),
        AgendaSession(event_id=event.id, title="Buyers present", kind=SessionKind.BUYER_PRESENTATION,
                      starts_at=at(day, 9, 30), ends_at=at(day, 11)),
        AgendaSession(event_id=event.id, title="Meetings", kind=SessionKind.ONE_TO_ONE, starts_at=at(day, 13),
                      ends_at=at(day, 16)),
        RoleCapacity(event_id=event.id, role="supplier", capacity=40),
        RegistrationQuestion(event_id=event.id, kind=QuestionKind.CHOICE, text="Which lot interests you?",
                             choices=["Phones", "Tablets"], required=True, position=1),
        MeetingSettings(event_id=event.id, slot_minutes=20, break_minutes=10, max_meetings_per_supplier=3),
        MeetingLocation(event_id=event.id, label="Table 1", capacity=4),
    ])
    block = MeetingBlock(event_id=event.id, starts_at=at(day, 13), ends_at=at(day, 14))
    block.slots = [MeetingSlot(event_id=event.id, starts_at=at(day, 13), ends_at=at(day, 13, 20)),
                   MeetingSlot(event_id=event.id, starts_at=at(day, 13, 30), ends_at=at(day, 13, 50))]
    db.session.add(block)
    first = Survey(event_id=event.id, title="How was the forum?", opens_at=at(day, 18),
                   closes_at=at(day + dt.timedelta(days=14), 18), published_at=utcnow(), opened_at=utcnow())
    section = SurveySection(survey=first, title="The day")
    rating = SurveyQuestion(survey=first, section=section, kind=SurveyQuestionKind.YES_NO, text="Was it useful?")
    why = SurveyQuestion(survey=first, section=section, kind=SurveyQuestionKind.LONG_TEXT, text="Why not?",
                         condition_question=rating, condition_value="no", position=1)
    second = Survey(event_id=event.id, title="Six months on", previous_survey=first, opens_at=at(day, 18)
                    + dt.timedelta(days=180), closes_at=at(day, 18) + dt.timedelta(days=200), published_at=utcnow())
    db.session.add_all([first, section, rating, why, second])
    db.session.flush()
    db.session.add(SurveyResponse(survey_id=first.id))
    db.session.add(Material(event_id=event.id, title="Slides"))
    db.session.commit()
    make_registration(event, role=ParticipantRole.SUPPLIER)
    return event, organiser


def test_clone_copies_the_set_up_moves_it_across_summer_time_and_leaves_the_people_behind(
        client, auth, winter_event):
    event, organiser = winter_event
    auth.login(organiser)
    new_day = dt.date(YEAR, 4, 14)  # summer time in Helsinki: UTC+3 instead of UTC+2
    response = client.post(f"/events/{event.slug}/clone", data={"starts_on": new_day.isoformat(),
                                                                  "slug": "forum-spring"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/events/forum-spring/manage")

    copy = db.session.scalar(select(Event).where(Event.slug == "forum-spring"))
    assert copy.status == EventStatus.DRAFT
    assert copy.title == event.title and copy.capacity == 120
    assert sorted(c.organisation.name for c in copy.cohosts) == ["City of Espoo", "City of Helsinki"]
    assert copy.starts_at.astimezone(HELSINKI).date() == new_day
    # Local times kept: 09:00 stays 09:00 although the UTC offset changed by an hour.
    assert wall(copy.starts_at) == (9, 0) and wall(copy.ends_at) == (17, 0)
    assert copy.starts_at - event.starts_at == dt.timedelta(days=35) - dt.timedelta(hours=1)
    assert [(s.title, wall(s.starts_at), wall(s.ends_at)) for s in copy.sessions] == [
        ("Welcome", (9, 0), (9, 30)), ("Buyers present", (9, 30), (11, 0)), ("Meetings", (13, 0), (16, 0))]
    assert all(s.starts_at.astimezone(HELSINKI).date() == new_day for s in copy.sessions)
    assert wall(copy.registration_closes_at) == (16, 0)
    assert copy.registration_closes_at.astimezone(HELSINKI).date() == new_day - dt.timedelta(days=3)
    assert [(rc.role, rc.capacity) for rc in copy.role_capacities] == [("supplier", 40)]

    question = db.session.scalar(select(RegistrationQuestion).where(RegistrationQuestion.event_id == copy.id))
    assert question.text == "Which lot interests you?" and question.choices == ["Phones", "Tablets"]
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.event_id == copy.id))
    assert (settings.slot_minutes, settings.break_minutes, settings.max_meetings_per_supplier) == (20, 10, 3)
    assert settings.published_at is None
    slots = db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == copy.id)
                               .order_by(MeetingSlot.starts_at)).all()
    assert [wall(s.starts_at) for s in slots] == [(13, 0), (13, 30)]
    assert slots[0].starts_at.astimezone(HELSINKI).date() == new_day
    assert db.session.scalar(select(MeetingLocation.label).where(MeetingLocation.event_id == copy.id)) == "Table 1"

    surveys = db.session.scalars(select(Survey).where(Survey.event_id == copy.id).order_by(Survey.id)).all()
    assert [s.title for s in surveys] == ["How was the forum?", "Six months on"]
    assert all(s.published_at is None and s.opened_at is None for s in surveys)  # drafts, not sent
    assert surveys[1].previous_survey_id == surveys[0].id
    questions = surveys[0].ordered_questions()
    assert [q.text for q in questions] == ["Was it useful?", "Why not?"]
    assert questions[1].condition_question_id == questions[0].id
    assert wall(surveys[0].opens_at) == (18, 0)

    for model in (Registration, Meeting, Material):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.event_id == copy.id)) == 0
    assert db.session.scalar(select(func.count(SurveyResponse.id)).join(Survey)
                             .where(Survey.event_id == copy.id)) == 0
    # The original is untouched.
    assert len(db.session.get(Event, event.id).sessions) == 3


def test_a_taken_address_is_refused_next_to_the_field(client, auth, winter_event, make_event):
    event, organiser = winter_event
    make_event(slug="taken-slug")
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/clone", data={"starts_on": f"{YEAR}-05-01", "slug": "taken-slug"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="slug-error"' in html and "Another event already uses this address" in html
    assert db.session.scalar(select(func.count(Event.id))) == 2


def test_a_start_in_the_past_is_refused(client, auth, winter_event):
    event, organiser = winter_event
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/clone", data={"starts_on": "2001-01-01", "slug": "old-one"})
    assert response.status_code == 400
    assert 'id="starts_on-error"' in response.get_data(as_text=True)


def test_cli_clones_with_the_same_co_hosts_and_sessions(runner, winter_event):
    event, _organiser = winter_event
    result = runner.invoke(args=["events", "clone", event.slug, "--starts", f"{YEAR}-11-03", "--slug", "forum-nov"])
    assert result.exit_code == 0, result.output
    assert "forum-nov" in result.output
    copy = db.session.scalar(select(Event).where(Event.slug == "forum-nov"))
    assert copy.status == EventStatus.DRAFT
    assert {c.organisation_id for c in copy.cohosts} == {c.organisation_id for c in event.cohosts}
    assert len(copy.sessions) == 3
    # November is winter time again: 09:00 local.
    assert wall(copy.starts_at) == (9, 0) and copy.starts_at.astimezone(HELSINKI).date() == dt.date(YEAR, 11, 3)


def test_cli_refuses_a_taken_address_cleanly(runner, winter_event, make_event):
    event, _organiser = winter_event
    make_event(slug="forum-taken")
    result = runner.invoke(args=["events", "clone", event.slug, "--starts", f"{YEAR}-11-03",
                                 "--slug", "forum-taken"])
    assert result.exit_code == 1
    assert "Another event already uses this address" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(args=["events", "clone", "no-such-event", "--starts", f"{YEAR}-11-03", "--slug", "x"])
    assert result.exit_code == 1 and "no event" in result.output


def test_who_may_clone(client, auth, make_event, make_user, make_org):
    helsinki = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki")
    organiser = make_user(helsinki, role=MemberRole.ADMIN)
    upcoming = make_event(organiser=organiser)
    past = make_event(organiser=organiser, starts_at=utcnow() - dt.timedelta(days=30),
                      ends_at=utcnow() - dt.timedelta(days=29), status=EventStatus.FINISHED)
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    cancelled = make_event(organiser=organiser, starts_at=utcnow() - dt.timedelta(days=30),
                           ends_at=utcnow() - dt.timedelta(days=29), status=EventStatus.CANCELLED)
    turku = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Turku")
    other_buyer_admin = make_user(turku, role=MemberRole.ADMIN)
    other_buyer_member = make_user(turku)
    supplier_admin = make_user(make_org(kind=OrganisationKind.SUPPLIER), role=MemberRole.ADMIN)

    assert client.get(f"/events/{past.slug}/clone").status_code == 302  # anonymous: to sign in
    auth.login(supplier_admin)
    assert client.get(f"/events/{past.slug}/clone").status_code == 403
    auth.login(other_buyer_member)
    assert client.get(f"/events/{past.slug}/clone").status_code == 403
    auth.login(other_buyer_admin)
    assert client.get(f"/events/{upcoming.slug}/clone").status_code == 403  # not past, not theirs
    assert client.get(f"/events/{draft.slug}/clone").status_code == 404
    assert client.get(f"/events/{cancelled.slug}/clone").status_code == 403  # never took place
    page = client.get(f"/events/{past.slug}/clone")
    assert page.status_code == 200 and "Your organisation co-hosts the copy" in page.get_data(as_text=True)
    day = (utcnow() + dt.timedelta(days=60)).date().isoformat()
    assert client.post(f"/events/{past.slug}/clone", data={"starts_on": day, "slug": "turku-copy"}).status_code == 303
    copy = db.session.scalar(select(Event).where(Event.slug == "turku-copy"))
    assert [c.organisation.name for c in copy.cohosts] == ["City of Turku"]
    assert [s.user_id for s in copy.staff] == [other_buyer_admin.id]
    auth.login(organiser)
    assert client.get(f"/events/{upcoming.slug}/clone").status_code == 200
    assert client.get(f"/events/{draft.slug}/clone").status_code == 200
