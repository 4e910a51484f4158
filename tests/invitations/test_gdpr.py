import datetime as dt
import io
import json
import zipfile

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import EventInvitee, Series, SeriesFollower, utcnow
from tests.conftest import TEST_PASSWORD


def test_invitations_and_follows_exported_then_erased(client, auth, make_user, make_event):
    person = make_user(email="anna@example.fi")
    event = make_event()
    series = Series(slug="group", title="Interest group")
    db.session.add(series)
    db.session.flush()
    db.session.add_all([
        EventInvitee(event_id=event.id, name="Anna Virtanen", email="anna@example.fi", organisation="Espoo",
                     invited_at=utcnow()),
        SeriesFollower(series_id=series.id, user_id=person.id, confirmed_at=utcnow(), consent_version="series-2026-1",
                       consented_at=utcnow()),
        SeriesFollower(series_id=series.id, email="anna@example.fi")])
    db.session.commit()
    auth.login(person)
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.post("/account/data/download").data)).read("data.json"))
    assert data["event_invitations"][0]["name"] == "Anna Virtanen"
    assert data["event_invitations"][0]["status"] == "no_answer"
    assert len(data["series_followed"]) == 2
    assert "new event of this series" in data["series_followed"][0]["consent_text"]
    client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"})
    invitee = db.session.scalar(select(EventInvitee))
    assert invitee.name == "" and "anna" not in invitee.email and invitee.organisation == "Espoo"
    assert db.session.scalars(select(SeriesFollower)).all() == []


def test_retention_drops_names_of_old_lists_and_unconfirmed_addresses(runner, make_event):
    old = utcnow() - dt.timedelta(days=1000)
    past, recent = make_event(starts_at=old, ends_at=old + dt.timedelta(hours=3)), make_event()
    series = Series(slug="group", title="Interest group")
    db.session.add(series)
    db.session.flush()
    db.session.add_all([EventInvitee(event_id=past.id, name="Old", email="old@example.fi", organisation="Espoo"),
                        EventInvitee(event_id=recent.id, name="New", email="new@example.fi"),
                        SeriesFollower(series_id=series.id, email="never@example.fi", created_at=old),
                        SeriesFollower(series_id=series.id, email="fresh@example.fi")])
    db.session.commit()
    result = runner.invoke(args=["gdpr", "purge", "--dry-run"])
    assert "RETENTION_INVITEES_DAYS (730 days): would remove or anonymise 1" in result.output
    assert "RETENTION_UNCONFIRMED_SERIES_FOLLOWS_DAYS (30 days): would remove or anonymise 1" in result.output
    runner.invoke(args=["gdpr", "purge"])
    db.session.expire_all()
    assert sorted(i.name for i in db.session.scalars(select(EventInvitee))) == ["", "New"]
    assert [f.email for f in db.session.scalars(select(SeriesFollower))] == ["fresh@example.fi"]
