"""A refused booking is answered on the calendar page with the refusal next to the slot; the page is
built from the rows the booking had loaded when it wrote nothing, and whatever it had written,
flushed or only changed in memory is undone before the page is shown."""

import pytest
from sqlalchemy import func, select, update

from dialogue.core.errors import Conflict
from dialogue.extensions import db
from dialogue.meetings import notify, placement
from dialogue.models import Meeting, MeetingMode, MeetingParticipant, OutboxMessage, User


@pytest.fixture
def booking(world, client, auth):
    world.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    auth.login(world.s1)
    url = f"/events/{world.event.slug}/meetings/book/{world.b1.id}"

    def post(slot=0, topic="Phones"):
        return client.post(url, data={"slot": str(world.slots[slot].id), "topic": topic})
    return post


def _counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Meeting.id))),
            db.session.scalar(select(func.count(MeetingParticipant.id))),
            db.session.scalar(select(func.count(OutboxMessage.id))))


def _flushed_then_refused(monkeypatch, world):
    """The meeting and its participants are in the database when the refusal comes."""
    def refuse(_meeting):
        raise Conflict("Refused after a change.", field="slot")
    monkeypatch.setattr(notify, "invite", refuse)


def _changed_then_refused(monkeypatch, world):
    """A row changed in memory, not flushed, when the refusal comes."""
    def book(_event, supplier, buyer, *_args, **_kw):
        buyer.name = "Changed By A Refused Booking"
        raise Conflict("Refused after a change.", field="slot")
    monkeypatch.setattr(placement, "book_slot", book)


def _updated_then_refused(monkeypatch, world):
    """An UPDATE statement ran when the refusal comes."""
    def book(_event, supplier, buyer, *_args, **_kw):
        db.session.execute(update(User).where(User.id == buyer.id).values(name="Changed By A Refused Booking"))
        raise Conflict("Refused after a change.", field="slot")
    monkeypatch.setattr(placement, "book_slot", book)


@pytest.mark.parametrize("refusal", [_flushed_then_refused, _changed_then_refused, _updated_then_refused])
def test_a_refusal_keeps_nothing_the_booking_wrote(world, booking, monkeypatch, refusal):
    before = _counts()
    refusal(monkeypatch, world)
    response = booking()
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Refused after a change." in page
    assert "Changed By A Refused Booking" not in page and world.b1.name in page
    assert _counts() == before
    assert db.session.get(User, world.b1.id).name == world.b1.name


def test_a_booking_refused_at_the_insert_is_undone_and_the_slot_stays_with_the_first(world, booking, client, auth,
                                                                                     monkeypatch):
    assert booking(0).status_code == 303
    after_first = _counts()
    # Both looks before the insert miss the first booking: the unique index is what refuses.
    monkeypatch.setattr(placement, "_refuse_when_held", lambda *_args: None)
    monkeypatch.setattr(placement, "occupied_people", lambda *_args: (set(), set()))
    auth.login(world.s3)
    response = booking(0, topic="Laptops")
    assert response.status_code == 409 and "just taken" in response.get_data(as_text=True)
    assert _counts() == after_first
    # The refusal left the session and the database usable: the next booking goes through.
    assert booking(1, topic="Laptops").status_code == 303
    assert _counts()[0] == after_first[0] + 1


def test_who_already_holds_the_slot_is_told_apart_before_any_lock(world, booking, client, auth):
    """The look before the lock comes with the booking's first read: the supplier who is already in a
    meeting at that time is told so; a buyer already in one makes the slot "just taken"."""
    assert booking(0).status_code == 303  # s1 with b1 at the first time
    other_buyer = client.post(f"/events/{world.event.slug}/meetings/book/{world.b3.id}",
                              data={"slot": str(world.slots[0].id), "topic": "Tablets"})
    assert other_buyer.status_code == 409
    assert "You already have a meeting at this time." in other_buyer.get_data(as_text=True)
    auth.login(world.s3)
    taken = booking(0, topic="Laptops")
    assert taken.status_code == 409 and "just taken" in taken.get_data(as_text=True)
    assert booking(1, topic="Laptops").status_code == 303
    assert _counts()[0] == 2


def test_a_draft_events_calendar_is_not_there_for_its_participants(world, booking, client):
    from dialogue.models import EventStatus

    world.event.status = EventStatus.DRAFT
    db.session.commit()
    url = f"/events/{world.event.slug}/meetings/book/{world.b1.id}"
    assert client.get(url).status_code == 404
    assert booking(0).status_code == 404
    assert _counts()[0] == 0
