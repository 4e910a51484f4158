"""The demo's series and invitation list: built once, every invitee state present, visible from the UI."""

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.invitations import queries
from dialogue.models import Event, EventInvitee, InviteeStatus, Series, SeriesFollower, User
from tests.conftest import TEST_PASSWORD  # noqa: F401  (the demo has its own password)


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Series, SeriesFollower, EventInvitee)}

def test_the_demo_series_and_invitation_list(app, client, runner, auth):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    series = db.session.scalar(select(Series))
    assert {o.organisation.slug for o in series.owners} == {"iclei", "helsinki"}
    page = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert "Make ICT Fair: Live Market Engagement" in page and "Nordic Forum" in page
    nordic = db.session.scalar(select(Event).where(Event.slug == "nordic-forum-smartphones"))
    status = queries.counts(nordic)
    assert all(status[s] >= 1 for s in InviteeStatus), status
    organiser = db.session.scalar(select(User).where(User.email == "anna.virtanen@hel.example.org"))
    auth.login(organiser)
    assert client.get(f"/events/{nordic.slug}/invitations").status_code == 200
    assert client.get(f"/events/{nordic.slug}/series").status_code == 200
    before = counts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == before
