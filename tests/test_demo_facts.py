"""The demo tells its sources as they were: 2018 dates for the 2018 event, each city's own figures, no
invented affiliations, years that agree, and an event whose meetings the organisers schedule."""

import datetime as dt
import re

import pytest
from sqlalchemy import DateTime, func, select
from sqlalchemy.types import TypeDecorator

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Base,
    Event,
    EventIntent,
    Intent,
    Material,
    MeetingMode,
    MeetingRequest,
    MeetingSettings,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationQuestion,
    RegistrationState,
    RequestStatus,
    Survey,
    User,
)

MAKE_ICT = "make-ict-fair-2018"


def _event(slug):
    return db.session.scalar(select(Event).where(Event.slug == slug))


def _is_datetime(column) -> bool:
    kind = column.type
    return isinstance(kind, DateTime) or (isinstance(kind, TypeDecorator) and isinstance(kind.impl, DateTime))


def _rows_of_2018_event() -> list[tuple[str, str, dt.datetime]]:
    """Every timestamp of every row that belongs to the 2018 event or to a planned tender presented there."""
    event = _event(MAKE_ICT)
    intent_ids = set(db.session.scalars(select(EventIntent.intent_id).where(EventIntent.event_id == event.id)))
    owners = {"event_id": {event.id}, "intent_id": intent_ids,
              "material_id": set(db.session.scalars(select(Material.id).where(Material.event_id == event.id))),
              "survey_id": set(db.session.scalars(select(Survey.id).where(Survey.event_id == event.id))),
              "registration_id": set(db.session.scalars(
                  select(Registration.id).where(Registration.event_id == event.id)))}
    found = []
    for table in Base.metadata.sorted_tables:
        stamps = [c for c in table.columns if _is_datetime(c)]
        if not stamps:
            continue
        if table.name == "events":
            where = table.c.id == event.id
        elif table.name == "intents":
            where = table.c.id.in_(intent_ids)
        else:
            keys = [table.c[name].in_(ids) for name, ids in owners.items() if name in table.c and ids]
            if not keys:
                continue
            where = keys[0]
            for key in keys[1:]:
                where = where | key
        for row in db.session.execute(select(*stamps).where(where)):
            for column, value in zip(stamps, row, strict=True):
                if value is not None:
                    found.append((table.name, column.name, value))
    return found


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return runner


def test_everything_of_the_2018_event_is_dated_when_it_happened(demo):
    stamps = _rows_of_2018_event()
    tables = {table for table, _, _ in stamps}
    assert {"events", "intents", "intent_changes", "materials", "material_versions", "registrations",
            "event_intents", "audit_entries"} <= tables
    late = [(table, column, str(value)) for table, column, value in stamps if value.year not in (2018, 2019)]
    assert late == []
    # What was shared at the event was shared around the event, not when the demo was loaded.
    event = _event(MAKE_ICT)
    for material in db.session.scalars(select(Material).where(Material.event_id == event.id)):
        assert material.created_at.date().isoformat().startswith("2018-")
        assert all(v.created_at.year == 2018 for v in material.versions)


def test_the_2018_event_is_run_by_the_network_with_the_presenting_authorities(demo):
    event = _event(MAKE_ICT)
    hosts = {c.organisation.slug: c.organisation for c in event.cohosts}
    assert hosts["iclei"].kind == OrganisationKind.NETWORK
    assert db.session.get(User, event.created_by_id).organisation.slug == "iclei"
    assert any(s.user.organisation.slug == "iclei" and s.role.value == "organiser" for s in event.staff)
    names = {org.name for org in hosts.values()}
    assert {"Aalborg Municipality", "APUC Scotland", "Barcelona City Council", "Municipality of Haarlem"} <= names
    assert any("Swiss" in name for name in names)
    assert {"SSO Noord", "DUO"} <= {name.split(" (")[0] for name in names}


