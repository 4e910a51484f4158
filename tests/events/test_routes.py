import datetime as dt
import re

import pytest
from icalendar import Calendar
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventStatus,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    RegistrationState,
    SessionKind,
    SessionSpeaker,
    StaffRole,
    utcnow,
)
from dialogue.outbox.services import enqueue_mail


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error shown at {field}"
    return match.group(1)


def local(event_start: dt.datetime, days: int = 0, hours: int = 0) -> str:
    """A wall-clock time in Helsinki, as the browser's datetime-local input sends it."""
    from zoneinfo import ZoneInfo

    return (event_start.astimezone(ZoneInfo("Europe/Helsinki")) + dt.timedelta(days=days, hours=hours)) \
        .strftime("%Y-%m-%dT%H:%M")


FORM = {"title": "Nordic Forum for Market Dialogue", "summary": "Fair and circular smartphones",
        "description": "We buy **6,000** phones.", "format": "hybrid", "venue": "Helsinki City Hall",
        "address": "Pohjoisesplanadi 11", "online_url": "https://meet.example.org/forum",
        "timezone": "Europe/Helsinki", "languages": ["en", "fi"], "contact_email": "procurement@hel.example.org"}


def event_form(**changes):
    day = (utcnow() + dt.timedelta(days=30)).date().isoformat()
    data = {**FORM, "starts_at": f"{day}T07:00", "ends_at": f"{day}T15:00"}
    data.update(changes)
    return data


def test_a_co_host_creates_plans_and_publishes_an_event_through_the_web(client, auth, buyer_admin, make_org,
                                                                     make_user):
    malmo = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Malmö")
    speaker = make_user(make_org(kind=OrganisationKind.MANUFACTURER, name="Circular Computing"), name="Sam Taylor")
    auth.login(buyer_admin)
    assert "Create an event" in client.get("/").get_data(as_text=True)
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=event_form(cohosts=[str(malmo.id)]))
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert response.headers["Location"].endswith(f"/events/{event.slug}/manage")
    assert event.status == EventStatus.DRAFT and event.starts_at.hour in (4, 5)  # 07:00 in Helsinki
    assert {c.organisation.name for c in event.cohosts} == {"City of Helsinki", "City of Malmö"}

    # A draft does not exist for anyone else.
    auth.logout()
    assert client.get(f"/events/{event.slug}").status_code == 404
    auth.login(buyer_admin)

    session_start = event.starts_at + dt.timedelta(hours=1)
    response = client.post(f"/events/{event.slug}/sessions/new", data={
        "title": "Supplier pitches", "kind": "supplier_pitch", "starts_at": local(session_start),
        "ends_at": local(session_start, hours=1), "room": "Council Chamber", "speakers": speaker.email,
        "description": "Ten minutes each"})
    assert response.status_code == 303
    response = client.post(f"/events/{event.slug}/capacity", data={"capacity": "50", "cap_supplier": "20"})
    assert response.status_code == 303
    response = client.post(f"/events/{event.slug}/status", data={"action": "publish"})
    assert response.status_code == 303
    db.session.expire_all()
    assert event.status == EventStatus.PUBLISHED and event.capacity == 50

    auth.logout()
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Nordic Forum for Market Dialogue" in html and "<strong>6,000</strong>" in html
    assert "City of Malmö" in html and "City of Helsinki" in html
    assert "Times are in Europe/Helsinki" in html and ">08:00</time>–<time" in html
    assert "Sam Taylor (Circular Computing)" in html and "Supplier pitch" in html
    assert "meet.example.org" not in html  # the online link is for registered participants only
    assert "Sign in to register" in html
    assert f"/events/{event.slug}/calendar.ics" in html


