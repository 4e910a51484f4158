"""The organisers' list keeps its counts and its page of rows between requests: every change the list shows
appears at once, each language and each set of filters has its own, and the form around the rows stays each
person's own (its CSRF token, the rows they ticked)."""

import re
from zoneinfo import ZoneInfo

import pytest

from dialogue.extensions import db
from dialogue.gdpr.services import erase_account
from dialogue.models import Attendance, EventFormat, EventStaff, ParticipantRole, RegistrationState, StaffRole, utcnow
from dialogue.registrations import door, services
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def listed(client, auth, make_event, make_registration, organiser):
    """A hybrid event with one registration in person, its list already seen (the fragments built once)."""
    event = make_event(organiser=organiser, format=EventFormat.HYBRID, capacity=5, online_capacity=3)
    registration = make_registration(event, attendance=Attendance.IN_PERSON)
    auth.login(organiser)

    def page(query: str = "") -> str:
        response = client.get(f"/events/{event.slug}/registrations{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    page()
    return event, registration, page


def row_of(html: str, registration) -> str:
    start = html.index(f'id="reg-{registration.id}"')
    return html[start:html.index("</tr>", start)]


def places(html: str, way: str) -> list[str]:
    """The counts of one way of taking part: confirmed, waiting, to approve, places left."""
    row = re.search(rf'>{way}</a></th>(.*?)</tr>', html, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def _registered_at(event, registration) -> str:
    return f"{registration.created_at.astimezone(ZoneInfo(event.timezone)):%Y-%m-%d %H:%M}"


def _check_in(event, registration, _make):
    door.check_in(event, registration, registration.user)
    at = f"{registration.checked_in_at.astimezone(ZoneInfo(event.timezone)):%Y-%m-%d %H:%M}"
    return lambda html: re.findall(r"<td>(.*?)</td>", row_of(html, registration))[-2] == at


def _consent(_event, registration, _make):
    services.set_list_consent(registration, True)
    return lambda html: row_of(html, registration).rstrip().endswith("<td>yes</td>")


def _rename(_event, registration, _make):
    registration.user.name = "Renamed Person"
    return lambda html: "Renamed Person" in row_of(html, registration)


def _new_email(_event, registration, _make):
    registration.user.email = "new.address@example.org"
    return lambda html: "new.address@example.org" in row_of(html, registration)


def _rename_organisation(_event, registration, _make):
    registration.organisation.name = "Renamed Devices Oy"
    return lambda html: "Renamed Devices Oy" in row_of(html, registration)


def _exception(_event, registration, _make):
    registration.role_exception_at = utcnow()
    registration.role_exception_reason = "Buys for a hospital district"
    return lambda html: "Buys for a hospital district" in row_of(html, registration)


def _flag(_event, registration, _make):
    registration.role_flagged_at = utcnow()
    return lambda html: "1 registration has a role that does not fit" in html and "Role to review" in html


def _erase(_event, registration, _make):
    erase_account(registration.user, TEST_PASSWORD)
    return lambda html: "(erased account)" in row_of(html, registration)


def _time_zone(event, registration, _make):
    event.timezone = "America/New_York"
    return lambda html: _registered_at(event, registration) in row_of(html, registration)


def _cancel(_event, registration, _make):
    registration.state = RegistrationState.CANCELLED
    return lambda html: places(html, "In person") == ["0", "0", "0", "5"] and "cancelled" in row_of(html, registration)


def _online_places(event, _registration, _make):
    event.online_capacity = 1
    return lambda html: places(html, "Online") == ["0", "0", "0", "1"]


def _another(event, _registration, make):
    late = make(event, state=RegistrationState.PENDING, attendance=Attendance.ONLINE)
    late.user.name = "Late Comer"
    return lambda html: ("2 registrations match." in html and "Late Comer" in row_of(html, late)
                         and places(html, "Online") == ["0", "0", "1", "3"])


@pytest.mark.parametrize("change", [_check_in, _consent, _rename, _new_email, _rename_organisation, _exception,
                                    _flag, _erase, _time_zone, _cancel, _online_places, _another],
                         ids=lambda change: change.__name__.strip("_"))
def test_a_change_shows_in_the_list_at_once(listed, change, make_registration):
    event, registration, page = listed
    before = page()
    shows = change(event, registration, make_registration)
    db.session.commit()
    assert not shows(before)
    assert shows(page())


def test_a_search_by_name_follows_a_rename(listed):
    event, registration, page = listed
    assert "0 registrations match." in page("?q=renamed")
    registration.user.name = "Renamed Person"
    db.session.commit()
    html = page("?q=renamed")
    assert "1 registrations match." in html and "Renamed Person" in html


def test_each_set_of_filters_and_each_language_has_its_own_list(listed, organiser, make_registration):
    event, registration, page = listed
    buyer = make_registration(event, role=ParticipantRole.BUYER, attendance=Attendance.ONLINE)
    html = page()
    assert f'id="reg-{buyer.id}"' in html and f'id="reg-{registration.id}"' in html
    html = page("?role=buyer")
    assert f'id="reg-{buyer.id}"' in html and f'id="reg-{registration.id}"' not in html
    assert "1 registrations match." in html
    html = page("?attendance=online&page=2")
    assert "No registrations match." in html and "1 registrations match." in html
    organiser.locale = "fi"
    db.session.commit()
    assert "Hakua vastaavia ilmoittautumisia: 2." in page()


def test_rows_ticked_in_a_form_sent_back_stay_that_persons(listed, client):
    event, registration, page = listed
    # No decision chosen: the form comes back with the row still ticked and the error next to the field.
    response = client.post(f"/events/{event.slug}/registrations/decide",
                           data={"registration_ids": [str(registration.id)], "action": "nonsense"})
    assert response.status_code == 400
    assert f'id="reg-{registration.id}" checked' in response.get_data(as_text=True)
    assert f'id="reg-{registration.id}" checked' not in page()


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_each_organiser_gets_their_own_csrf_token_with_the_kept_rows(app, listed, organiser, make_user,
                                                                    config_overrides):
    event, registration, page = listed
    other = make_user(organiser.organisation)
    db.session.add(EventStaff(event_id=event.id, user_id=other.id, role=StaffRole.ORGANISER))
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = other.get_id(), True

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    mine = page()
    theirs = client.get(f"/events/{event.slug}/registrations").get_data(as_text=True)
    assert row_of(mine, registration) == row_of(theirs, registration)
    assert token(mine) != token(theirs)
    registration.state = RegistrationState.PENDING
    db.session.commit()
    response = client.post(f"/events/{event.slug}/registrations/decide",
                           data={"csrf_token": token(theirs), "registration_ids": [str(registration.id)],
                                 "action": "approve"},
                           headers={"Referer": f"https://localhost/events/{event.slug}/registrations"})
    assert response.status_code == 303
    assert "confirmed" in row_of(page(), registration)
