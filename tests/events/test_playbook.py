"""The organiser's playbook: every step is ticked from the data, the page is for organisers only, and it
reads a fixed number of statements whatever the event's size."""

import datetime as dt
import re

import pytest

from dialogue.extensions import db
from dialogue.models import (
    AuditEntry,
    EventIntent,
    EventStaff,
    EventStatus,
    IntentQuestion,
    IntentStatus,
    Material,
    MaterialVisibility,
    Meeting,
    MeetingBlock,
    MeetingMinutes,
    MeetingMode,
    MeetingSettings,
    MeetingSlot,
    MemberRole,
    OrganisationKind,
    QuestionStatus,
    RoleCapacity,
    StaffRole,
    Survey,
    utcnow,
)
from tests.events.test_routes import StatementCounter


@pytest.fixture
def forum(make_event, make_user, make_org):
    helsinki = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Helsinki")
    espoo = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Espoo")
    organiser = make_user(helsinki, role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, cohosts=[helsinki, espoo], status=EventStatus.DRAFT)
    return event, organiser, espoo


def states(client, event) -> dict[str, tuple[str, str]]:
    """Each step's state and reason as the organiser reads them on the page."""
    html = client.get(f"/events/{event.slug}/playbook").get_data(as_text=True)
    rows = re.findall(r'<tr id="step-(\w+)" class="step-(\w+)">.*?</td>\s*<td>(.*?)</td>', html, re.S)
    return {key: (state, reason) for key, state, reason in rows}


def commit(*objects):
    db.session.add_all(objects)
    db.session.commit()


def test_each_step_ticks_from_the_data(client, auth, forum, make_user, make_intent, make_event):
    event, organiser, espoo = forum
    auth.login(organiser)
    steps = states(client, event)
    assert list(steps) == ["cohosts", "tenders", "questions", "registration", "materials", "caps", "schedule",
                           "minutes", "survey", "second_stage", "record"]
    assert all(state == "todo" for key, (state, _r) in steps.items()
               if key not in ("questions", "caps", "schedule", "minutes"))
    assert {steps[k][0] for k in ("questions", "caps", "schedule", "minutes")} == {"not_applicable"}
    assert "City of Espoo" in steps["cohosts"][1]

    # Co-hosts agreed: Espoo puts someone on the organising team.
    commit(EventStaff(event_id=event.id, user_id=make_user(espoo).id, role=StaffRole.ORGANISER))
    # Planned tenders: one announced in time, one announced two weeks before the event.
    early = make_intent(announced_at=event.starts_at - dt.timedelta(weeks=6))
    late = make_intent(title="Tablets", announced_at=event.starts_at - dt.timedelta(weeks=2))
    commit(EventIntent(event_id=event.id, intent_id=early.id), EventIntent(event_id=event.id, intent_id=late.id))
    question = IntentQuestion(intent_id=early.id, original_text="Refurbished?", public_text="Refurbished?",
                              asked_at=utcnow() - dt.timedelta(days=10))
    commit(question)
    steps = states(client, event)
    assert steps["cohosts"][0] == "done"
    assert steps["tenders"][0] == "todo" and "Tablets" in steps["tenders"][1]
    assert steps["questions"][0] == "todo" and "1 questions" in steps["questions"][1]

    late.announced_at = event.starts_at - dt.timedelta(weeks=5)
    question.status, question.answer, question.answered_at = QuestionStatus.ANSWERED, "Yes.", utcnow()
    # Registration open with places set.
    event.status = EventStatus.PUBLISHED
    commit(RoleCapacity(event_id=event.id, role="supplier", capacity=40))
    # Materials: one for organisers only does not count; one for participants does.
    commit(Material(event_id=event.id, title="Internal notes", visibility=MaterialVisibility.ORGANISERS))
    assert states(client, event)["materials"][0] == "todo"
    commit(Material(event_id=event.id, title="Slides", visibility=MaterialVisibility.PARTICIPANTS))
    steps = states(client, event)
    assert [steps[k][0] for k in ("tenders", "questions", "registration", "materials")] == ["done"] * 4

    # Meetings: organiser-scheduled, no caps, not yet published, one held meeting without minutes.
    settings = MeetingSettings(event_id=event.id, mode=MeetingMode.ORGANISER)
    block = MeetingBlock(event_id=event.id, starts_at=utcnow() - dt.timedelta(hours=2), ends_at=utcnow())
    block.slots = [MeetingSlot(event_id=event.id, starts_at=block.starts_at,
                               ends_at=block.starts_at + dt.timedelta(minutes=20))]
    commit(settings, block)
    meeting = Meeting(event_id=event.id, slot_id=block.slots[0].id, supplier_org_id=espoo.id)
    commit(meeting)
    steps = states(client, event)
    assert [steps[k][0] for k in ("caps", "schedule", "minutes")] == ["todo", "todo", "todo"]
    assert "0 of 1 held meetings" in steps["minutes"][1]
    settings.max_meetings_per_supplier, settings.published_at = 3, utcnow()
    commit(MeetingMinutes(meeting_id=meeting.id, summary="Talked about repair.", no_information_given=True))
    steps = states(client, event)
    assert [steps[k][0] for k in ("caps", "schedule", "minutes")] == ["done", "done", "done"]
    settings.mode = MeetingMode.REQUEST
    db.session.commit()
    assert states(client, event)["schedule"][0] == "not_applicable"

    # Surveys: created is not sent; a second stage must be published and open months later.
    first = Survey(event_id=event.id, title="How was it?", opens_at=event.ends_at,
                   closes_at=event.ends_at + dt.timedelta(days=14))
    commit(first)
    steps = states(client, event)
    assert steps["survey"][0] == "todo" and "not sent" in steps["survey"][1]
    first.published_at = first.opened_at = utcnow()
    second = Survey(event_id=event.id, title="Six months on", previous_survey_id=first.id, published_at=utcnow(),
                    opens_at=event.ends_at + dt.timedelta(days=20), closes_at=event.ends_at + dt.timedelta(days=40))
    commit(second)
    steps = states(client, event)
    assert steps["survey"][0] == "done" and steps["second_stage"][0] == "todo"
    second.opens_at, second.closes_at = event.ends_at + dt.timedelta(days=180), event.ends_at + dt.timedelta(days=200)
    db.session.commit()
    assert states(client, event)["second_stage"][0] == "done"

    # The record: taking it (on its page) is logged, and that ticks the step.
    assert client.get(f"/events/{event.slug}/record").status_code == 200
    assert db.session.query(AuditEntry).filter_by(event_id=event.id, action="record.export").count() == 1
    steps = states(client, event)
    assert all(state in ("done", "not_applicable") for state, _r in steps.values()), steps
    page = client.get(f"/events/{event.slug}/playbook").get_data(as_text=True)
    assert "10 of 10 steps done" in page


