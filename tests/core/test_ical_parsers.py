"""The calendars the app sends, read back by two parsers that are not the one that wrote them.

vobject (Python) and ical.js (the parser in Thunderbird, run with node) must both put every entry
at the instant the event has in the database, in summer and in winter, on both sides of each
change of clock, for zones with European, American and southern-hemisphere rules.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import vobject

from dialogue.core import ical
from dialogue.core.timeutil import local_to_utc
from dialogue.extensions import db
from dialogue.models import MeetingMode, OrganisationKind, ParticipantRole, utcnow
from tests.conftest import ROOT

ZONES = ("Europe/Helsinki", "Europe/Amsterdam", "America/New_York", "Australia/Sydney")
ICALJS = ROOT / "tests" / "e2e" / "node_modules" / "ical.js" / "dist" / "ical.js"
READER = """
import ICAL from %s;
import { readFileSync } from "node:fs";

const texts = JSON.parse(readFileSync(0, "utf8"));
const read = texts.map((text) => {
  const cal = new ICAL.Component(ICAL.parse(text));
  const zones = cal.getAllSubcomponents("vtimezone");
  for (const zone of zones) ICAL.TimezoneService.register(zone);
  const events = cal.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {uid: event.uid, start: event.startDate.toUnixTime(), end: event.endDate.toUnixTime(),
            zone: event.startDate.zone.tzid};
  });
  for (const zone of zones) ICAL.TimezoneService.remove(zone.getFirstPropertyValue("tzid"));
  return events;
});
process.stdout.write(JSON.stringify(read));
"""


def _require(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("DIALOGUE_REQUIRE_E2E"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def icaljs(tmp_path_factory):
    """Read .ics texts with ical.js: one list of {uid, start, end (UTC), zone} per text."""
    node = shutil.which("node")
    _require(node is not None, "node not found (apt-get install -y nodejs)")
    _require(ICALJS.exists(), f"ical.js not installed ({ICALJS}): npm ci --prefix tests/e2e")
    script = tmp_path_factory.mktemp("icaljs") / "read.mjs"
    script.write_text(READER % json.dumps(ICALJS.as_uri()))

    def read(texts: list[bytes]) -> list[list[dict]]:
        done = subprocess.run([node, str(script)], input=json.dumps([t.decode() for t in texts]),
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return [[{**e, "start": dt.datetime.fromtimestamp(e["start"], dt.timezone.utc),
                  "end": dt.datetime.fromtimestamp(e["end"], dt.timezone.utc)} for e in events]
                for events in json.loads(done.stdout)]

    return read


def read_with_vobject(text: bytes) -> list[dict]:
    cal = vobject.readOne(text.decode())
    return [{"uid": e.uid.value, "start": e.dtstart.value.astimezone(dt.timezone.utc),
             "end": e.dtend.value.astimezone(dt.timezone.utc)} for e in cal.vevent_list]


def assert_both_read(icaljs, texts: list[bytes], expected: list[list[tuple[dt.datetime, dt.datetime]]]) -> None:
    """Each text's entries, in order, start and end at the expected UTC instants for both parsers."""
    by_icaljs = icaljs(texts)
    for text, wanted, from_js in zip(texts, expected, by_icaljs, strict=True):
        assert [(e["start"], e["end"]) for e in read_with_vobject(text)] == wanted, text.decode()
        assert [(e["start"], e["end"]) for e in from_js] == wanted, text.decode()


def _local(zone: str, day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    """A wall-clock time in the zone as an aware UTC instant, worked out by zoneinfo."""
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), zone)


def _changes(zone: str, year: int) -> list[dt.date]:
    """The local dates on which the zone changes its clocks in the year."""
    days, tz = [], ZoneInfo(zone)
    day = dt.date(year, 1, 1)
    while day.year == year:
        if _local(zone, day, 12, 0).astimezone(tz).utcoffset() != \
                _local(zone, day + dt.timedelta(days=1), 12, 0).astimezone(tz).utcoffset():
            days.append(day + dt.timedelta(days=1))
        day += dt.timedelta(days=1)
    return days


def test_event_invitations_are_read_right_in_summer_and_winter(make_event, make_user, make_org, outbox, icaljs):
    """The invitation a registrant gets, through registering: 09:30 local on a winter and a summer day."""
    from dialogue.registrations.services import register

    year = utcnow().year + 1
    texts, expected = [], []
    for zone in ZONES:
        for day in (dt.date(year, 1, 20), dt.date(year, 7, 1)):
            start = _local(zone, day)
            event = make_event(timezone=zone, starts_at=start, ends_at=start + dt.timedelta(hours=7))
            person = make_user(make_org(kind=OrganisationKind.SUPPLIER))
            register(event, person, ParticipantRole.SUPPLIER)
            db.session.commit()
            [mail] = outbox("registration.confirmed", to=person.email)
            [invite] = [a for a in mail.attachments if a.filename == "invite.ics"]
            texts.append(invite.data)
            expected.append([(start, start + dt.timedelta(hours=7))])
    for zone in ZONES:  # each zone is seen in both its seasons
        assert len({_local(zone, dt.date(year, m, 20)).astimezone(ZoneInfo(zone)).utcoffset() for m in (1, 7)}) == 2
    assert_both_read(icaljs, texts, expected)