def _demo_texts(but_of: Intent | None = None) -> list[str]:
    """What the demo says in its events, sessions, registration questions and planned tenders (but one)."""
    texts = []
    for event in db.session.scalars(select(Event)):
        texts += [event.summary or "", event.description or ""]
        texts += [s.description or "" for s in event.sessions]
    texts += list(db.session.scalars(select(RegistrationQuestion.text)))
    for intent in db.session.scalars(select(Intent)):
        if intent is but_of:
            continue
        texts += [intent.description or "", intent.rationale or ""]
        texts += [c.text or "" for c in intent.criteria]
        texts += [i.description or "" for i in intent.items]
    return texts


def test_no_text_claims_an_affiliation_or_credits_helsinkis_volumes_to_others(demo):
    assert not [t for t in _demo_texts() if re.search(r"\baffiliate|affiliated|four cities are\b", t, re.I)]
    helsinki = db.session.scalar(select(Intent).where(Intent.title.like("ICT equipment for City of Helsinki%")))
    assert {int(i.quantity) for i in helsinki.items} >= {6500, 5000}  # Helsinki's own tender carries its figures
    others = _demo_texts(but_of=helsinki)
    volumes = [t for t in others if re.search(r"6,000|6,500|5,000 tablets", t)]
    assert volumes and all("Helsinki" in t for t in volumes)  # wherever else they appear, they are Helsinki's
    assert not any("between them" in t for t in others)
    nordic = db.session.scalar(select(Intent).where(Intent.title.like("Fair and circular smartphones%")))
    assert nordic.estimated_value is None and all(item.quantity is None for item in nordic.items)  # no joint total


def test_sessions_name_the_years_the_tenders_plan(demo):
    event = _event("nordic-forum-smartphones")
    planned = {i.planned_notice_date.year for i in db.session.scalars(
        select(Intent).join(EventIntent, EventIntent.intent_id == Intent.id).where(EventIntent.event_id == event.id))
        if i.planned_notice_date}
    years = set()
    for session in db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id)):
        years |= {int(y) for y in re.findall(r"\b20\d\d\b", session.description or "")}
    assert years and years <= planned


def test_helsinki_takes_part_in_the_nordic_forum_and_its_meetings(demo):
    event = _event("nordic-forum-smartphones")
    helsinki = db.session.scalar(select(Organisation).where(Organisation.slug == "helsinki"))
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.organisation_id == helsinki.id,
        Registration.state == RegistrationState.CONFIRMED))
    assert registration is not None and registration.role.value == "buyer"
    asked = db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id,
                                                            MeetingRequest.buyer_org_id == helsinki.id)).all()
    assert any(r.status == RequestStatus.ACCEPTED and r.meeting is not None for r in asked)


def test_one_event_has_meetings_for_the_organisers_to_schedule(demo, app):
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.mode == MeetingMode.ORGANISER))
    assert settings is not None
    event = db.session.get(Event, settings.event_id)
    waiting = db.session.scalar(select(func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event.id, MeetingRequest.status == RequestStatus.PENDING))
    assert waiting >= 4
    result = demo.invoke(args=["meetings", "schedule", event.slug, "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    placed = int(re.search(r"placed (\d+) of (\d+) requests", result.output).group(1))
    assert placed >= 1


def test_the_organisers_run_the_scheduler_from_its_page_and_see_the_drafts(demo, client, auth):
    from dialogue.meetings import scheduling

    event = _event("nordic-forum-second-stage")
    anna = db.session.scalar(select(User).where(User.email == "anna.virtanen@hel.example.org"))
    auth.login(anna)
    page = client.get(f"/events/{event.slug}/meetings/schedule").get_data(as_text=True)
    assert 'name="time_limit"' in page
    assert client.post(f"/events/{event.slug}/meetings/schedule", data={"time_limit": "5"}).status_code == 303
    run = scheduling.latest_run(event)
    db.session.expire_all()
    run = scheduling.latest_run(event)
    assert run.status.value == "done" and run.report["placed"] >= 1
    preview = client.get(f"/events/{event.slug}/meetings/preview").get_data(as_text=True)
    assert re.search(r"Publish \d+ draft meetings", preview) and "Table 1" in preview


def test_running_the_demo_twice_changes_nothing(demo):
    def snapshot():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}

    before = snapshot()
    stamps = sorted(map(str, _rows_of_2018_event()))
    result = demo.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    assert sorted(map(str, _rows_of_2018_event())) == stamps
