"""Each participant's invitation carries the calendar file written for them: the other side's name
in the title, the place in their language. The file is written once per meeting and language and
each copy is given its own title; a copy must read exactly as a file written for that person alone."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, get_translations
from icalendar import Calendar

from dialogue.core import ical
from dialogue.extensions import db
from dialogue.meetings import notify, placement, setup
from dialogue.models import MeetingMode, OrganisationKind, ParticipantRole
from dialogue.outbox.services import mail_locale

# Long, with characters iCalendar escapes and letters outside ASCII: the title line is folded.
SUPPLIER_ORG = "Kierrätys- ja korjauspalvelut Pohjoismaat; tietokoneet, puhelimet \\ näytöt Oy"
BUYER_ORG = "Helsingin kaupungin kasvatuksen ja koulutuksen toimiala, hankintayksikkö"


def _without_stamp(data: bytes) -> bytes:
    return re.sub(rb"DTSTAMP:[0-9TZ]+\r\n", b"", data)


@pytest.fixture
def booked(app, monkeypatch, make_org, make_user, make_event, make_registration):
    """A self-booked meeting without a table or venue (its place reads "to be announced") between a
    Finnish-speaking buyer and an English-speaking supplier."""
    with force_locale("fi"):
        catalogue = get_translations()
    monkeypatch.setitem(catalogue._catalog, "to be announced", "ilmoitetaan myöhemmin")
    monkeypatch.setitem(catalogue._catalog, "Meeting: %(who)s – %(subject)s", "Tapaaminen: %(who)s – %(subject)s")
    event = make_event(organiser=make_user(), venue=None)
    buyer = make_user(make_org(name=BUYER_ORG), name="Aino Virtanen", locale="fi")
    supplier = make_user(make_org(name=SUPPLIER_ORG, kind=OrganisationKind.SUPPLIER), name="Sam Taylor",
                         locale="en")
    make_registration(event, buyer, role=ParticipantRole.BUYER)
    make_registration(event, supplier, role=ParticipantRole.SUPPLIER)
    settings = setup.ensure_settings(event)
    settings.mode = MeetingMode.SELF_BOOKING
    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
    setup.add_block(event, day, dt.time(14, 0), dt.time(15, 0))
    db.session.commit()
    meeting = placement.book_slot(event, supplier, buyer, setup.list_slots(event)[0].id,
                                  topic="Refurbished laptops, phones and screens for schools")
    db.session.commit()
    return meeting, buyer, supplier


def test_each_invitation_file_reads_as_one_written_for_its_reader(booked, outbox):
    meeting, buyer, supplier = booked
    for person, title, place in ((buyer, f"Tapaaminen: {SUPPLIER_ORG}", "ilmoitetaan myöhemmin"),
                                 (supplier, f"Meeting: {BUYER_ORG}", "to be announced")):
        [mail] = outbox("meetings.invitation", to=person.email)
        [attachment] = mail.attachments
        with mail_locale(person.locale):
            alone = notify.meeting_ics(meeting, person)
        assert _without_stamp(attachment.data) == _without_stamp(alone)
        # Read back by the parser: the folded, escaped title and the place in the reader's language.
        [entry] = Calendar.from_ical(attachment.data).walk("VEVENT")
        assert str(entry["summary"]) == f"{title} – Refurbished laptops, phones and screens for schools"
        assert str(entry["location"]) == place
        assert b"\r\n " in attachment.data.split(b"SUMMARY:", 1)[1].split(b"\r\nSEQUENCE", 1)[0]


def test_a_title_goes_only_where_the_placeholder_is(app):
    with app.test_request_context():
        cal = ical.new_calendar(method="REQUEST")
        cal.add_component(ical.vevent(uid="x@test", summary=ical.SUMMARY_PLACEHOLDER, zone="UTC",
                                      start=dt.datetime(2030, 1, 1, 9, tzinfo=dt.timezone.utc),
                                      end=dt.datetime(2030, 1, 1, 10, tzinfo=dt.timezone.utc),
                                      description=f"SUMMARY:{ical.SUMMARY_PLACEHOLDER}"))
        data = ical.to_bytes(cal)
        [entry] = Calendar.from_ical(ical.with_summary(data, "A; b, c")).walk("VEVENT")
        assert str(entry["summary"]) == "A; b, c"
        assert str(entry["description"]) == f"SUMMARY:{ical.SUMMARY_PLACEHOLDER}"
        with pytest.raises(ValueError):
            ical.with_summary(ical.with_summary(data, "A"), "B")
