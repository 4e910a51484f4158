"""The organisers' page of an event: what it shows, read in a fixed number of statements."""

import contextlib
import datetime as dt

from sqlalchemy import event as sa_event

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    EventCoHost,
    EventStaff,
    OrganisationKind,
    ParticipantRole,
    SessionKind,
    SessionSpeaker,
    StaffRole,
)


@contextlib.contextmanager
def counted(app):
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *_args: statements.append(1)  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


def _fill(event, make_user, make_org, make_registration, *, sessions: int, people: int) -> None:
    host = event.cohosts[0].organisation
    speakers = [make_user(make_org(name=f"Speaker org {i}"), name=f"Speaker {i}") for i in range(3)]
    for i in range(sessions):
        start = event.starts_at + dt.timedelta(minutes=5 * i)
        session = AgendaSession(event=event, title=f"Session {i}", kind=SessionKind.PANEL, starts_at=start,
                                ends_at=start + dt.timedelta(minutes=5))
        db.session.add(session)
        for speaker in speakers[: i % 4]:
            session.speakers.append(SessionSpeaker(user=speaker))
    for i in range(people):
        make_registration(event, role=list(ParticipantRole)[i % 5])
        db.session.add(EventStaff(event_id=event.id, user=make_user(host), role=StaffRole.CHECKIN))
    db.session.commit()


def test_manage_page_issues_the_same_statements_for_a_small_and_a_large_event(app, client, auth, make_user,
                                                                              make_org, make_event,
                                                                              make_registration):
    organiser = make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER))
    small, large = make_event(organiser=organiser), make_event(organiser=organiser)
    _fill(small, make_user, make_org, make_registration, sessions=1, people=1)
    _fill(large, make_user, make_org, make_registration, sessions=40, people=25)
    for n in range(3):
        db.session.add(EventCoHost(event_id=large.id, organisation=make_org(name=f"Co-host {n}",
                                                                            kind=OrganisationKind.PUBLIC_BUYER)))
    db.session.commit()
    auth.login(organiser)
    counts, kept = [], []
    for event in (small, large):
        client.get(f"/events/{event.slug}/manage")  # warm up: the user, caches
        cache.clear()  # every part built afresh, as after a change
        with counted(app) as statements:
            response = client.get(f"/events/{event.slug}/manage")
        assert response.status_code == 200
        counts.append(len(statements))
        with counted(app) as statements:
            assert client.get(f"/events/{event.slug}/manage").status_code == 200
        kept.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
    assert kept[0] == kept[1] <= 4, kept  # the kept parts read nothing: the person, the event, the mail counts
    assert response.data.count(b"/edit\">Edit<") == 40


def test_manage_page_shows_the_agenda_staff_and_co_hosts(client, auth, make_user, make_org, make_event):
    host = make_org(name="Kommune Oslo", kind=OrganisationKind.PUBLIC_BUYER)
    organiser = make_user(host, name="Olga Organiser")
    other_host = make_org(name="Aalborg Kommune", kind=OrganisationKind.PUBLIC_BUYER)
    make_org(name="Zeta Network", kind=OrganisationKind.NETWORK)
    make_org(name="Phones Ltd", kind=OrganisationKind.SUPPLIER)
    event = make_event(organiser=organiser, cohosts=[host, other_host])
    door = make_user(host, name="Dora Door")
    event.staff.append(EventStaff(user=door, role=StaffRole.CHECKIN))
    start = event.starts_at  # 08:00 UTC is 10:00 or 11:00 in Helsinki
    session = AgendaSession(event=event, title="Buyers present", kind=SessionKind.BUYER_PRESENTATION,
                            starts_at=start, ends_at=start + dt.timedelta(minutes=45), room="Hall B")
    db.session.add(session)
    session.speakers.append(SessionSpeaker(user=door))
    session.speakers.append(SessionSpeaker(user=organiser))
    db.session.commit()
    auth.login(organiser)

    html = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)

    from zoneinfo import ZoneInfo
    local = start.astimezone(ZoneInfo("Europe/Helsinki"))
    ends = (start + dt.timedelta(minutes=45)).astimezone(ZoneInfo("Europe/Helsinki"))
    assert f"{local:%d %b %H:%M}–{ends:%H:%M}" in html
    assert "Buyer presentation" in html and "Hall B" in html
    assert "Dora Door, Olga Organiser" in html  # in the order they were added
    assert f'href="/events/{event.slug}/sessions/{session.id}/edit"' in html
    staff_table = html[html.index('id="staff-title"'):]
    assert staff_table.index("Dora Door") < staff_table.index("Olga Organiser")  # by name
    assert "Kommune Oslo" in staff_table and "Check-in" in staff_table
    cohosts = html[html.index('id="cohosts-title"'):html.index('id="staff-title"')]
    assert cohosts.count("/remove") == 2
    choices = cohosts[cohosts.index("<select"):]
    assert "Zeta Network" in choices
    assert "Aalborg Kommune" not in choices and "Phones Ltd" not in choices


