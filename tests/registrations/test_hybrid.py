"""Hybrid events: in person or online, each with its own places and waiting list."""

import csv
import io

import pytest

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.events.access import active_registration
from dialogue.extensions import db
from dialogue.models import Attendance, AuditEntry, EventFormat, OrganisationKind, Registration, RegistrationState
from dialogue.registrations import door, services
from dialogue.registrations.attendance import switch_attendance

IN, ONLINE = Attendance.IN_PERSON, Attendance.ONLINE


@pytest.fixture
def hybrid(make_event, organiser):
    def make(capacity=1, online_capacity=1, **overrides):
        return make_event(organiser=organiser, format=EventFormat.HYBRID, online_url="https://meet.example.org/x",
                          capacity=capacity, online_capacity=online_capacity, **overrides)
    return make


def register(event, user, attendance):
    registration = services.register(event, user, "supplier", attendance=attendance)
    db.session.commit()
    return registration


def test_each_way_has_its_own_places_and_waiting_list(hybrid, person, organiser, outbox):
    event = hybrid(capacity=1, online_capacity=1)
    a, b, c, d = (person() for _ in range(4))
    assert register(event, a, IN).state == RegistrationState.CONFIRMED
    assert register(event, b, ONLINE).state == RegistrationState.CONFIRMED  # the room is full, online is not
    online = db.session.scalar(db.select(Registration).where(Registration.user_id == b.id))
    waiting_in, waiting_online = register(event, c, IN), register(event, d, ONLINE)
    assert waiting_in.state == waiting_online.state == RegistrationState.WAITLISTED
    assert "number 1" in outbox("registration.waitlisted", to=d.email)[-1].body_text  # first on the online list
    # A freed online place goes to the first person waiting online, not to the one waiting in person before them.
    promoted = services.cancel_registration(online, b)
    db.session.commit()
    assert [r.user_id for r in promoted] == [d.id]
    assert waiting_in.state == RegistrationState.WAITLISTED
    assert outbox("registration.promoted", to=d.email)


def test_registration_asks_the_way_and_says_which_list(client, auth, hybrid, person):
    event = hybrid(capacity=0, online_capacity=None)
    user = person()
    auth.login(user)
    page = client.get(f"/events/{event.slug}/register?role=supplier").get_data(as_text=True)
    assert "In person" in page and "Online" in page
    refused = client.post(f"/events/{event.slug}/register", data={"role": "supplier"})
    assert refused.status_code == 400 and "Choose in person or online." in refused.get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/register", data={"role": "supplier", "attendance": "in_person"},
                           follow_redirects=True)
    assert "The in person places are taken: you are on the waiting list" in response.get_data(as_text=True)
    registration = active_registration(event, user)
    assert registration.attendance == IN and registration.state == RegistrationState.WAITLISTED


def test_registration_at_other_events_asks_nothing(client, auth, make_event, organiser, person):
    event = make_event(organiser=organiser)
    user = person()
    auth.login(user)
    page = client.get(f"/events/{event.slug}/register?role=supplier").get_data(as_text=True)
    assert 'name="attendance"' not in page
    client.post(f"/events/{event.slug}/register", data={"role": "supplier", "attendance": "online"})
    registration = active_registration(event, user)
    assert registration.state == RegistrationState.CONFIRMED and registration.attendance is None


def test_switching_needs_a_place_in_the_other_way(hybrid, person, organiser):
    event = hybrid(capacity=2, online_capacity=1)
    a, b, c = person(), person(), person()
    first, online, waiting = register(event, a, IN), register(event, b, ONLINE), register(event, c, ONLINE)
    assert waiting.state == RegistrationState.WAITLISTED
    with pytest.raises(Conflict, match="No online place is left. You keep your in person place."):
        switch_attendance(first, ONLINE, a)
    db.session.rollback()
    assert first.attendance == IN and first.state == RegistrationState.CONFIRMED
    # The one waiting online moves to the in-person list, finds the free place there and takes it.
    promoted = switch_attendance(waiting, IN, c)
    db.session.commit()
    assert [r.id for r in promoted] == [waiting.id] and waiting.attendance == IN
    # The online participant goes in person... no place left in the room now (2 of 2): refused, place kept.
    with pytest.raises(Conflict, match="No in person place is left"):
        switch_attendance(online, IN, b)
    db.session.rollback()
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "registration.attendance"))
    with pytest.raises(DialogueError, match="already take part online"):
        switch_attendance(online, ONLINE, b)
    with pytest.raises(NotAllowed):
        switch_attendance(online, IN, a)


def test_a_confirmed_switch_frees_the_place_for_the_next_in_line(hybrid, person):
    event = hybrid(capacity=1, online_capacity=5)
    a, b = person(), person()
    holder, waiting = register(event, a, IN), register(event, b, IN)
    promoted = switch_attendance(holder, ONLINE, a)
    db.session.commit()
    assert holder.state == RegistrationState.CONFIRMED and holder.attendance == ONLINE
    assert [r.id for r in promoted] == [waiting.id]


