from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Event, EventStatus, OutboxMessage, Registration, RegistrationState


def test_demo_builds_both_events_once(app, runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    registrations = db.session.scalar(select(func.count()).select_from(Registration))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Registration)) == registrations
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # the demo sends no mail

    nordic = db.session.scalar(select(Event).where(Event.slug == "nordic-forum-smartphones"))
    fair = db.session.scalar(select(Event).where(Event.slug == "make-ict-fair-2018"))
    assert nordic.status == EventStatus.PUBLISHED and fair.status == EventStatus.FINISHED
    assert [c.organisation.slug for c in nordic.cohosts] == ["helsinki", "malmo", "oslo", "copenhagen"]
    assert [c.organisation.slug for c in fair.cohosts] == [  # the network runs it with the presenting authorities
        "iclei", "aalborg", "apuc", "barcelona", "haarlem", "swiss-it", "sso-noord", "duo"]
    assert fair.timezone == "Europe/Amsterdam" and str(fair.starts_at.date()) == "2018-10-03"
    assert any(s.user.email == "anna.virtanen@hel.example.org" and s.role.value == "organiser" for s in nordic.staff)
    assert len(nordic.sessions) >= 5 and any(s.speakers for s in nordic.sessions)

    def people(event, **where):
        query = select(Registration).where(Registration.event_id == event.id)
        for name, value in where.items():
            query = query.where(getattr(Registration, name) == value)
        return {r.organisation.slug for r in db.session.scalars(query)}

    assert {"circular-computing", "dell", "hp", "nordic-it", "electronics-watch"} <= people(nordic)
    assert people(nordic, state=RegistrationState.WAITLISTED) == {"hp"}
    checked_in = {r.organisation.slug for r in db.session.scalars(
        select(Registration).where(Registration.event_id == fair.id, Registration.checked_in_at.is_not(None)))}
    assert {"circular-computing", "dell", "hp"} <= checked_in

    html = client.get("/").get_data(as_text=True)
    assert "Nordic Forum" in html and "Make ICT Fair" in html
