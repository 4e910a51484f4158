"""Mail comes out in the recipient's language, whoever or whatever sends it.

The Finnish catalogue is being filled in separately, so each test adds the few Finnish messages it
needs to the catalogue the app has loaded (and takes them out again afterwards). A mail rendered in
the recipient's locale then shows them; one rendered in the sender's locale would not.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, get_translations

from dialogue.extensions import db
from dialogue.models import LocationKind, MeetingMode, OrganisationKind, ParticipantRole, RegistrationState


@pytest.fixture
def finnish(app, monkeypatch):
    """``finnish({msgid: msgstr})`` puts Finnish translations into the loaded catalogue for this test."""

    def add(messages: dict[str, str]) -> None:
        with force_locale("fi"):
            catalogue = get_translations()
        for msgid, msgstr in messages.items():
            monkeypatch.setitem(catalogue._catalog, msgid, msgstr)

    return add


def test_password_reset_asked_from_an_english_browser_comes_in_finnish(client, make_user, outbox, finnish):
    finnish({"Reset your Dialogue password": "Vaihda Dialogue-salasanasi",
             "Hello %(name)s,": "Hei %(name)s,",
             "Choose a new password for Dialogue here:": "Valitse uusi salasana tästä:",
             "Choose a new password for Dialogue": "Valitse uusi salasana"})
    aino = make_user(name="Aino Virtanen", locale="fi")
    alice = make_user(name="Alice Smith", locale="en")
    for person in (aino, alice):
        response = client.post("/reset", data={"email": person.email}, headers={"Accept-Language": "en-GB,en"})
        assert response.status_code == 200

    [mail] = outbox("auth.reset", to=aino.email)
    assert mail.subject == "Vaihda Dialogue-salasanasi"
    assert mail.body_text.startswith("Hei Aino Virtanen,\n\nValitse uusi salasana tästä:\n")
    assert "Valitse uusi salasana</a>" in mail.body_html
    [mail] = outbox("auth.reset", to=alice.email)
    assert mail.subject == "Reset your Dialogue password"
    assert mail.body_text.startswith("Hello Alice Smith,\n\nChoose a new password for Dialogue here:\n")


def test_confirmation_sent_when_an_english_organiser_approves_is_in_finnish(client, auth, make_event, make_user,
                                                                           make_registration, outbox, finnish):
    finnish({"You are registered: %(title)s": "Olet ilmoittautunut: %(title)s",
             "Hello %(name)s,": "Hei %(name)s,",
             "Your place is confirmed: you are registered as %(role)s.":
                 "Paikkasi on vahvistettu: olet ilmoittautunut roolissa %(role)s.",
             "Supplier": "Toimittaja",
             "Agenda, details and registration: %(url)s": "Ohjelma ja tiedot: %(url)s",
             "Done: %(parts)s. Each person was told by email.": "Valmis: %(parts)s."})
    organiser = make_user(name="Olivia Organiser", locale="en")
    event = make_event(organiser=organiser, moderated=True, title="Nordic forum")
    aino = make_user(name="Aino Virtanen", locale="fi")
    registration = make_registration(event, aino, role=ParticipantRole.SUPPLIER, state=RegistrationState.PENDING)

    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/registrations/decide",
                           data={"registration_ids": [registration.id], "action": "approve"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 303
    # The organiser's own page stays in English.
    assert "Done: 1 confirmed" in client.get(response.headers["Location"]).get_data(as_text=True)

    [mail] = outbox("registration.confirmed", to=aino.email)
    assert mail.subject == "Olet ilmoittautunut: Nordic forum"
    assert mail.body_text.startswith("Hei Aino Virtanen,\n\n"
                                     "Paikkasi on vahvistettu: olet ilmoittautunut roolissa Toimittaja.")
    [invitation] = [a for a in mail.attachments if a.filename == "invite.ics"]
    assert b"Ohjelma ja tiedot:" in invitation.data  # the calendar entry speaks the same language


def test_meeting_reminders_from_the_command_come_in_each_participants_language(app, make_org, make_user,
                                                                             make_event, make_registration,
                                                                             outbox, finnish):
    from dialogue.meetings import agenda, placement, setup

    finnish({"Soon: %(s)s": "Pian: %(s)s",
             "Meeting: %(who)s – %(subject)s": "Tapaaminen: %(who)s – %(subject)s",
             "Hello %(name)s,": "Hei %(name)s,",
             "Your meeting starts soon.": "Tapaamisesi alkaa pian."})
    event = make_event(organiser=make_user())
    buyer = make_user(make_org(name="City of Helsinki"), name="Aino Virtanen", locale="fi")
    supplier = make_user(make_org(name="Circular Computing", kind=OrganisationKind.SUPPLIER), name="Sam Taylor",
                         locale="en")
    make_registration(event, buyer, role=ParticipantRole.BUYER)
    make_registration(event, supplier, role=ParticipantRole.SUPPLIER)
    settings = setup.ensure_settings(event)
    settings.mode = MeetingMode.SELF_BOOKING
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    setup.add_block(event, day, dt.time(14, 0), dt.time(15, 0))
    setup.add_locations(event, label="Table", count=1, capacity=4, kind=LocationKind.TABLE)
    db.session.commit()
    meeting = placement.book_slot(event, supplier, buyer, setup.list_slots(event)[0].id, topic="Phones")
    db.session.commit()

    # No request here, as in `flask meetings send-reminders`.
    assert agenda.send_reminders(meeting.slot.starts_at - dt.timedelta(minutes=settings.reminder_minutes)) == 2
    db.session.commit()

    [mail] = outbox("meetings.reminder", to=buyer.email)
    assert mail.subject == "Pian: Tapaaminen: Circular Computing – Phones"
    assert mail.body_text.startswith("Hei Aino Virtanen,\n\nTapaamisesi alkaa pian.\n")
    [mail] = outbox("meetings.reminder", to=supplier.email)
    assert mail.subject == "Soon: Meeting: City of Helsinki – Phones"
    assert mail.body_text.startswith("Hello Sam Taylor,\n\nYour meeting starts soon.\n")
