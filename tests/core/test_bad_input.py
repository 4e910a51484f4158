"""Bad input gets a clean 4xx page or a message next to the field, never a 500, and nothing half-written.

One row per kind of input seen to crash a page: ids past the integer columns, years outside the
calendar, an empty time zone, NUL characters, non-http links, bidi characters in file names, formulas
in the personal-data export, escaped text in calendar files, and bad command-line arguments.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
import vobject
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import (
    AuditEntry,
    Event,
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    utcnow,
)
from tests.materials.conftest import pdf

HUGE = (2**64, 2**63, 2**31)


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error shown at {field}"
    return match.group(1)


@pytest.fixture
def place(make_org, make_user, make_event, make_intent, make_registration):
    """An organiser (administrator of a public buyer) with a published event and an announced intent."""
    buyer = make_org(name="City of Testholm", kind=OrganisationKind.PUBLIC_BUYER)
    organiser = make_user(buyer, role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    make_registration(event, role=ParticipantRole.SUPPLIER)
    intent = make_intent(buyer)
    return SimpleNamespace(organiser=organiser, event=event, intent=intent, slug=event.slug)


def event_form(**changes) -> dict:
    day = (utcnow() + dt.timedelta(days=30)).date().isoformat()
    data = {"title": "Nordic Forum", "summary": "", "description": "", "format": "in_person", "venue": "City Hall",
            "address": "", "online_url": "", "timezone": "Europe/Helsinki", "languages": ["en"],
            "contact_email": "", "starts_at": f"{day}T07:00", "ends_at": f"{day}T15:00"}
    data.update(changes)
    return data


# (who, method, url, data, status, field with the message, part of the message)
ROWS = {
    "material id past 64 bits": ("anonymous", "GET", f"/materials/{2**64}", None, 404, None, None),
    "intent id past 63 bits": ("anonymous", "GET", f"/intents/{2**63}", None, 404, None, None),
    "intent id past the integer column": ("anonymous", "GET", f"/intents/{2**31}", None, 404, None, None),
    "page past 64 bits": ("anonymous", "GET", f"/intents?page={2**64}", None, 200, None, None),
    "API page past 64 bits": ("anonymous", "GET", f"/api/v1/intents?page={2**64}", None, 400, None, "page"),
    "API id past the integer column": ("anonymous", "GET", f"/api/v1/intents/{2**31}", None, 404, None, None),
    "registrations page past 64 bits": ("organiser", "GET", f"/events/{{slug}}/registrations?page={2**64}", None,
                                        200, None, None),
    "check-in 'last scanned' id": ("organiser", "GET", f"/events/{{slug}}/check-in?r={2**31}", None, 200, None,
                                   None),
    "bulk decision on a huge registration id": ("organiser", "POST", "/events/{slug}/registrations/decide",
                                                {"registration_ids": [str(2**31)], "action": "approve"}, 400,
                                                None, None),
    "speaker reminder for a huge session id": ("organiser", "POST", "/events/{slug}/materials/reminders",
                                               {"session_id": str(2**63)}, 404, None, None),
    "year 0001": ("organiser", "POST", "/events/new", event_form(starts_at="0001-01-01T00:00"), 400, "starts_at",
                  "between the years 1900 and 2200"),
    "year 9999": ("organiser", "POST", "/events/new", event_form(ends_at="9999-12-31T23:59"), 400, "ends_at",
                  "between the years 1900 and 2200"),
    "the empty 'Choose a time zone' option": ("organiser", "POST", "/events/new", event_form(timezone=""), 400,
                                              "timezone", "Choose a time zone from the list."),
    "javascript: as the online link": ("organiser", "POST", "/events/new",
                                       event_form(format="online", online_url="javascript:alert(1)"), 400,
                                       "online_url", "https://"),
    "javascript:// as the contract notice": ("organiser", "POST", "/intents/{intent}/tender-published",
                                             {"tender_url": "javascript://ted.europa.eu/%0Aalert(1)"}, 400,
                                             "tender_url", "https://"),
    "data: as a material link": ("organiser", "POST", "/intents/{intent}/materials/new",
                                 {"title": "Spec", "description": "", "language": "en", "visibility": "public",
                                  "link": "data:text/html,<script>alert(1)</script>"}, 400, "link", "https://"),
    "NUL in a form field": ("organiser", "POST", "/events/new", event_form(title="Forum\x00"), 400, None, "(NUL)"),
    "NUL in the query": ("anonymous", "GET", "/intents?q=%00", None, 400, None, "(NUL)"),
    "NUL in the path": ("anonymous", "GET", "/events/a%00b", None, 400, None, "(NUL)"),
    "NUL in a sign-in": ("anonymous", "POST", "/login", {"email": "a\x00@example.org", "password": "x"}, 400, None,
                         "(NUL)"),
    "NUL in JSON": ("anonymous", "POST", "/login", {"json": {"email": ["a\x00"]}}, 400, None, "(NUL)"),
}


@pytest.mark.parametrize("case", ROWS, ids=list(ROWS))
def test_bad_input_gets_a_clean_answer(client, auth, place, case):
    who, method, url, data, status, field, message = ROWS[case]
    if who == "organiser":
        auth.login(place.organiser)
    url = url.format(slug=place.slug, intent=place.intent.id)
    events_before = db.session.scalar(select(func.count()).select_from(Event))
    if method == "GET":
        response = client.get(url)
    elif data and "json" in data:
        response = client.post(url, json=data["json"])
    else:
        response = client.post(url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:2000]
    if field:
        assert message in field_error(body, field)
    elif message:
        assert message in body
    assert "Traceback" not in body
    assert db.session.scalar(select(func.count()).select_from(Event)) == events_before


def _int_get_rules(app):
    for rule in app.url_map.iter_rules():
        converters = rule._converters  # name -> converter, as the rule was compiled
        if "GET" in rule.methods and any(isinstance(c, IntegerConverter) for c in converters.values()):
            yield rule, converters


def test_every_get_route_with_an_id_answers_a_huge_id_without_a_500(app, client, auth, place):
    plausible = {"slug": place.slug, "fmt": "csv", "direction": "up", "token": "x"}
    urls = []
    for rule, converters in _int_get_rules(app):
        for number in (*HUGE, 2**31 - 1):
            values = {name: number if isinstance(conv, IntegerConverter) else plausible.get(name, "x")
                      for name, conv in converters.items()}
            urls.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, values=values: str(values[m.group(1)]), rule.rule))
    assert len(urls) >= 4 * 30
    for signed_in in (False, True):
        if signed_in:
            auth.login(place.organiser)
        for url in urls:
            status = client.get(url).status_code
            assert status < 500, url
            assert status in (302, 400, 403, 404), (url, status)


def test_form_ids_and_numbers_past_the_integer_column_are_field_errors(app):
    from werkzeug.datastructures import MultiDict

    from dialogue.intents.forms import ItemForm, LotForm
    from dialogue.meetings.forms import RequestForm
    from dialogue.surveys.forms import QuestionForm

    with app.test_request_context(method="POST"):
        lot = LotForm(MultiDict({"number": str(2**31), "title": "Lot"}))
        assert not lot.validate() and lot.number.errors and lot.number.data is None
        item = ItemForm(MultiDict({"lot_number": str(2**63)}))
        assert not item.validate() and item.lot_number.errors
        request = RequestForm(MultiDict({"preferred_slots": [str(2**64)], "priority": "2"}), meta={"csrf": False})
        request.preferred_slots.choices = []
        assert not request.validate() and request.preferred_slots.errors
        bound = QuestionForm(MultiDict({"min_value": "nan", "max_value": "1e400"}), meta={"csrf": False})
        assert bound.min_value.process_errors and bound.max_value.process_errors
        assert bound.min_value.data is None and bound.max_value.data is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript://example.org/%0Aalert(1)", "data:text/html,x",
                                 "file:///etc/passwd", "https://user:secret@example.org/", "https://",
                                 "https://example.org/\u202eevil", "https://exa mple.org/", "ftp://example.org/f",
                                 "https://example.org/" + "a" * 1100])
def test_only_http_links_pass_the_one_url_check_of_every_service(app, make_user, url):
    from dialogue.core.urls import clean_http_url
    from dialogue.materials.services import clean_link
    from dialogue.meetings.changes import set_virtual_url
    from dialogue.organisations.services import create_organisation

    with pytest.raises(DialogueError):
        clean_http_url(url, "website")
    with pytest.raises(DialogueError) as refused:
        clean_link(url)
    assert refused.value.field == "link"
    meeting = SimpleNamespace(virtual_url=None, sequence=0)
    with pytest.raises(DialogueError) as refused:
        set_virtual_url(meeting, url)
    assert refused.value.field == "url" and meeting.virtual_url is None and meeting.sequence == 0
    with pytest.raises(DialogueError) as refused:
        create_organisation(name="Fair Devices", kind="supplier", country="FI", website=url)
    assert refused.value.field == "website"
    assert clean_http_url("  https://meet.example.org/room?x=1#y ") == "https://meet.example.org/room?x=1#y"


def test_a_room_link_pattern_must_be_a_web_address(app, make_event):
    from dialogue.meetings import setup
    from dialogue.models import MeetingMode

    event = make_event()
    values = dict(mode=MeetingMode.REQUEST, slot_minutes=20, break_minutes=5, request_expiry_hours=48,
                  max_meetings_per_supplier=None, max_meetings_per_buyer=None, max_requests_per_supplier=None,
                  max_supplier_staff=2, reminder_minutes=0, virtual=True)
    with pytest.raises(DialogueError) as refused:
        setup.save_settings(event, virtual_link_template="javascript:alert('{code}')", **values)
    assert refused.value.field == "virtual_link_template"
    settings = setup.save_settings(event, virtual_link_template="https://meet.example.org/d-{code}", **values)
    assert settings.virtual_link_template == "https://meet.example.org/d-{code}"


def test_times_outside_the_calendar_or_without_a_zone_are_refused_not_crashed(app):
    from dialogue.core.timeutil import is_timezone, local_to_utc, to_zone

    assert not is_timezone("") and not is_timezone(None) and not is_timezone("Mars/Olympus")
    with pytest.raises(DialogueError, match="time zone"):
        local_to_utc(dt.datetime(2026, 3, 5, 9), "")
    with pytest.raises(DialogueError, match="1900"):
        local_to_utc(dt.datetime(1, 1, 1), "Europe/Helsinki")
    with pytest.raises(DialogueError, match="1900"):
        to_zone(dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc), "America/New_York")
    assert local_to_utc(dt.datetime(2026, 3, 5, 9), "Europe/Helsinki").hour == 7


def test_bidi_and_invisible_characters_leave_upload_names_and_downloads(client, auth, place):
    from dialogue.models import Material

    auth.login(place.organiser)
    response = client.post(f"/intents/{place.intent.id}/materials/new", data={
        "title": "Plan\u202e\u200b 2027", "description": "", "language": "en", "visibility": "public", "link": "",
        "file": (io.BytesIO(pdf()), "plan\u202egpj.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    material = db.session.scalar(select(Material))
    assert material.title == "Plan 2027" and material.current.filename == "plangpj.pdf"
    download = client.get(f"/materials/{material.id}/download")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition.upper() and "plangpj.pdf" in disposition


def test_the_personal_data_export_neutralises_formulas(app, make_user):
    from dialogue.gdpr.services import export_zip

    user = make_user(name="=HYPERLINK(\"http://evil.example\",\"click\")")
    with zipfile.ZipFile(io.BytesIO(export_zip(user))) as archive:
        texts = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()
                 if name.endswith(".csv")}
    cells = [cell for text in texts.values() for line in text.splitlines() for cell in line.split(",")]
    assert any("'=HYPERLINK" in cell for cell in cells)
    assert not any(cell.lstrip('"').startswith(("=", "+", "@")) for cell in cells)


def test_calendar_text_round_trips_exactly_through_a_second_parser(client, make_event, make_org):
    title = "R&D; fair, circular"
    event = make_event(title=title, summary="R&D; fair, circular <b>phones</b>", venue="Hall A; floor 2, east",
                       cohosts=[make_org(name="R&D, Oy; Helsinki")])
    response = client.get(f"/events/{event.slug}/calendar.ics")
    assert response.status_code == 200
    parsed = vobject.readOne(response.get_data(as_text=True))
    vevent = parsed.vevent
    assert vevent.summary.value == title
    assert vevent.location.value == "Hall A; floor 2, east"
    assert vevent.description.value.startswith("R&D; fair, circular phones\n")
    assert "&amp" not in response.get_data(as_text=True)


def test_the_command_line_answers_bad_arguments_with_a_message(app, runner, make_event, tmp_path):
    binary = tmp_path / "codes.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(args=["cpv", "import", str(binary)])
    assert result.exit_code == 1 and "not a CSV text file" in result.output and result.exception is not None
    assert not isinstance(result.exception, (UnboundLocalError, ValueError))

    result = runner.invoke(args=["outbox", "send", "--limit", "-5"])
    assert result.exit_code == 2 and "--limit" in result.output

    event = make_event()
    result = runner.invoke(args=["export", "attendance", event.slug, "-o", str(tmp_path / "missing" / "a.csv")])
    assert result.exit_code == 1 and "Could not write" in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    result = runner.invoke(args=["export", "attendance", event.slug, "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1
