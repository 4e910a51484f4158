"""Two answers to one request, or two meetings for one slot, at once: the second is told what happened."""

import threading

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import Conflict
from dialogue.extensions import db
from dialogue.meetings import requests
from dialogue.models import Meeting, MeetingRequest, RequestStatus, User
from tests.conftest import postgres_only


def _request(w, supplier=None):
    req = requests.create_request(w.event, supplier or w.s1, buyer_org_id=w.buyer_org.id, intent_id=None,
                                  topic="Refurbished phones", agenda="", preferred_slot_ids=[])
    db.session.commit()
    return req


def _meetings() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def test_the_second_acceptance_names_who_accepted_and_when(world):
    w = world
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    for buyer, slot in ((w.b2, w.slots[1]), (w.b1, w.slots[0])):  # a colleague, and the same buyer again
        with pytest.raises(Conflict, match=r"already accepted by Erik Lund at .*\(Europe/Helsinki\)"):
            requests.accept_request(req, buyer, slot_id=slot.id)
        db.session.rollback()
    assert _meetings() == 1


def test_a_slot_taken_meanwhile_is_refused_next_to_the_time(world, client, auth):
    """Erik is put into a meeting at 14:00; Eva then accepts another request for 14:00 with him."""
    w = world
    requests.accept_request(_request(w), w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    other = _request(w, supplier=w.s3)
    auth.login(w.b2)
    response = client.post(f"/meetings/requests/{other.id}/accept",
                           data={"slot": str(w.slots[0].id), "buyers": [str(w.b1.id)]})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    error = page[page.index('id="slot-error"'):]
    assert "This slot was just taken by someone else. Choose another time." in error[:300]
    assert db.session.get(MeetingRequest, other.id).status == RequestStatus.PENDING and _meetings() == 1


def test_accepting_a_request_a_colleague_just_accepted_says_so(world, client, auth):
    w = world
    req = _request(w)
    requests.accept_request(req, w.b1, slot_id=w.slots[0].id)
    db.session.commit()
    auth.login(w.b2)
    response = client.post(f"/meetings/requests/{req.id}/accept", data={"slot": str(w.slots[1].id)})
    assert response.status_code == 409
    assert "This request was already accepted by Erik Lund at" in response.get_data(as_text=True)
    assert _meetings() == 1


def test_two_buyers_accepting_at_once(world, app, is_postgres):
    """Real threads on PostgreSQL: one meeting; the other buyer learns who accepted."""
    postgres_only(is_postgres)
    w = world
    req_id = _request(w).id
    attempts = [(w.b1.id, w.slots[0].id), (w.b2.id, w.slots[1].id)]
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def accept(i, buyer_id, slot_id):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                requests.accept_request(db.session.get(MeetingRequest, req_id), db.session.get(User, buyer_id),
                                        slot_id=slot_id)
                db.session.commit()
                outcomes[i] = "accepted"
            except Conflict as exc:
                db.session.rollback()
                outcomes[i] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(i, *a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str).count("accepted") == 1, outcomes
    [refusal] = [o for o in outcomes if o != "accepted"]
    winner = "Erik Lund" if outcomes[0] == "accepted" else "Eva Berg"
    assert refusal.startswith(f"This request was already accepted by {winner} at "), refusal
    db.session.expire_all()
    assert _meetings() == 1