def test_a_withdrawn_tender_is_not_counted_and_a_cancelled_event_needs_no_registration(
        client, auth, forum, make_intent):
    event, organiser, _espoo = forum
    withdrawn = make_intent(status=IntentStatus.WITHDRAWN, announced_at=None)
    commit(EventIntent(event_id=event.id, intent_id=withdrawn.id))
    event.status = EventStatus.CANCELLED
    db.session.commit()
    auth.login(organiser)
    steps = states(client, event)
    assert steps["tenders"][0] == "todo" and "No planned tender" in steps["tenders"][1]
    assert steps["registration"][0] == "not_applicable"


def test_the_playbook_is_for_the_event_s_organisers(client, auth, forum, make_user, make_org):
    event, organiser, espoo = forum
    url = f"/events/{event.slug}/playbook"
    assert client.get(url).status_code == 302  # anonymous: to sign in
    auth.login(make_user(espoo))  # a co-host's person without a role on the event: the draft is not there
    assert client.get(url).status_code == 404
    event.status = EventStatus.PUBLISHED
    db.session.commit()
    assert client.get(url).status_code == 403
    auth.login(make_user(make_org(kind=OrganisationKind.SUPPLIER)))
    assert client.get(url).status_code == 403
    auth.login(organiser)
    assert client.get(url).status_code == 200
    manage = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    assert url in manage and f"/events/{event.slug}/clone" in manage


def test_the_playbook_reads_a_fixed_number_of_statements(app, client, auth, forum, make_intent, make_user):
    event, organiser, espoo = forum
    auth.login(organiser)

    def grow(n: int):
        for i in range(n):
            intent = make_intent(title=f"Tender {i}")
            db.session.add(EventIntent(event_id=event.id, intent_id=intent.id))
            db.session.add(IntentQuestion(intent_id=intent.id, original_text="Q", public_text="Q",
                                          asked_at=utcnow() - dt.timedelta(days=30)))
            db.session.add(Material(event_id=event.id, title=f"Slides {i}"))
            db.session.add(Survey(event_id=event.id, title=f"Survey {i}", opens_at=event.ends_at,
                                  closes_at=event.ends_at + dt.timedelta(days=3)))
        if n == 1:
            db.session.add(MeetingSettings(event_id=event.id))
        db.session.commit()

    def count() -> int:
        with app.app_context():
            with StatementCounter(db.engine) as counter:
                assert client.get(f"/events/{event.slug}/playbook").status_code == 200
        return counter.count

    grow(1)
    small = count()
    assert small > 5
    grow(12)
    assert count() == small
