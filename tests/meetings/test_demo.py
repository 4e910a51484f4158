from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Event, Meeting, MeetingRequest, MeetingSide, MeetingSlot, MeetingStatus


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(MeetingRequest.id))),
            db.session.scalar(select(func.count(Meeting.id))))


def test_demo_adds_a_meeting_block_with_meetings_once(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    event = db.session.scalar(select(Event).where(Event.slug == "nordic-forum-smartphones"))
    requests, meetings = counts()
    assert requests >= 3 and meetings >= 2  # HP is on the waiting list, so it cannot ask
    assert all(m.event_id == event.id for m in db.session.scalars(select(Meeting)))
    slots = list(db.session.scalars(select(MeetingSlot).where(MeetingSlot.event_id == event.id)))
    assert slots and all(event.starts_at <= s.starts_at and s.ends_at <= event.ends_at for s in slots)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts() == (requests, meetings)
    joint = [m for m in db.session.scalars(select(Meeting)) if len(m.people(MeetingSide.BUYER)) == 2]
    assert len(joint) == 1 and joint[0].status == MeetingStatus.CONFIRMED and joint[0].location is not None
