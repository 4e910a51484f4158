import datetime as dt
import io

import pytest
from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import EventInvitee, InviteeStatus, RegistrationState, utcnow


@pytest.fixture
def setup(make_user, make_event, auth):
    organiser = make_user()
    event = make_event(organiser=organiser)
    return organiser, event


def upload(client, event, text: str | bytes, **extra):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(f"/events/{event.slug}/invitations/import",
                       data={"file": (io.BytesIO(data), "invitees.csv"), **extra},
                       content_type="multipart/form-data")


def invitees(event):
    return list(db.session.scalars(select(EventInvitee).where(EventInvitee.event_id == event.id)
                                   .order_by(EventInvitee.email)))


def test_permissions_per_view(client, auth, setup, make_user):
    organiser, event = setup
    pages = [("get", f"/events/{event.slug}/invitations"), ("get", f"/events/{event.slug}/invitations.csv"),
             ("post", f"/events/{event.slug}/invitations/send"), ("post", f"/events/{event.slug}/invitations/remind"),
             ("post", f"/events/{event.slug}/invitations/import")]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 302  # anonymous: to sign-in
    auth.login(make_user())  # someone of another organisation
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url
    auth.login(organiser)
    assert client.get(f"/events/{event.slug}/invitations").status_code == 200


def test_good_csv_with_bom_and_semicolons(client, auth, setup):
    organiser, event = setup
    auth.login(organiser)
    text = "\ufeffName;Email;Organisation\nAnna Virtanen;Anna@Example.fi;City of Espoo\nBo Ek;bo@example.se;\n"
    response = upload(client, event, text)
    assert response.status_code == 303
    rows = invitees(event)
    assert [(r.name, r.email, r.organisation) for r in rows] == [
        ("Anna Virtanen", "anna@example.fi", "City of Espoo"), ("Bo Ek", "bo@example.se", "")]


