"""The booking page keeps the event's slots and the buyer's planned tenders between answers (a rush
for the same times asks for them on every refusal): what it shows must still follow every change to
them, made by the organisers' own pages or by the buyer."""

import re

from dialogue.extensions import db
from dialogue.meetings import setup
from dialogue.models import IntentStatus, MeetingMode


def _times(page: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]*)</th>', page)


def _tenders(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="intent".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)[1:]


def test_the_calendar_follows_the_blocks_the_organisers_add_and_remove(world, client, auth):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    url = f"/events/{w.event.slug}/meetings/book/{w.b1.id}"
    auth.login(w.s1)
    first = _times(client.get(url).get_data(as_text=True))
    assert len(first) == 5

    auth.login(w.organiser)
    response = client.post(f"/events/{w.event.slug}/meetings/blocks",
                           data={"day": w.day.isoformat(), "start": "10:00", "end": "11:00"})
    assert response.status_code == 303, response.get_data(as_text=True)
    auth.login(w.s1)
    page = client.get(url).get_data(as_text=True)
    assert len(_times(page)) == 7 and _times(page)[2:] == first  # the new times come first, in time order
    assert f'value="{setup.list_slots(w.event)[0].id}"' in page  # and can be booked

    block = next(b for b in setup.list_blocks(w.event) if b.starts_at < w.slots[0].starts_at)
    setup.delete_block(w.event, block)
    db.session.commit()
    assert _times(client.get(url).get_data(as_text=True)) == first


def test_the_tenders_offered_follow_the_buyers_changes(world, client, auth, make_intent):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    url = f"/events/{w.event.slug}/meetings/book/{w.b1.id}"
    auth.login(w.s1)
    assert _tenders(client.get(url).get_data(as_text=True)) == []

    intent = make_intent(buyer=w.buyer_org, title="Refurbished laptops")
    assert _tenders(client.get(url).get_data(as_text=True)) == ["Refurbished laptops"]
    intent.title = "Refurbished laptops and docks"
    db.session.commit()
    assert _tenders(client.get(url).get_data(as_text=True)) == ["Refurbished laptops and docks"]
    intent.status = IntentStatus.DRAFT
    db.session.commit()
    assert _tenders(client.get(url).get_data(as_text=True)) == []