def test_event_form_bad_input_is_shown_at_the_field_and_nothing_is_written(client, auth, buyer_admin):
    auth.login(buyer_admin)
    response = client.post("/events/new", data=event_form(ends_at=event_form()["starts_at"]))
    assert response.status_code == 400
    assert "must end after it starts" in field_error(response.get_data(as_text=True), "ends_at")
    response = client.post("/events/new", data=event_form(starts_at="tomorrow-ish"))
    assert response.status_code == 400
    field_error(response.get_data(as_text=True), "starts_at")
    response = client.post("/events/new", data=event_form(slug="new"))
    assert "reserved" in field_error(response.get_data(as_text=True), "slug")
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_publishing_without_a_venue_is_refused_with_a_reason(client, auth, make_user, make_event):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT, venue=None)
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/status", data={"action": "publish"})
    assert response.status_code == 400
    assert "Enter the venue" in response.get_data(as_text=True)
    db.session.expire_all()
    assert event.status == EventStatus.DRAFT


def test_description_markdown_is_sanitised(client, make_event):
    event = make_event(description="Hello <script>alert(1)</script> [click](javascript:alert(2)) "
                                   "<img src=x onerror=alert(3)> **bold**")
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html and 'href="javascript' not in html and "<img" not in html


def test_online_link_only_for_confirmed_participants_and_organisers(client, auth, make_event, make_registration,
                                                                    make_user):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser, format="online", online_url="https://meet.example.org/secret-room")
    confirmed = make_registration(event)
    waiting = make_registration(event, state=RegistrationState.WAITLISTED)
    for user, shown in ((None, False), (make_user(), False), (waiting.user, False), (confirmed.user, True),
                        (organiser, True)):
        auth.logout()
        if user:
            auth.login(user)
        html = client.get(f"/events/{event.slug}").get_data(as_text=True)
        assert ("secret-room" in html) is shown, user
    ics = client.get(f"/events/{event.slug}/calendar.ics").get_data(as_text=True)
    assert "secret-room" not in ics


def test_event_and_session_calendars_parse_with_stable_uids(client, make_event, make_user):
    event = make_event(venue="De Vereeniging", address="Keizer Karelplein 2d", timezone="Europe/Amsterdam",
                       summary="Live market engagement")
    session = AgendaSession(event=event, title="Buyers' plans", kind=SessionKind.BUYER_PRESENTATION,
                            starts_at=event.starts_at, ends_at=event.starts_at + dt.timedelta(hours=1), room="Hall",
                            sequence=2)
    db.session.add(session)
    session.speakers.append(SessionSpeaker(user=make_user(name="Joost de Vries")))
    db.session.commit()

    first = client.get(f"/events/{event.slug}/calendar.ics")
    assert first.status_code == 200 and first.content_type.startswith("text/calendar")
    cal = Calendar.from_ical(first.data)
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event.id}@dialogue.test"
    assert "dtstamp" in vevent and str(vevent["url"]) == f"http://dialogue.test/events/{event.slug}"
    assert str(vevent["location"]) == "De Vereeniging, Keizer Karelplein 2d"
    assert "Live market engagement" in str(vevent["description"])
    assert vevent.decoded("dtstart").astimezone(dt.timezone.utc) == event.starts_at
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    again = Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data)
    assert str(again.walk("VEVENT")[0]["uid"]) == str(vevent["uid"])

    response = client.get(f"/events/{event.slug}/sessions/{session.id}/calendar.ics")
    [svevent] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(svevent["uid"]) == f"session-{session.id}@dialogue.test"
    assert int(svevent["sequence"]) == 2 and "Hall, De Vereeniging" in str(svevent["location"])
    assert "Joost de Vries" in str(svevent["description"])
    assert client.get(f"/events/{event.slug}/sessions/999/calendar.ics").status_code == 404


def test_home_page_lists_published_events(client, make_event):
    make_event(title="Nordic Forum", venue="City Hall")
    make_event(title="Secret draft", status=EventStatus.DRAFT)
    make_event(title="Make ICT Fair", starts_at=dt.datetime(2018, 10, 3, 7, 30, tzinfo=dt.timezone.utc),
               ends_at=dt.datetime(2018, 10, 3, 11, tzinfo=dt.timezone.utc), status=EventStatus.FINISHED,
               timezone="Europe/Amsterdam")
    html = client.get("/").get_data(as_text=True)
    upcoming, past = html.split('id="past-title"')
    assert "Nordic Forum" in upcoming and "Make ICT Fair" in past
    assert "Wed 03 Oct 2018, 09:30 – 13:00 (Europe/Amsterdam)" in past
    assert "Secret draft" not in html


