"""The booking page labels each time and state once per page: what it shows must still be each
person's own (their language, their time zone, their own meetings) and follow every change."""

import re

from dialogue.extensions import db
from dialogue.meetings import placement
from dialogue.models import BusySlot, MeetingMode


def _rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<th scope="row">([^<]*)</th>\s*<td><span class="[^"]*">([^<]*)</span>', page)


def test_the_calendar_is_the_readers_own_and_follows_changes(world, client, auth):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    w.s1.locale, w.s1.timezone = "fi", "America/New_York"
    db.session.commit()
    url = f"/events/{w.event.slug}/meetings/book/{w.b1.id}"

    auth.login(w.s1)
    rows = _rows(client.get(url).get_data(as_text=True))
    assert [state for _, state in rows] == ["vapaa"] * 5
    # In Finnish, the event's time and, after it, the reader's own.
    finnish = r"(ma|ti|ke|to|pe|la|su) \d\d \w+ \d{4}, 14:00 \(Europe/Helsinki\) / 0[78]:00 \(America/New_York\)"
    assert re.fullmatch(finnish, rows[0][0]), rows

    placement.book_slot(w.event, w.s1, w.b2, w.slots[1].id, topic="Elsewhere")
    db.session.add(BusySlot(event_id=w.event.id, user_id=w.b1.id, slot_id=w.slots[2].id))
    db.session.commit()
    auth.login(w.s3)
    placement.book_slot(w.event, w.s3, w.b1, w.slots[0].id, topic="First")
    db.session.commit()

    auth.login(w.s1)
    page = client.get(url).get_data(as_text=True)
    assert [state for _, state in _rows(page)] == ["varattu", "sinulla on tapaaminen", "ei käytettävissä",
                                                   "vapaa", "vapaa"]
    offered = re.findall(r'name="slot" required type="radio" value="(\d+)"> <label for="slot-\d">([^<]*)<', page)
    assert [int(value) for value, _ in offered] == [w.slots[3].id, w.slots[4].id]
    assert [label for _, label in offered] == [label for label, _ in _rows(page)[3:]]

    auth.login(w.s3)  # another reader: their own language and zone, not the first reader's
    rows = _rows(client.get(url).get_data(as_text=True))
    assert [state for _, state in rows] == ["taken", "free", "not available", "free", "free"]
    assert not any(" / " in label for label, _ in rows)