def test_meeting_invitations_are_read_right(make_event, make_user, make_org, make_registration, outbox, icaljs):
    """A booked one-to-one meeting on 3 October in Nijmegen (summer time) and in January in New York."""
    from dialogue.meetings import placement, setup

    year = utcnow().year + 1
    texts, expected = [], []
    for zone, day in (("Europe/Amsterdam", dt.date(year, 10, 3)), ("America/New_York", dt.date(year, 1, 20))):
        event = make_event(timezone=zone, starts_at=_local(zone, day, 9, 0), ends_at=_local(zone, day, 17, 0))
        buyer, supplier = make_user(), make_user(make_org(kind=OrganisationKind.SUPPLIER))
        make_registration(event, buyer, role=ParticipantRole.BUYER)
        make_registration(event, supplier, role=ParticipantRole.SUPPLIER)
        setup.ensure_settings(event).mode = MeetingMode.SELF_BOOKING
        setup.add_block(event, day, dt.time(14, 0), dt.time(15, 0))
        [slot, *_] = setup.list_slots(event)
        placement.book_slot(event, supplier, buyer, slot.id, topic="Refurbished laptops")
        db.session.commit()
        [mail] = outbox("meetings.invitation", to=supplier.email)
        texts.append(mail.attachments[0].data)
        expected.append([(_local(zone, day, 14, 0), _local(zone, day, 14, 20))])
    assert_both_read(icaljs, texts, expected)


def test_every_side_of_every_clock_change_is_read_right(app, icaljs):
    """Entries the day before and after each change, over several years in one calendar (a personal
    feed), and in zones whose changes follow no simple yearly rule."""
    year = utcnow().year
    cases = {zone: [d + dt.timedelta(days=shift) for y in (year, year + 1, year + 3) for d in _changes(zone, y)
                    for shift in (-1, 0, 1)] for zone in ZONES}
    cases["Asia/Jerusalem"] = [d + dt.timedelta(days=s) for d in _changes("Asia/Jerusalem", year + 1) for s in (-1, 1)]
    cases["Asia/Kolkata"] = [dt.date(year + 1, 1, 20), dt.date(year + 1, 7, 1)]
    cases["America/Sao_Paulo"] = [dt.date(year + 1, 1, 20), dt.date(year + 1, 7, 1)]  # no DST since 2019
    texts, expected = [], []
    for zone, days in cases.items():
        cal = ical.new_calendar(method="PUBLISH")
        wanted = []
        for n, day in enumerate(days):
            start = _local(zone, day)
            end = start + dt.timedelta(hours=1)
            cal.add_component(ical.vevent(uid=f"case-{n}", summary=zone, start=start, end=end, zone=zone))
            wanted.append((start, end))
        texts.append(ical.to_bytes(cal))
        expected.append(wanted)
    assert_both_read(icaljs, texts, expected)


def test_the_yearly_rules_are_written_as_rules(app):
    """European, American and Australian zones travel as two RRULE observances, never as long lists."""
    from icalendar import Calendar

    start = dt.datetime(2018, 10, 3, 7, 30, tzinfo=dt.timezone.utc)
    expected = {"Europe/Amsterdam": {("DAYLIGHT", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "020000"),
                                     ("STANDARD", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "030000")},
                "America/New_York": {("DAYLIGHT", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "020000"),
                                     ("STANDARD", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", "020000")},
                "Australia/Sydney": {("DAYLIGHT", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=10", "020000"),
                                     ("STANDARD", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4", "030000")}}
    for zone, rules in expected.items():
        cal = ical.new_calendar()
        cal.add_component(ical.vevent(uid="x", summary="x", start=start, end=start, zone=zone))
        [vtimezone] = Calendar.from_ical(ical.to_bytes(cal)).walk("VTIMEZONE")
        assert str(vtimezone["tzid"]) == zone
        found = {(part.name, part["rrule"].to_ical().decode(), part["dtstart"].to_ical().decode()[-6:])
                 for part in vtimezone.subcomponents}
        assert found == rules
        assert all("RDATE" not in part for part in vtimezone.subcomponents)
