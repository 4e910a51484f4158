import re

import pytest

from dialogue.core.errors import Conflict, DialogueError, NotFound
from dialogue.extensions import db
from dialogue.models import EventStaff, OrganisationKind, ParticipantRole, RegistrationState, StaffRole
from dialogue.registrations import door


@pytest.fixture
def door_staff(make_user, organiser):
    def make(event):
        user = make_user(organiser.organisation, name="Door Keeper")
        db.session.add(EventStaff(event=event, user=user, role=StaffRole.CHECKIN))
        db.session.commit()
        return user

    return make


def test_qr_code_carries_the_check_in_address_with_the_ticket_token(make_event, make_registration):
    registration = make_registration(make_event())
    payload = door.qr_payload(registration)
    assert payload == f"http://dialogue.test/events/{registration.event.slug}/check-in/t/{registration.ticket_token}"
    assert door.token_from(payload) == registration.ticket_token
    assert door.token_from(registration.ticket_token.upper()) == registration.ticket_token
    assert door.token_from("hello") is None
    svg = str(door.qr_svg(registration))
    assert svg.startswith("<svg") and "<script" not in svg
    assert door.qr_png(registration).startswith(b"\x89PNG")
    assert len(registration.ticket_token) == 32 and registration.ticket_token != make_registration(
        registration.event).ticket_token


def test_check_in_counts_once_and_reports_the_second_scan(make_event, make_registration, organiser):
    event = make_event(organiser=organiser)
    registration = make_registration(event, role=ParticipantRole.RESELLER)
    found = door.find_ticket(event, door.qr_payload(registration))
    first = door.check_in(event, found, organiser)
    db.session.commit()
    assert not first.already and "is checked in" in first.message()
    second = door.check_in(event, door.find_ticket(event, registration.ticket_token), organiser)
    db.session.commit()
    assert second.already and second.checked_in_at == first.checked_in_at
    assert "already checked in at" in second.message() and "Not counted again" in second.message()
    counts = door.door_counts(event)
    assert counts["checked_in"] == 1 and counts["roles"]["reseller"] == {"confirmed": 1, "checked_in": 1}
    door.undo_check_in(event, registration)
    db.session.commit()
    assert door.door_counts(event)["checked_in"] == 0
    with pytest.raises(Conflict, match="not checked in"):
        door.undo_check_in(event, registration)


def test_forged_foreign_and_unconfirmed_tickets_are_refused(make_event, make_registration, organiser):
    event, other = make_event(organiser=organiser), make_event()
    for code in ("", "0" * 32, "not a code", make_registration(other).ticket_token):
        with pytest.raises(NotFound, match="No ticket of this event"):
            door.find_ticket(event, code)
    waiting = make_registration(event, state=RegistrationState.WAITLISTED)
    with pytest.raises(Conflict, match="not valid for entry"):
        door.check_in(event, waiting, organiser)
    assert waiting.checked_in_at is None


def test_search_by_name_email_or_organisation(make_event, make_registration, make_user, make_org):
    event = make_event()
    sam = make_registration(event, make_user(make_org(name="Circular Computing"), name="Sam Taylor"))
    make_registration(event, make_user(make_org(name="HP Inc."), name="Lotte Bakker"))
    make_registration(make_event(), make_user(make_org(name="Circular Again"), name="Sam Other"))
    assert door.search(event, "circular") == [sam]
    assert door.search(event, "SAM") == [sam]
    assert door.search(event, "100%") == []
    with pytest.raises(DialogueError, match="at least two letters"):
        door.search(event, "s")


def test_the_door_through_the_web(client, auth, make_event, make_registration, organiser, door_staff, make_user,
                                  make_org):
    event = make_event(organiser=organiser)
    keeper = door_staff(event)
    guest = make_registration(event, make_user(make_org(kind=OrganisationKind.SUPPLIER, name="Dell Technologies"),
                                               name="Pat Murphy"))
    make_registration(event, role=ParticipantRole.BUYER)
    auth.login(keeper)
    page = client.get(f"/events/{event.slug}/check-in").get_data(as_text=True)
    assert 'data-count="total">0</span> / 2' in page

    # The phone camera opens the QR address: the staff see who it is.
    response = client.get(f"/events/{event.slug}/check-in/t/{guest.ticket_token}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pat Murphy" in page and "Check in Pat Murphy" in page

    # A scanner types the whole address into the code field.
    response = client.post(f"/events/{event.slug}/check-in/scan", data={"code": door.qr_payload(guest)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pat Murphy is checked in." in page and "Undo check-in" in page
    response = client.post(f"/events/{event.slug}/check-in/scan", data={"code": guest.ticket_token},
                           follow_redirects=True)
    assert "already checked in at" in response.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/check-in/counts").get_json()["checked_in"] == 1

    response = client.post(f"/events/{event.slug}/check-in/scan", data={"code": "f" * 32})
    assert response.status_code == 404
    assert "No ticket of this event" in response.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/check-in/t/{'e' * 32}").status_code == 404

    page = client.get(f"/events/{event.slug}/check-in?q=dell").get_data(as_text=True)
    assert "Pat Murphy" in page and "1 found" in page
    assert client.post(f"/events/{event.slug}/check-in/{guest.id}/undo").status_code == 303
    assert client.get(f"/events/{event.slug}/check-in/counts").get_json()["checked_in"] == 0
    assert client.post(f"/events/{event.slug}/check-in/{guest.id}").status_code == 303
    db.session.expire_all()
    assert guest.checked_in_at is not None and guest.checked_in_by_id == keeper.id

    # Check-in staff run the door only.
    assert client.get(f"/events/{event.slug}/manage").status_code == 403
    assert client.get(f"/events/{event.slug}/export").status_code == 403
    badges = client.get(f"/events/{event.slug}/badges").get_data(as_text=True)
    assert badges.count('class="badge"') == 2


def test_check_in_by_someone_without_the_role_changes_nothing(client, auth, make_event, make_registration):
    event = make_event()
    guest = make_registration(event)
    auth.login(guest.user)
    response = client.post(f"/events/{event.slug}/check-in/scan", data={"code": guest.ticket_token})
    assert response.status_code == 403
    assert "Only the organisers and check-in staff" in response.get_data(as_text=True)
    db.session.expire_all()
    assert guest.checked_in_at is None
    assert re.search(r"check-in", client.get(f"/tickets/{guest.ticket_token}").get_data(as_text=True)) is None
