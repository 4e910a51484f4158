"""The event page's agenda is rendered once per version of the event and language: a change to a
session, its speakers or their names shows at once, and languages do not mix."""

from __future__ import annotations

import datetime as dt

from dialogue.extensions import db
from dialogue.models import AgendaSession, SessionKind, SessionSpeaker


def test_agenda_changes_show_at_once(client, auth, make_event, make_user, make_org):
    event = make_event()
    session = AgendaSession(event=event, title="Opening of the forum", kind=SessionKind.OTHER,
                            starts_at=event.starts_at, ends_at=event.starts_at + dt.timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    path = f"/events/{event.slug}"
    auth.login(make_user())  # signed in: the page is always built, the agenda comes from the fragment
    assert "Opening of the forum" in client.get(path).get_data(as_text=True)

    session.title = "Opening talks"
    db.session.commit()
    assert "Opening talks" in client.get(path).get_data(as_text=True)

    speaker = make_user(make_org(name="Circular Computing"), name="Ada Lovelace")
    db.session.add(SessionSpeaker(session=session, user=speaker))
    db.session.commit()
    assert "Ada Lovelace (Circular Computing)" in client.get(path).get_data(as_text=True)

    speaker.name = "Ada King"
    speaker.organisation.name = "Circular Computing Oy"
    db.session.commit()
    assert "Ada King (Circular Computing Oy)" in client.get(path).get_data(as_text=True)

    event.venue = "Finlandia Hall"
    event.cohosts[0].organisation.name = "City of Helsinki, procurement"
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Finlandia Hall" in page and "City of Helsinki, procurement" in page

    db.session.delete(session)
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Opening talks" not in page and "The agenda is not published yet." in page


def test_the_agenda_of_one_language_is_not_served_in_another(client, make_event):
    event = make_event()
    path = f"/events/{event.slug}"
    for _round in range(2):
        english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        finnish = client.get(path, headers={"Accept-Language": "fi"}).get_data(as_text=True)
        assert ">Agenda</h2>" in english and ">Ohjelma</h2>" in finnish


def test_the_event_page_issues_the_same_statements_with_the_agenda_built_or_reused(client, make_event):
    """Building the agenda reads the sessions; reusing it does not read them at all."""
    from sqlalchemy import event as sa_event

    event = make_event()
    for i in range(5):
        db.session.add(AgendaSession(event=event, title=f"Session {i}", kind=SessionKind.OTHER,
                                     starts_at=event.starts_at + dt.timedelta(hours=i),
                                     ends_at=event.starts_at + dt.timedelta(hours=i, minutes=30)))
    db.session.commit()
    statements = []

    def record(_conn, _cursor, sql, *_args):
        statements.append(sql)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(f"/events/{event.slug}")
        built = len(statements)
        statements.clear()
        client.get(f"/events/{event.slug}")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) < built
    assert not any("FROM agenda_sessions" in sql for sql in statements)


def test_the_places_in_the_registration_panel_follow_registrations_and_limits(client, auth, make_event, make_user,
                                                                              make_registration):
    """The table of places is a fragment: a new registration, a cancelled one or a changed limit shows at once."""
    import re

    from dialogue.events import services
    from dialogue.models import ParticipantRole, RegistrationState

    event = make_event(capacity=10)
    path = f"/events/{event.slug}"
    auth.login(make_user())

    def supplier_row() -> tuple[str, str]:
        page = client.get(path).get_data(as_text=True)
        row = re.search(r'<th scope="row">Suppliers</th><td>(\d+)</td>\s*<td>([^<]+)</td>', page)
        return row.group(1), row.group(2).strip()

    assert supplier_row() == ("0", "no limit")
    first = make_registration(event, role=ParticipantRole.SUPPLIER)
    make_registration(event, role=ParticipantRole.SUPPLIER)
    db.session.commit()
    assert supplier_row() == ("2", "no limit")

    services.set_capacity(event, 10, {"supplier": 5})
    db.session.commit()
    assert supplier_row() == ("2", "3")

    services.set_capacity(event, 10, {"supplier": 4})  # the limit's row changes, the event's do not
    db.session.commit()
    assert supplier_row() == ("2", "2")

    first.state = RegistrationState.CANCELLED
    db.session.commit()
    assert supplier_row() == ("1", "3")