def test_event_mail_page_shows_this_events_mail_only(client, auth, make_user, make_event, make_registration):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    other = make_event()
    ours = enqueue_mail(["a@example.org"], "About our event", "password_changed", user={"name": "A"},
                        reset_link="x")
    ours.event_id = event.id
    theirs = enqueue_mail(["b@example.org"], "About another event", "password_changed", user={"name": "B"},
                          reset_link="x")
    theirs.event_id = other.id
    db.session.commit()
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/mail").get_data(as_text=True)
    assert "About our event" in html and "About another event" not in html and "queued: 1" in html


def test_manage_page_offers_every_organiser_tool(client, auth, make_user, make_event):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    auth.login(organiser)
    html = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    for path in ("/registrations", "/questions", "/check-in", "/message", "/mail", "/export", "/sessions/new",
                 "/edit"):
        assert f"/events/{event.slug}{path}" in html, path


def test_staff_and_cohost_forms(client, auth, make_user, make_org, make_event):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    colleague = make_user(organiser.organisation, name="Door Keeper")
    stranger = make_user(name="Stranger")
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/staff", data={"email": stranger.email, "role": "checkin"})
    assert response.status_code == 400
    assert "does not belong to a co-host" in field_error(response.get_data(as_text=True), "email")
    response = client.post(f"/events/{event.slug}/staff", data={"email": "nobody@example.org", "role": "checkin"})
    assert response.status_code == 400
    assert "No one with this email address" in field_error(response.get_data(as_text=True), "email")
    response = client.post(f"/events/{event.slug}/staff", data={"email": colleague.email, "role": "checkin"})
    assert response.status_code == 303
    oslo = make_org(kind=OrganisationKind.PUBLIC_BUYER, name="City of Oslo")
    assert client.post(f"/events/{event.slug}/cohosts", data={"organisation": oslo.id}).status_code == 303
    db.session.expire_all()
    assert {s.user.name: s.role for s in event.staff}["Door Keeper"] == StaffRole.CHECKIN
    assert "City of Oslo" in {c.organisation.name for c in event.cohosts}


# --- the event page stays a fixed number of queries ------------------------------------------------

class StatementCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa_event.remove(self.engine, "before_cursor_execute", self)


def _fill(event, make_user, make_org, make_registration, sessions: int, registrations: int):
    speakers = [make_user(make_org(name=f"Speaker org {i}")) for i in range(3)]
    for i in range(sessions):
        start = event.starts_at + dt.timedelta(minutes=5 * i)
        session = AgendaSession(event=event, title=f"Session {i}", kind=SessionKind.PANEL, starts_at=start,
                                ends_at=start + dt.timedelta(minutes=5))
        db.session.add(session)
        for speaker in speakers[: i % 4]:
            session.speakers.append(SessionSpeaker(user=speaker))
        db.session.add(session)
    for i in range(registrations):
        make_registration(event, role=list(ParticipantRole)[i % 5])
    db.session.commit()


@pytest.mark.parametrize("signed_in", ["anonymous", "participant", "organiser"])
def test_event_page_issues_a_constant_number_of_statements(app, client, auth, make_user, make_org, make_event,
                                                           make_registration, signed_in):
    organiser = make_user(role=MemberRole.ADMIN)
    small, large = make_event(organiser=organiser), make_event(organiser=organiser)
    _fill(small, make_user, make_org, make_registration, sessions=1, registrations=1)
    _fill(large, make_user, make_org, make_registration, sessions=40, registrations=30)
    counts = []
    for event in (small, large):
        auth.logout()
        if signed_in == "organiser":
            auth.login(organiser)
        elif signed_in == "participant":
            auth.login(make_registration(event).user)
        client.get(f"/events/{event.slug}")  # warm up: user loading, caches
        with app.app_context():
            engine = db.engine
        with StatementCounter(engine) as counter:
            response = client.get(f"/events/{event.slug}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30, counts  # every feature section on the page included
