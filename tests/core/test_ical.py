import datetime as dt

from icalendar import Calendar

from dialogue.core import ical


def test_calendar_has_stable_uid_sequence_and_vtimezone(app):
    start = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.timezone.utc)
    cal = ical.new_calendar(method="REQUEST")
    cal.add_component(ical.vevent(uid=ical.uid_for("meeting", 7), summary="Meeting", start=start,
                                  end=start + dt.timedelta(minutes=20), zone="Europe/Helsinki", sequence=3,
                                  organizer=("Anna", "anna@example.org"), attendees=[("Sam", "sam@example.org")]))
    parsed = Calendar.from_ical(ical.to_bytes(cal))
    [event] = parsed.walk("VEVENT")
    assert str(event["uid"]) == "meeting-7@dialogue.test"
    assert int(event["sequence"]) == 3
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(hours=2)
    assert event.decoded("dtstart").astimezone(dt.timezone.utc) == start
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert str(parsed["method"]) == "REQUEST"
