"""The organisers' page is kept in parts between requests: its forms still carry each session's own CSRF
token, a refused form shows its errors, and every change shows at the next request."""

import re

import pytest

from dialogue.core.forms import ButtonForm, form_fragment
from dialogue.extensions import db
from dialogue.models import (
    Event,
    EventStaff,
    OrganisationKind,
    OutboxMessage,
    ParticipantRole,
    RoleCapacity,
    StaffRole,
)
from tests.conftest import Auth

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def organiser(make_user, make_org):
    return make_user(make_org(name="Kommune Oslo", kind=OrganisationKind.PUBLIC_BUYER), name="Olga Organiser")


def _tokens(html: str) -> set[str]:
    return set(TOKEN.findall(html))


def _sessions(html: str) -> set[str]:
    """Whose tokens the page carries: a token is the session's secret signed with the time."""
    return {token.split(".")[0] for token in TOKEN.findall(html)}


def test_each_session_gets_its_own_token_in_the_kept_forms_and_the_forms_post(app, client, auth, organiser,
                                                                              make_user, make_event):
    event = make_event(organiser=organiser)
    colleague = make_user(organiser.organisation, name="Carl Colleague")
    db.session.add(EventStaff(event_id=event.id, user=colleague, role=StaffRole.ORGANISER))
    db.session.commit()
    other = app.test_client()
    auth.login(organiser)
    Auth(other).login(colleague)
    app.config["WTF_CSRF_ENABLED"] = True
    path = f"/events/{event.slug}/manage"

    first, again = client.get(path).get_data(as_text=True), client.get(path).get_data(as_text=True)
    theirs = other.get(path).get_data(as_text=True)
    assert len(_tokens(first)) == len(_tokens(again)) == 1  # one token in every form
    assert _sessions(first) == _sessions(again)
    assert first.count('name="csrf_token"') >= 6  # status, places, co-hosts, staff, removals, sign-out
    assert len(_sessions(theirs)) == 1 and _sessions(theirs) != _sessions(first)
    assert "csrf-" not in first and "csrf-" not in theirs  # no placeholder left behind

    (mine,), (their_token,) = _tokens(again), _tokens(theirs)
    post = f"/events/{event.slug}/capacity"
    from_page = {"Referer": f"https://localhost{path}"}  # the site runs on HTTPS, where the origin is checked too
    refused = client.post(post, data={"csrf_token": their_token, "capacity": "12"}, headers=from_page)
    assert refused.status_code == 400 and "form expired" in refused.get_data(as_text=True)
    saved = client.post(post, data={"csrf_token": mine, "capacity": "12"}, headers=from_page)
    assert saved.status_code == 303, saved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 12
    assert 'value="12"' in client.get(path).get_data(as_text=True)


def test_a_refused_form_shows_its_errors_once_and_the_kept_page_stays_clean(client, auth, organiser, make_event):
    event = make_event(organiser=organiser)
    auth.login(organiser)
    path = f"/events/{event.slug}/manage"
    client.get(path)  # the parts are kept

    for endpoint, data, error in (("capacity", {"capacity": "-1"}, "Enter zero or more places."),
                                  ("staff", {"email": "nobody@example.org", "role": "organiser"},
                                   "No one with this email address has an account."),
                                  ("cohosts", {"organisation": "999999"}, "Not a valid choice"),
                                  ("status", {"action": "cancel", "reason": "x" * 2001}, "longer than 2000")):
        response = client.post(f"/events/{event.slug}/{endpoint}", data=data)
        assert response.status_code == 400, endpoint
        assert error in response.get_data(as_text=True), endpoint
        page = client.get(path).get_data(as_text=True)
        assert error not in page, endpoint