def test_the_agenda_and_links_of_the_manage_page_follow_changes_at_once(client, auth, make_user, make_org,
                                                                        make_event):
    """The agenda table and the features' links are reused between requests: a change to a session, its
    speakers, their names or the event's address shows at the next request, and languages do not mix."""
    host = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    organiser = make_user(host)
    event = make_event(organiser=organiser)
    auth.login(organiser)
    path = f"/events/{event.slug}/manage"
    assert "No sessions yet." in client.get(path).get_data(as_text=True)

    session = AgendaSession(title="Opening of the forum", kind=SessionKind.OTHER, starts_at=event.starts_at,
                            ends_at=event.starts_at + dt.timedelta(hours=1))
    speaker = make_user(make_org(name="Circular Computing"), name="Ada Lovelace")
    # (a change, what the next request shows)
    for change, shown in ((lambda: event.sessions.append(session), "Opening of the forum"),
                          (lambda: session.speakers.append(SessionSpeaker(user=speaker)), "Ada Lovelace"),
                          (lambda: setattr(speaker, "name", "Ada King"), "Ada King")):
        change()
        db.session.commit()
        assert shown in client.get(path).get_data(as_text=True), shown

    event.slug = f"{event.slug}-moved"
    db.session.commit()
    page = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    assert f'href="/events/{event.slug}/sessions/{session.id}/edit"' in page
    assert f'href="/events/{event.slug}/materials/manage"' in page and f"{path}/" not in page

    for locale in ("fi", "en"):  # the account's language
        organiser.locale = locale
        db.session.commit()
        page = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
        assert (">Edit<" in page) == (locale == "en") and (">Muokkaa<" in page) == (locale == "fi")
        assert ("Materials: sessions without slides" in page) == (locale == "en")

    db.session.delete(session)
    db.session.commit()
    page = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    assert "Opening of the forum" not in page and "No sessions yet." in page


def test_who_reaches_the_manage_page_of_a_draft_and_of_a_published_event(client, auth, make_user, make_org,
                                                                         make_event):
    """Organisers and platform admins get the page; check-in staff and strangers are refused, and to them a
    draft does not exist."""
    from dialogue.models import EventStatus

    host = make_org(kind=OrganisationKind.PUBLIC_BUYER)
    organiser, door, stranger = make_user(host), make_user(host), make_user()
    admin = make_user(admin=True)
    for status, refused in ((EventStatus.DRAFT, 404), (EventStatus.PUBLISHED, 403)):
        event = make_event(organiser=organiser, status=status)
        db.session.add(EventStaff(event_id=event.id, user=door, role=StaffRole.CHECKIN))
        db.session.commit()
        for person, expected in ((organiser, 200), (admin, 200), (door, refused), (stranger, refused)):
            auth.login(person)
            assert client.get(f"/events/{event.slug}/manage").status_code == expected, (status, person.name)
        assert client.get("/events/no-such-event/manage").status_code == 404
        auth.logout()
