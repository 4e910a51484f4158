from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Meeting, MeetingRequest, MeetingSide, MeetingStatus


def test_demo_adds_a_meeting_block_with_meetings_once(app, runner, make_event, make_org):
    assert runner.invoke(args=["demo"]).exit_code == 0  # without the event: nothing to add, no crash
    assert db.session.scalar(select(func.count(MeetingRequest.id))) == 0
    make_event(slug="nordic-forum-smartphones", cohosts=[make_org()])
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = (db.session.scalar(select(func.count(MeetingRequest.id))),
              db.session.scalar(select(func.count(Meeting.id))))
    assert counts == (4, 2)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert (db.session.scalar(select(func.count(MeetingRequest.id))),
            db.session.scalar(select(func.count(Meeting.id)))) == counts
    joint = [m for m in db.session.scalars(select(Meeting)) if len(m.people(MeetingSide.BUYER)) == 2]
    assert len(joint) == 1 and joint[0].status == MeetingStatus.CONFIRMED and joint[0].location is not None
