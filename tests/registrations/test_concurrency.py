"""Races for places, on PostgreSQL with real concurrent requests (threads, each with its own connection).

The services read the places left and then write; a pause is put between the two so that, without
the lock on the event row, both requests would read the same free place.
"""

import threading
import time

import pytest
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import OutboxMessage, Registration, RegistrationState
from dialogue.registrations import services
from tests.conftest import postgres_only

CONFIRMED, WAITLISTED = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED


@pytest.fixture
def slow_places(monkeypatch):
    """Widen the window between reading the places and writing the decision."""
    real = services.places

    def slow(event):
        state = real(event)
        time.sleep(0.3)
        return state

    monkeypatch.setattr(services, "places", slow)


def at_once(app, requests, follow_redirects=False):
    """Run each (user, method, url, data) as its own HTTP request, all released at the same moment."""
    from tests.conftest import Client

    barrier = threading.Barrier(len(requests))
    results, errors = [None] * len(requests), []

    def run(i, user, method, url, data):
        try:
            client = Client(app, app.response_class, use_cookies=True)
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = user_ids[i], True
            barrier.wait(timeout=10)
            results[i] = client.open(url, method=method, data=data, follow_redirects=follow_redirects)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    user_ids = [user.get_id() for user, *_ in requests]
    threads = [threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    db.session.expire_all()
    return results


def test_two_people_take_the_last_place_one_confirmed_one_waitlisted(app, is_postgres, make_event,
                                                                     make_registration, person, slow_places):
    postgres_only(is_postgres)
    event = make_event(capacity=2)
    make_registration(event)
    first, second = person(), person()
    url = f"/events/{event.slug}/register"
    responses = at_once(app, [(first, "POST", url, {"role": "supplier"}), (second, "POST", url, {"role": "supplier"})])
    assert [r.status_code for r in responses] == [303, 303]
    states = sorted(db.session.scalars(select(Registration.state).where(Registration.user_id.in_([first.id,
                                                                                                  second.id]))))
    assert states == sorted([CONFIRMED, WAITLISTED])
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.state == CONFIRMED)) == 2


def test_the_same_person_registering_twice_at_once_gets_one_registration(app, is_postgres, make_event, person,
                                                                         slow_places):
    postgres_only(is_postgres)
    event = make_event()
    user = person()
    url = f"/events/{event.slug}/register"
    responses = at_once(app, [(user, "POST", url, {"role": "supplier"}), (user, "POST", url, {"role": "supplier"})])
    assert sorted(r.status_code for r in responses) == [303, 409]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_two_freed_places_go_to_two_different_people(app, is_postgres, make_event, make_registration, slow_places):
    postgres_only(is_postgres)
    event = make_event(capacity=2)
    leaving = [make_registration(event), make_registration(event)]
    waiting = [make_registration(event, state=WAITLISTED) for _ in range(3)]
    url = f"/events/{event.slug}/registration/cancel"
    responses = at_once(app, [(r.user, "POST", url, {}) for r in leaving])
    assert [r.status_code for r in responses] == [303, 303]
    assert [db.session.get(Registration, r.id).state for r in waiting] == [CONFIRMED, CONFIRMED, WAITLISTED]
    promoted = db.session.scalars(select(OutboxMessage).where(OutboxMessage.category == "registration.promoted"))
    assert sorted(m.recipients[0] for m in promoted) == sorted(r.user.email for r in waiting[:2])


def test_two_doors_scan_the_same_ticket_at_once(app, is_postgres, make_event, make_registration, organiser,
                                                make_user):
    postgres_only(is_postgres)
    from dialogue.models import EventStaff, StaffRole

    event = make_event(organiser=organiser)
    other_door = make_user(organiser.organisation)
    db.session.add(EventStaff(event=event, user=other_door, role=StaffRole.CHECKIN))
    guest = make_registration(event)
    db.session.commit()
    url = f"/events/{event.slug}/check-in/scan"
    responses = at_once(app, [(organiser, "POST", url, {"code": guest.ticket_token}),
                              (other_door, "POST", url, {"code": guest.ticket_token})], follow_redirects=True)
    pages = sorted(r.get_data(as_text=True) for r in responses)
    assert sum("is checked in." in page for page in pages) == 1
    assert sum("already checked in at" in page for page in pages) == 1
    checked = db.session.get(Registration, guest.id)
    assert checked.checked_in_at is not None and checked.checked_in_by_id in (organiser.id, other_door.id)