def test_switch_page_permissions(client, auth, hybrid, person, make_event, organiser):
    event = hybrid(capacity=5, online_capacity=5)
    user, stranger = person(), person()
    registration = register(event, user, IN)
    url = f"/events/{event.slug}/registration/attendance"
    assert client.post(url, data={"attendance": "online"}).status_code == 302  # anonymous: to sign in
    auth.login(stranger)
    assert client.post(url, data={"attendance": "online"}).status_code == 404  # no registration of theirs
    auth.login(user)
    page = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert "You take part in person." in page and "Switch to online" in page
    response = client.post(url, data={"attendance": "online"}, follow_redirects=True)
    assert "You now take part online." in response.get_data(as_text=True)
    db.session.refresh(registration)
    assert registration.attendance == ONLINE
    plain = make_event(organiser=organiser)
    register(plain, user, None)
    refused = client.post(f"/events/{plain.slug}/registration/attendance", data={"attendance": "online"},
                          follow_redirects=True)
    assert "This event is not hybrid" in refused.get_data(as_text=True)


def test_the_door_refuses_those_online_and_both_get_the_link(client, hybrid, person, organiser):
    event = hybrid(capacity=5, online_capacity=5)
    there, remote = register(event, person(), IN), register(event, person(), ONLINE)
    with pytest.raises(Conflict, match="registered to attend online"):
        door.check_in(event, remote, organiser)
    db.session.rollback()
    assert not door.check_in(event, there, organiser).already
    for registration in (there, remote):
        page = client.get(f"/tickets/{registration.ticket_token}").get_data(as_text=True)
        assert "https://meet.example.org/x" in page
    assert "does not admit at the door" in client.get(f"/tickets/{remote.ticket_token}").get_data(as_text=True)


def test_once_checked_in_a_participant_stays_in_person(hybrid, person, organiser):
    event = hybrid(capacity=5, online_capacity=5)
    there = register(event, person(), IN)
    door.check_in(event, there, organiser)
    db.session.commit()
    for actor in (there.user, organiser):
        with pytest.raises(Conflict, match="checked in at the door"):
            switch_attendance(there, ONLINE, actor)
        db.session.rollback()
    assert db.session.get(Registration, there.id).attendance == IN


def test_organisers_count_and_filter_by_way_and_the_event_page_shows_places(client, auth, hybrid, person,
                                                                            organiser):
    event = hybrid(capacity=3, online_capacity=1)
    register(event, person(name="Alpha Person"), IN)
    register(event, person(name="Beta Person"), ONLINE)
    register(event, person(name="Gamma Person"), ONLINE)  # waits
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Places in person and online" in page
    auth.login(organiser)
    listing = client.get(f"/events/{event.slug}/registrations?attendance=online").get_data(as_text=True)
    assert "Beta Person" in listing and "Gamma Person" in listing and "Alpha Person" not in listing
    assert "In person and online" in listing
    auth.login(person())
    assert client.get(f"/events/{event.slug}/registrations?attendance=online").status_code in (403, 404)


def test_export_and_record_show_the_way(client, auth, hybrid, person, organiser):
    event = hybrid(capacity=3, online_capacity=3)
    register(event, person(kind=OrganisationKind.SUPPLIER, name="Remote Oy"), ONLINE)
    register(event, person(kind=OrganisationKind.SUPPLIER, name="Local Oy"), IN)
    auth.login(organiser)
    form = client.get(f"/events/{event.slug}/export").get_data(as_text=True)
    assert 'value="attendance" checked' in form or "In person or online" in form
    data = client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=organisation&columns=attendance")
    rows = list(csv.reader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Organisation", "In person or online"]
    assert sorted(rows[1:]) == [["Local Oy", "In person"], ["Remote Oy", "Online"]]
    record = client.get(f"/events/{event.slug}/record").get_data(as_text=True)
    assert "In person or online" in record and "Online" in record


def test_online_places_are_set_for_hybrid_events_only(client, auth, hybrid, make_event, organiser, person):
    auth.login(organiser)
    plain = make_event(organiser=organiser)
    refused = client.post(f"/events/{plain.slug}/capacity", data={"capacity": "10", "online_capacity": "5"})
    assert refused.status_code == 400 and "Online places are for hybrid events" in refused.get_data(as_text=True)
    event = hybrid(capacity=1, online_capacity=0)
    waiting = register(event, person(), ONLINE)
    assert waiting.state == RegistrationState.WAITLISTED
    response = client.post(f"/events/{event.slug}/capacity", data={"capacity": "1", "online_capacity": "1"})
    assert response.status_code == 303
    db.session.refresh(waiting)
    assert waiting.state == RegistrationState.CONFIRMED and event.online_capacity == 1
    assert client.post(f"/events/{event.slug}/capacity", data={"online_capacity": "-1"}).status_code == 400
