import datetime as dt

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import (
    EventInvitee,
    EventStatus,
    InviteeSource,
    MemberRole,
    RegistrationState,
    Series,
    SeriesFollower,
    SeriesOwner,
    utcnow,
)


@pytest.fixture
def group(make_org, make_user, make_event):
    """A series run by one buyer; its organiser organises an upcoming event and an earlier one."""
    owner = make_org(name="City of Helsinki")
    organiser = make_user(owner)
    series = Series(slug="ict-group", title="ICT interest group", description="We meet.")
    series.owners.append(SeriesOwner(organisation=owner))
    db.session.add(series)
    db.session.commit()
    past = make_event(organiser=organiser, slug="meeting-1", starts_at=utcnow() - dt.timedelta(days=60),
                      ends_at=utcnow() - dt.timedelta(days=60, hours=-3), status=EventStatus.FINISHED)
    past.series_id = series.id
    upcoming = make_event(organiser=organiser, slug="meeting-2")
    db.session.commit()
    return series, organiser, past, upcoming


def test_public_page_lists_past_and_upcoming(client, group):
    series, organiser, past, upcoming = group
    upcoming.series_id = series.id
    db.session.commit()
    page = client.get("/series/ict-group").get_data(as_text=True)
    assert "ICT interest group" in page and "City of Helsinki" in page
    assert page.index(upcoming.title) < page.index("Past events") < page.index(past.title)
    assert client.get("/series").status_code == 200
    assert "/series/ict-group" in client.get(f"/events/{upcoming.slug}").get_data(as_text=True)
    assert client.get("/series/nope").status_code == 404


def test_permissions_per_view(client, auth, group, make_user, make_org):
    series, organiser, past, upcoming = group
    manager_pages = [("get", "/series/ict-group/edit"), ("post", "/series/ict-group/edit")]
    event_pages = [("get", f"/events/{upcoming.slug}/series"), ("post", f"/events/{upcoming.slug}/series/attach"),
                   ("post", f"/events/{upcoming.slug}/series/detach"),
                   ("post", f"/events/{upcoming.slug}/series/invite-earlier")]
    for method, url in manager_pages + event_pages + [("get", "/series/new")]:
        assert getattr(client, method)(url).status_code == 302, url  # to sign-in
    outsider = make_user(make_org(), role=MemberRole.ADMIN)
    auth.login(outsider)
    for method, url in manager_pages + event_pages:
        assert getattr(client, method)(url).status_code == 403, url
    # A member of the owner organisation who organises nothing in the series does not manage it.
    auth.login(make_user(series.owners[0].organisation))
    assert client.get("/series/ict-group/edit").status_code == 403
    auth.login(organiser)
    assert client.get("/series/ict-group/edit").status_code == 200
    assert client.get(f"/events/{upcoming.slug}/series").status_code == 200
    # A plain member cannot start a series; an organisation admin can.
    assert client.get("/series/new").status_code == 403
    auth.login(make_user(make_org(), role=MemberRole.ADMIN))
    response = client.post("/series/new", data={"title": "Working group on circular ICT"})
    assert response.status_code == 303 and response.location.endswith("/series/working-group-on-circular-ict")


def test_attach_and_detach_from_the_event_page(client, auth, group):
    series, organiser, past, upcoming = group
    auth.login(organiser)
    assert f"/events/{upcoming.slug}/series" in client.get(f"/events/{upcoming.slug}/manage").get_data(as_text=True)
    unchosen = client.post(f"/events/{upcoming.slug}/series/attach", data={"series_id": ""})
    assert unchosen.status_code == 400 and 'aria-invalid="true"' in unchosen.get_data(as_text=True)
    attached = client.post(f"/events/{upcoming.slug}/series/attach", data={"series_id": series.id},
                           follow_redirects=True)
    assert "The event is in the series." in attached.get_data(as_text=True)
    db.session.refresh(upcoming)
    assert upcoming.series_id == series.id
    assert client.post(f"/events/{upcoming.slug}/series/detach").status_code == 303
    db.session.refresh(upcoming)
    assert upcoming.series_id is None


def test_follow_and_mail_on_a_new_published_event(client, auth, group, make_user, make_event, outbox):
    series, organiser, past, upcoming = group
    member = make_user()
    auth.login(member)
    assert client.post("/series/ict-group/follow").status_code == 303
    auth.logout()
    # Anonymous: double opt-in.
    assert client.post("/series/ict-group/subscribe", data={"email": "Eva@Example.se"}).status_code == 303
    confirm = outbox("series.confirm")
    assert [m.recipients for m in confirm] == [["eva@example.se"]]
    follower = db.session.scalar(select(SeriesFollower).where(SeriesFollower.email == "eva@example.se"))
    assert f"/series/confirm/{follower.token}" in confirm[0].body_text
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT, slug="meeting-3", venue="City Hall")
    draft.series_id = series.id
    db.session.commit()
    auth.login(organiser)
    client.post(f"/events/{draft.slug}/status", data={"action": "publish"})
    db.session.refresh(draft)
    assert draft.status == EventStatus.PUBLISHED
    mails = outbox("series.next_event")
    assert [m.recipients for m in mails] == [[member.email]]  # the unconfirmed address gets nothing
    assert "List-Unsubscribe" in mails[0].headers
    # Eva confirms (a GET only shows the button); the next event reaches her too, each event once.
    auth.logout()
    client.get(f"/series/confirm/{follower.token}")
    db.session.refresh(follower)
    assert follower.confirmed_at is None
    client.post(f"/series/confirm/{follower.token}")
    auth.login(organiser)
    client.post(f"/events/{upcoming.slug}/series/attach", data={"series_id": series.id})
    recipients = sorted(m.recipients[0] for m in outbox("series.next_event"))
    assert recipients == sorted([member.email, member.email, "eva@example.se"])
    # One-click unsubscribe from the mail program.
    client.post(f"/series/unsubscribe/{follower.token}", data={"List-Unsubscribe": "One-Click"})
    db.session.refresh(follower)
    assert follower.unsubscribed_at is not None


def test_invite_earlier_participants_each_once(client, auth, group, make_registration, make_user, outbox):
    series, organiser, past, upcoming = group
    upcoming.series_id = series.id
    db.session.commit()
    came = make_registration(past)
    came.checked_in_at = utcnow() - dt.timedelta(days=60)
    registered = make_registration(past)
    cancelled = make_registration(past, state=RegistrationState.CANCELLED)
    also_later = make_registration(upcoming)  # registered for the new event too: no second registration needed
    make_registration(past, also_later.user)
    db.session.commit()
    auth.login(organiser)
    page = client.get(f"/events/{upcoming.slug}/series").get_data(as_text=True)
    assert "3 people registered for or attended them" in page and "Invite 3 people" in page
    assert client.post(f"/events/{upcoming.slug}/series/invite-earlier").status_code == 303
    invited = {i.email: i for i in db.session.scalars(select(EventInvitee).where(EventInvitee.event_id == upcoming.id))}
    assert set(invited) == {came.user.email, registered.user.email, also_later.user.email}
    assert cancelled.user.email not in invited
    assert all(i.source == InviteeSource.SERIES for i in invited.values())
    assert len(outbox("invitations.invitation")) == 3
    # Again: no one is invited twice.
    response = client.post(f"/events/{upcoming.slug}/series/invite-earlier")
    assert response.status_code == 303
    assert len(outbox("invitations.invitation")) == 3
    page = client.get(f"/events/{upcoming.slug}/invitations").get_data(as_text=True)
    assert also_later.user.email in page and "Registered" in page
