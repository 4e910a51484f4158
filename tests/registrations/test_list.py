"""The organisers' list of registrations: what each row says, its pages, and a fixed number of statements."""

from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event

from dialogue.extensions import db
from dialogue.models import Attendance, EventFormat, ParticipantRole, RegistrationState, utcnow
from dialogue.registrations.organiser_routes import PAGE_SIZE
from tests.conftest import keep_signed_in


def statements(app, client, url: str) -> int:
    keep_signed_in(client)  # the person is read once and kept: counted here are the page's own statements
    counted = []
    with app.app_context():
        engine = db.engine
    listener = lambda *_args: counted.append(1)  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    return len(counted)


def test_the_list_issues_the_same_statements_for_a_small_and_a_large_event(app, client, auth, make_event,
                                                                         make_registration, organiser):
    from dialogue.core import cache

    small = make_event(organiser=organiser, format=EventFormat.HYBRID)  # hybrid: counts per way of taking part too
    large = make_event(organiser=organiser)
    make_registration(small, attendance=Attendance.ONLINE)
    for i in range(PAGE_SIZE + 5):
        make_registration(large, role=list(ParticipantRole)[i % 5])
    auth.login(organiser)
    client.get(f"/events/{small.slug}/registrations")  # warm up: the user
    built, kept = [], []
    for url in (f"/events/{small.slug}/registrations", f"/events/{large.slug}/registrations",
                f"/events/{large.slug}/registrations?page=2&role=supplier&q=person"):
        with app.app_context():
            cache.clear()
        built.append(statements(app, client, url))
        kept.append(statements(app, client, url))  # the counts and the rows come from the fragments
    assert built[0] == built[1] == built[2] == kept[2] <= 3, (built, kept)  # a search by name is never kept
    assert kept[0] == kept[1] == 1, kept  # the event, with the person's role on it
    first = client.get(f"/events/{large.slug}/registrations").get_data(as_text=True)
    second = client.get(f"/events/{large.slug}/registrations?page=2").get_data(as_text=True)
    assert f"{PAGE_SIZE + 5} registrations match." in first
    assert first.count('name="registration_ids"') == PAGE_SIZE and second.count('name="registration_ids"') == 5
    assert 'rel="next"' in first and 'rel="next"' not in second


def test_each_row_shows_the_person_role_state_times_and_consent(client, auth, make_event, make_registration,
                                                                organiser):
    event = make_event(organiser=organiser)
    here = make_registration(event)
    here.checked_in_at = utcnow().replace(microsecond=0)
    here.list_consent_at = utcnow()
    here.user.name = "Pekka Puhelin"
    gone = make_registration(event, role=ParticipantRole.RESELLER, state=RegistrationState.WAITLISTED)
    gone.user_id = None
    exception = make_registration(event, role=ParticipantRole.BUYER, role_exception_at=utcnow(),
                                  role_exception_reason="Buys for a hospital district")
    db.session.commit()
    auth.login(organiser)

    html = client.get(f"/events/{event.slug}/registrations").get_data(as_text=True)

    row = html[html.index(f'id="reg-{here.id}"'):html.index("</tr>", html.index(f'id="reg-{here.id}"'))]
    assert "Choose Pekka Puhelin" in row
    assert f'href="/events/{event.slug}/registrations/{here.id}"' in row
    assert here.user.email in row and here.organisation.name in row
    local = here.checked_in_at.astimezone(ZoneInfo(event.timezone))
    assert f"{local:%Y-%m-%d %H:%M}" in row
    assert row.rstrip().endswith("<td>yes</td>")
    row = html[html.index(f'id="reg-{gone.id}"'):html.index("</tr>", html.index(f'id="reg-{gone.id}"'))]
    assert "(erased account)" in row and f"Choose {gone.id}" in row
    assert "reseller" in row.lower() and "on the waiting list" in row
    assert "Buys for a hospital district" in html[html.index(f'id="reg-{exception.id}"'):]
