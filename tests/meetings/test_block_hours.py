"""Meeting blocks lie within the event's hours, so no slot is offered when the event is not on."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.meetings import setup
from dialogue.models import Event, MeetingBlock, MeetingSlot


def _rows() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(MeetingBlock.id))),
            db.session.scalar(select(func.count(MeetingSlot.id))))


def _local(event, moment: dt.datetime) -> dt.time:
    return moment.astimezone(ZoneInfo(event.timezone)).time()


def test_a_block_outside_the_event_hours_is_refused(world):
    w = world
    before = _rows()
    opens, closes = _local(w.event, w.event.starts_at), _local(w.event, w.event.ends_at)
    late = (dt.datetime.combine(w.day, closes) - dt.timedelta(minutes=30)).time()
    with pytest.raises(DialogueError, match=f"runs from {opens:%H:%M} to {closes:%H:%M}") as exc:
        setup.add_block(w.event, w.day, late, (dt.datetime.combine(w.day, closes) + dt.timedelta(hours=1)).time())
    assert exc.value.field == "end"
    db.session.rollback()
    early = (dt.datetime.combine(w.day, opens) - dt.timedelta(hours=1)).time()
    with pytest.raises(DialogueError, match="Put the block within these hours") as exc:
        setup.add_block(w.event, w.day, early, (dt.datetime.combine(w.day, opens) + dt.timedelta(hours=1)).time())
    assert exc.value.field == "start"
    db.session.rollback()
    assert _rows() == before
    block = setup.add_block(w.event, w.day, late, closes)  # up to the very end is fine
    assert block.ends_at == w.event.ends_at and len(block.slots) == 1


def test_the_setup_form_shows_the_event_hours_next_to_the_field(world, client, auth):
    w = world
    auth.login(w.organiser)
    before = _rows()
    closes = _local(w.event, w.event.ends_at)
    response = client.post(f"/events/{w.event.slug}/meetings/blocks", data={
        "day": w.day.isoformat(), "start": f"{closes:%H:%M}", "end": "23:30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"to {closes:%H:%M}. Put the block within these hours." in page[page.index('id="end-error"'):][:300]
    assert "Blocks lie within these hours." in page  # said before anyone gets it wrong, too
    assert _rows() == before


def test_a_block_on_a_middle_day_of_a_multi_day_event_may_use_the_whole_day(make_event):
    start = dt.datetime.now(dt.timezone.utc).replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    event: Event = make_event(starts_at=start, ends_at=start + dt.timedelta(days=2))
    middle = (start + dt.timedelta(days=1)).astimezone(ZoneInfo(event.timezone)).date()
    block = setup.add_block(event, middle, dt.time(7, 0), dt.time(8, 0))
    assert len(block.slots) == 2