def test_the_counts_staff_hosts_places_and_status_follow_changes_at_once(client, auth, organiser, make_user,
                                                                         make_org, make_event, make_registration):
    event = make_event(organiser=organiser)
    auth.login(organiser)
    path = f"/events/{event.slug}/manage"

    def page() -> str:
        return client.get(path).get_data(as_text=True)

    def counts() -> str:
        html = page()
        return html[html.index('id="people-title"'):html.index('class="link-list"')]

    def row(html: str, role: str) -> list[str]:
        cells = re.search(rf'<th scope="row">{role}</th>(.*?)</tr>', html).group(1)
        return re.findall(r"<td>(\d+)</td>", cells)

    assert row(counts(), "Suppliers") == ["0", "0", "0", "0"]
    registration = make_registration(event)
    assert row(counts(), "Suppliers") == ["1", "0", "0", "0"]
    from dialogue.models import RegistrationState, utcnow
    from dialogue.registrations.door import check_in

    check_in(event, registration, organiser)
    db.session.commit()
    assert row(counts(), "Suppliers") == ["1", "1", "0", "0"]
    registration.checked_in_at = None  # undone by hand, through the ORM
    db.session.commit()
    assert row(counts(), "Suppliers") == ["1", "0", "0", "0"]
    registration.checked_in_at = utcnow()
    db.session.commit()
    assert row(counts(), "Suppliers") == ["1", "1", "0", "0"]
    registration.state = RegistrationState.WAITLISTED
    db.session.commit()
    assert row(counts(), "Suppliers") == ["0", "0", "1", "0"]

    door = make_user(organiser.organisation, name="Dora Door", email="dora@oslo.example.org")
    assert "Dora Door" not in page()
    db.session.add(EventStaff(event_id=event.id, user=door, role=StaffRole.CHECKIN))
    db.session.commit()
    assert "Dora Door" in page() and "dora@oslo.example.org" in page()
    door.email = "dora.door@oslo.example.org"
    db.session.commit()
    assert "dora.door@oslo.example.org" in page()

    def choices() -> str:
        html = page()
        return html[html.index('id="cohosts-title"'):html.index('id="staff-title"')]

    network = make_org(name="Circular Network", kind=OrganisationKind.SUPPLIER)
    assert "Circular Network" not in choices()
    network.kind = OrganisationKind.NETWORK
    db.session.commit()
    assert "Circular Network" in choices()
    network.name = "Circular Cities Network"
    db.session.commit()
    assert "Circular Cities Network" in choices()

    db.session.add(RoleCapacity(event_id=event.id, role=ParticipantRole.SUPPLIER.value, capacity=17))
    db.session.commit()
    assert re.search(r'name="cap_supplier"[^>]*value="17"', page())

    assert "Close registration" in page()
    client.post(f"/events/{event.slug}/status", data={"action": "close_registration"})
    assert "Reopen registration" in page() and "Close registration" not in page()

    assert "(waiting: 1)" not in page()
    db.session.add(OutboxMessage(recipients=["a@example.org"], subject="Hello", body_text="Hello",
                                 message_id="<manage-page@dialogue.test>", event_id=event.id))
    db.session.commit()
    assert "Mail of this event</a> (waiting: 1)" in page()


def test_a_kept_form_fragment_refuses_a_form_made_outside_its_build(app, client, auth, organiser):
    """A form made before the fragment is built holds the session's real token, which must not be kept."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context(), app.test_request_context("/"):
        outside = ButtonForm()
        with pytest.raises(RuntimeError):
            form_fragment("test/outside", [("test",)], lambda: str(outside.hidden_tag()))
        inside = form_fragment("test/inside", [("test",)], lambda: str(ButtonForm().hidden_tag()))
        assert _tokens(inside) == {outside.csrf_token.current_token}  # this request's token
    with app.app_context(), app.test_request_context("/"):  # another session: the kept HTML, with its own token
        again = form_fragment("test/inside", [("test",)], lambda: pytest.fail("built twice"))
        assert len(_sessions(again)) == 1 and _sessions(again) != _sessions(inside)