def test_broken_rows_reported_and_nothing_imported_until_chosen(client, auth, setup):
    organiser, event = setup
    auth.login(organiser)
    text = ("name,email,organisation\n"
            "Anna,anna@example.fi,Espoo\n"
            ",nameless@example.fi,X\n"
            "Carl,not-an-address,Y\n"
            "Anna again,ANNA@example.fi,Espoo\n"
            "Dora,dora@example.fi,Z\n")
    response = upload(client, event, text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The name is missing" in page and "Not a valid email address" in page
    assert "Duplicate: anna@example.fi is already on line 2" in page
    for line in ("<th scope=\"row\">3</th>", "<th scope=\"row\">4</th>", "<th scope=\"row\">5</th>"):
        assert line in page
    assert invitees(event) == []
    assert "Import the 2 good rows only" in page
    # The second button sends the same text back with the organiser's choice.
    response = client.post(f"/events/{event.slug}/invitations/import", data={"content": text, "good_only": "y"})
    assert response.status_code == 303
    assert [r.email for r in invitees(event)] == ["anna@example.fi", "dora@example.fi"]
    # Importing the same people again: reported as already listed.
    response = upload(client, event, "name,email\nDora,dora@example.fi\n")
    assert response.status_code == 400
    assert "already on the invitation list" in response.get_data(as_text=True)


def test_a_file_that_is_not_utf8_or_has_no_header_is_refused(client, auth, setup):
    organiser, event = setup
    auth.login(organiser)
    assert upload(client, event, "name,email\nJörg,j@example.de\n".encode("latin-1")).status_code == 400
    response = upload(client, event, "Anna,anna@example.fi\n")
    assert response.status_code == 400 and "must name the columns" in response.get_data(as_text=True)
    assert invitees(event) == []


def test_organiser_removes_an_invitee_of_their_own_list_only(client, auth, setup, make_user, make_event):
    organiser, event = setup
    other_event = make_event(organiser=make_user())
    db.session.add(EventInvitee(event_id=other_event.id, name="Else", email="else@example.org"))
    db.session.commit()
    auth.login(organiser)
    upload(client, event, "name,email\nAnna,anna@example.fi\nBo,bo@example.se\n")
    anna = next(i for i in invitees(event) if i.email == "anna@example.fi")
    response = client.post(f"/events/{event.slug}/invitations/{anna.id}/remove", follow_redirects=True)
    assert "Removed from the list." in response.get_data(as_text=True)
    assert [i.email for i in invitees(event)] == ["bo@example.se"]
    elsewhere = invitees(other_event)[0]
    assert client.post(f"/events/{event.slug}/invitations/{elsewhere.id}/remove").status_code == 404
    assert invitees(other_event) == [elsewhere]


def test_send_register_decline_and_statuses(client, auth, setup, outbox, make_user, make_registration):
    organiser, event = setup
    auth.login(organiser)
    upload(client, event, "name,email\nAnna,anna@example.fi\nBo,bo@example.se\nCarl,carl@example.org\n")
    assert client.post(f"/events/{event.slug}/invitations/send").status_code == 303
    mails = outbox("invitations.invitation")
    assert len(mails) == 3
    anna = next(i for i in invitees(event) if i.email == "anna@example.fi")
    assert f"/invited/{anna.token}" in next(m for m in mails if "anna@example.fi" in m.recipients).body_text
    # Anna follows her link, lands on registration, and registers with her account's address.
    auth.logout()
    response = client.get(f"/invited/{anna.token}")
    assert response.status_code == 303 and f"/events/{event.slug}/register" in response.location
    make_registration(event, make_user(email="anna@example.fi"))
    # Bo declines from his mail (a GET only shows the button).
    bo = next(i for i in invitees(event) if i.email == "bo@example.se")
    assert client.get(f"/invited/{bo.token}/decline").status_code == 200
    db.session.refresh(bo)
    assert bo.declined_at is None
    assert client.post(f"/invited/{bo.token}/decline").status_code == 303
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/invitations?status=registered").get_data(as_text=True)
    assert "anna@example.fi" in page and "bo@example.se" not in page
    page = client.get(f"/events/{event.slug}/invitations?status=declined").get_data(as_text=True)
    assert "bo@example.se" in page and "anna@example.fi" not in page
    export = client.get(f"/events/{event.slug}/invitations.csv").get_data(as_text=True)
    assert "anna@example.fi,,Registered" in export and "bo@example.se,,Declined" in export
    assert "carl@example.org,,No answer" in export


def test_reminders_only_to_no_answer_and_once_a_day(client, auth, setup, outbox, make_user, make_registration):
    organiser, event = setup
    auth.login(organiser)
    upload(client, event, "name,email\nAnna,anna@example.fi\nBo,bo@example.se\nCarl,carl@example.org\n")
    client.post(f"/events/{event.slug}/invitations/send")
    make_registration(event, make_user(email="anna@example.fi"))
    bo = next(i for i in invitees(event) if i.email == "bo@example.se")
    client.post(f"/invited/{bo.token}/decline")
    # Sent just now: no reminder is due yet.
    response = client.post(f"/events/{event.slug}/invitations/remind")
    assert response.status_code == 303 and outbox("invitations.reminder") == []
    for invitee in invitees(event):
        invitee.last_sent_at = utcnow() - dt.timedelta(days=1, minutes=1)
    db.session.commit()
    client.post(f"/events/{event.slug}/invitations/remind")
    reminders = outbox("invitations.reminder")
    assert [m.recipients for m in reminders] == [["carl@example.org"]]
    client.post(f"/events/{event.slug}/invitations/remind")
    assert len(outbox("invitations.reminder")) == 1  # not twice in a day


def test_cancelled_registration_no_longer_counts(setup, make_user, make_registration):
    from dialogue.invitations import queries

    organiser, event = setup
    db.session.add(EventInvitee(event_id=event.id, name="Anna", email="anna@example.fi", invited_at=utcnow()))
    db.session.commit()
    registration = make_registration(event, make_user(email="anna@example.fi"))
    assert queries.counts(event)[InviteeStatus.REGISTERED] == 1
    registration.state = RegistrationState.CANCELLED
    db.session.commit()
    assert queries.counts(event)[InviteeStatus.NO_ANSWER] == 1


def test_record_lists_who_was_told(client, auth, setup):
    organiser, event = setup
    auth.login(organiser)
    upload(client, event, "name,email,organisation\nAnna,anna@example.fi,City of Espoo\n")
    client.post(f"/events/{event.slug}/invitations/send")
    page = client.get(f"/events/{event.slug}/record").get_data(as_text=True)
    assert "Invitations" in page and "City of Espoo" in page


def test_record_zip_has_the_invitations_without_names(client, auth, setup):
    import zipfile

    organiser, event = setup
    auth.login(organiser)
    upload(client, event, "name,email,organisation\nAnna Virtanen,anna@example.fi,City of Espoo\n")
    response = client.get(f"/events/{event.slug}/record.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    text = archive.read("invitations.csv").decode("utf-8-sig")
    assert "City of Espoo" in text and "Not sent yet" in text
    assert "Anna Virtanen" not in text and "anna@example.fi" not in text
