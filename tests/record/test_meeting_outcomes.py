"""The record says a meeting took place only once it is over, and it was neither cancelled nor a no-show."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dialogue.extensions import db
from dialogue.models import MeetingSlot, utcnow
from dialogue.record import archive
from dialogue.record.services import build_event_record
from tests.record.conftest import ZONE, add_meeting


def _future_meeting(c):
    """A confirmed meeting tomorrow, in the same block as the others."""
    start = (utcnow() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    slot = MeetingSlot(event_id=c.event.id, block_id=c.meetings.held.slot.block_id, starts_at=start,
                       ends_at=start + dt.timedelta(minutes=20))
    db.session.add(slot)
    db.session.flush()
    meeting = add_meeting(c.event, slot, None, c.orgs.dell, c.buyer, c.listed)
    db.session.commit()
    return meeting


def test_a_future_confirmed_meeting_is_scheduled_not_taken_place(consultation):
    c = consultation
    future = _future_meeting(c)
    record = build_event_record(c.event, c.organiser)
    outcome = {line.meeting.id: (line.took_place, line.scheduled) for line in record.meetings}
    assert outcome == {c.meetings.held.id: (True, False), future.id: (False, True),
                       c.meetings.no_show.id: (False, False), c.meetings.cancelled.id: (False, False)}
    table = archive.meetings_table(record.meetings, ZONE)
    took_place = table.headings.index("Took place")
    assert {row[0]: row[took_place] for row in table.rows} == {
        c.meetings.held.id: "yes", future.id: "scheduled", c.meetings.no_show.id: "no",
        c.meetings.cancelled.id: "no"}
    # A record taken while the first meeting was still going on did not have it as taken place either.
    during = build_event_record(c.event, c.organiser, now=c.meetings.held.slot.starts_at + dt.timedelta(minutes=5))
    [held] = [line for line in during.meetings if line.meeting.id == c.meetings.held.id]
    assert not held.took_place and held.scheduled


def test_the_record_page_shows_the_future_meeting_as_scheduled(consultation, client, auth):
    c = consultation
    future = _future_meeting(c)
    auth.login(c.organiser)
    page = client.get(f"/events/{c.event.slug}/record").get_data(as_text=True)
    when = future.slot.starts_at.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")
    row = page[page.index(f"<td>{when}"):]
    row = row[:row.index("</tr>")]
    assert "Scheduled" in row and "Yes" not in row
