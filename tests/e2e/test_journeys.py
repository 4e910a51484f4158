"""One journey per user of the platform, through the UI only, by visible labels and roles.

Each journey builds what it needs under a fresh name (tests/e2e/scenes.py) or reads demo data it
does not change, so the journeys run in any order. The page fixture saves a screenshot of each
journey's last page in tests/e2e/artifacts/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from tests.e2e import scenes
from tests.e2e.conftest import as_user, download, latest_mail, sign_in

SUPPLIER = "sam.taylor@circular.example.org"   # Circular Computing
RESELLER = "johan.berg@nordicit.example.org"   # Nordic IT Partners, registered for the Nordic Forum
NORDIC = "Nordic Forum for Market Dialogue: fair and circular smartphones"


def local(days: int, clock: str) -> str:
    """A datetime-local field value ``days`` from today in the demo zone."""
    day = dt.datetime.now(ZoneInfo(scenes.ZONE)).date() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{clock}"


def choose(select, text: str) -> None:
    """Select the option whose visible text contains ``text`` (options often add a date)."""
    select.select_option(value=select.locator("option", has_text=text).get_attribute("value"))


def link_in(body: str, path: str) -> str:
    return re.search(rf"http://[^\s)]+{path}[^\s)]*", body).group(0)


def test_cohosting_buyer_creates_an_event_announces_an_intent_and_answers_a_question(page, other_page):
    k = scenes.key()
    title = f"Joint dialogue on tablets {k}"
    as_user(page, scenes.ORGANISER)
    page.goto("/")
    page.get_by_role("link", name="My events").click()
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("Helsinki and Malmö ask the market about fair and circular tablets.")
    page.get_by_label("Time zone").select_option("Europe/Helsinki")
    page.get_by_label("Starts").fill(local(60, "09:00"))
    page.get_by_label("Ends").fill(local(60, "16:00"))
    page.get_by_label("Venue").fill("Malmö Live")
    page.get_by_label("City of Malmö").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=f"Manage {title}").wait_for()

    for name, kind, start, end, speakers in (
            ("The cities' plans for tablets", "Buyer presentation", "09:30", "10:30", scenes.BUYER),
            ("Suppliers show refurbished tablets", "Supplier pitch", "10:45", "12:00", "")):
        page.get_by_role("link", name="Add a session").click()
        page.get_by_label("Title").fill(name)
        page.get_by_label("Kind").select_option(label=kind)
        page.get_by_label("Starts").fill(local(60, start))
        page.get_by_label("Ends").fill(local(60, end))
        page.get_by_label("Room").fill("Hall A")
        page.get_by_label("Speakers").fill(speakers)
        page.get_by_role("button", name="Save").click()
        page.get_by_role("link", name=f"Edit {name}").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Close registration").wait_for()

    page.get_by_role("link", name="Public page").click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    cohosts = page.get_by_role("region", name="Practical information")
    assert cohosts.get_by_role("link", name="City of Malmö").is_visible()
    agenda = page.get_by_role("region", name="Agenda")
    assert agenda.get_by_role("heading", name="The cities' plans for tablets").is_visible()
    assert agenda.get_by_text("Erik Lund (City of Malmö)").is_visible()

    intent_title = f"Tablets for school staff {k}"
    page.get_by_role("link", name="Planned tenders").first.click()
    page.get_by_role("link", name="Announce a planned tender").click()
    what = page.get_by_role("group", name="What you plan to buy")
    what.get_by_label("Title").fill(intent_title)
    what.get_by_label("Short description").fill("About 5,000 tablets a year with repair and take-back.")
    what.get_by_label("Main CPV code").fill("30213200-7")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name=intent_title, level=1).wait_for()
    page.get_by_role("button", name="Announce").click()
    page.get_by_role("link", name="Status and events").click()
    choose(page.get_by_label("Event"), title)
    page.get_by_role("button", name="Link to this event").click()
    page.get_by_role("button", name=f"Remove from {title}").wait_for()
    back_to_intent = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=intent_title)

    supplier = other_page(SUPPLIER)
    supplier.goto("/")
    supplier.get_by_role("link", name=title).click()
    supplier.get_by_role("region", name="Planned tenders presented").get_by_role("link", name=intent_title).click()
    question = "Do refurbished tablets with a two-year warranty qualify?"
    supplier.get_by_label("Your question").fill(question)
    supplier.get_by_role("button", name="Send the question").click()
    supplier.get_by_role("status").filter(has_text="Your question is sent").wait_for()

    back_to_intent.click()
    page.get_by_role("link", name="Questions (1 waiting)").click()
    waiting = page.get_by_role("region", name=re.compile("Waiting for an answer"))
    assert waiting.get_by_label("Question as published").input_value() == question
    answer = "Yes, if the battery and the warranty terms match those of new tablets."
    waiting.get_by_label("Answer").fill(answer)
    waiting.get_by_role("button", name="Publish the answer to everyone").click()
    page.get_by_role("region", name=re.compile("Answered")).wait_for()

    supplier.reload()
    qa = supplier.get_by_role("region", name="Questions and answers")
    assert qa.get_by_text(question).is_visible()
    assert qa.get_by_text(answer).is_visible()
    back_to_intent.click()
    assert page.get_by_role("region", name="Questions and answers").get_by_text(answer).is_visible()


def test_supplier_signs_up_registers_asks_and_gets_a_meeting(page, other_page, server_app, server_db):
    event = scenes.meeting_event(server_app)
    k = scenes.key()
    email = f"lena-{k}@refurbished.example.org"
    organisation = f"Refurbished Phones {k}"
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Lena Lindqvist")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Password", exact=True).fill(scenes.PASSWORD)
    page.get_by_label("Confirm password").fill(scenes.PASSWORD)
    page.get_by_label("Organisation name").fill(organisation)
    page.get_by_label("Kind of organisation").select_option(label="Supplier")
    page.get_by_label("Country").select_option(label="Sweden")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(link_in(latest_mail(server_db, email, "auth.verify"), "/verify/"))
    sign_in(page, email, scenes.PASSWORD)

    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name=event["title"]).click()
    page.get_by_role("region", name="Registration").get_by_role("link", name="Register").click()
    page.get_by_label("Supplier").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("List me in the participant list").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Your registration").wait_for()
    assert page.get_by_role("status").filter(has_text="You are registered").is_visible()
    assert page.get_by_role("definition").filter(has_text="confirmed").is_visible()

    page.get_by_role("link", name="Planned tenders").first.click()
    page.get_by_role("link", name=re.compile("alerts", re.I)).first.click()
    page.get_by_label("CPV code or prefix").fill("32250000-0")
    page.get_by_role("button", name="Save alert").click()
    # Stored as the code's meaningful prefix, so alerts also match the codes below it.
    assert page.get_by_role("table", name="Your alerts").get_by_role(
        "rowheader", name="CPV 3225 (Mobile telephones)").is_visible()

    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name=event["title"]).click()
    page.get_by_role("region", name="Planned tenders presented").get_by_role("link", name=scenes.MALMO_INTENT).click()
    page.get_by_label("Your question").fill("Which share of the phones may be refurbished?")
    page.get_by_role("button", name="Send the question").click()
    page.get_by_role("status").filter(has_text="Your question is sent").wait_for()
    page.get_by_role("button", name="Follow this planned tender").click()
    page.get_by_role("button", name="Stop following").wait_for()

    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name=event["title"]).click()
    page.get_by_role("link", name="Request a meeting").click()
    page.get_by_role("link", name="Request a meeting with City of Malmö").click()
    page.get_by_label("Planned tender to discuss").select_option(label=scenes.MALMO_INTENT)
    page.get_by_label("Short agenda").fill("Our refurbished phones, spare parts for seven years.")
    page.get_by_role("group", name="Times that suit you").get_by_label(re.compile("14:00")).check()
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("status").filter(has_text="Your request is sent to City of Malmö").wait_for()

    buyer = other_page(scenes.BUYER)
    buyer.goto("/")
    buyer.get_by_role("link", name="My meetings").click()
    requests = buyer.get_by_role("table", name="Requests to you")
    requests.get_by_role("row").filter(has_text=organisation).get_by_role("link").click()
    buyer.get_by_role("group", name="Time").get_by_label(re.compile("14:00.*★")).check()  # ★: she prefers it
    buyer.get_by_role("button", name="Accept and send invitations").click()
    buyer.get_by_role("status").filter(has_text="Meeting confirmed").wait_for()

    page.get_by_role("link", name="My meetings").click()
    upcoming = page.get_by_role("table", name="Upcoming meetings")
    row = upcoming.get_by_role("row").filter(has_text="Erik Lund")
    assert row.get_by_role("cell", name="confirmed").is_visible()
    row.get_by_role("link").first.click()
    name, data = download(page, page.get_by_role("link", name="Download for your calendar (.ics)").click)
    assert name.endswith(".ics")
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "REQUEST"
    [meeting] = calendar.walk("VEVENT")
    assert str(meeting["SUMMARY"]) == f"Meeting: City of Malmö – {scenes.MALMO_INTENT}"
    assert meeting["STATUS"] == "CONFIRMED" and meeting["UID"].startswith("meeting-")
    start = meeting.decoded("DTSTART")
    assert (str(start.tzinfo), start.strftime("%H:%M")) == (scenes.ZONE, "14:00")  # the time she preferred
    assert {str(a).lower() for a in meeting["ATTENDEE"]} == {f"mailto:{scenes.BUYER}", f"mailto:{email}"}


def test_participant_downloads_a_presentation_and_the_material_package(page):
    as_user(page, RESELLER)
    page.goto("/")
    page.get_by_role("link", name=NORDIC).click()
    materials = page.get_by_role("region", name="Presentations and materials")
    slides = "Slides: Smartphones: volumes, timing and criteria"
    # A PDF opens in the browser's viewer (materials shows PDFs inline); the viewer replaces the
    # page's body, so the file is read again at the same address with the person's session.
    with page.expect_response(re.compile(r"/materials/\d+/download")) as opened:
        materials.get_by_role("link", name=f"Download {slides}").click()
    assert opened.value.ok and opened.value.headers["content-type"] == "application/pdf"
    pdf = page.context.request.get(opened.value.url)
    assert pdf.body().startswith(b"%PDF-") and slides.split(": ", 1)[1].encode() in pdf.body()
    page.go_back()

    name, data = download(page, materials.get_by_role("link", name="Download all materials as one ZIP file").click)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        entries = package.namelist()
        # Named by session, in agenda order; the event-wide programme first.
        assert entries == [
            "00 - General - Programme and background.pdf",
            "01 - Welcome and the cities' joint procurement plans - Slides Welcome and the cities' joint "
            "procurement plans.pdf",
            "02 - Smartphones volumes, timing and criteria - Slides Smartphones volumes, timing and criteria.pdf",
            "04 - Supplier pitches fair and circular devices - Slides Supplier pitches fair and circular "
            "devices.pdf"]
        assert all(package.read(entry).startswith(b"%PDF-") for entry in entries)
        assert package.read(entries[2]) == pdf.body()


def test_organiser_checks_in_exports_schedules_and_sends_the_survey(page, server_db, server_app):
    event = scenes.event_in_progress(server_app)
    first, second, third = event["suppliers"]
    as_user(page, scenes.ORGANISER)
    page.goto("/")

    def manage_page():
        page.get_by_role("link", name="My events").click()
        page.get_by_role("row").filter(has_text=event["title"]).get_by_role("link", name="Organiser: manage").click()

    manage_page()
    page.get_by_role("link", name="Check-in at the door").click()
    page.get_by_label("Ticket code").fill(first["ticket"])
    page.get_by_role("button", name="Check in").click()
    page.get_by_text(re.compile(f"{first['name']}.*checked in")).first.wait_for()
    page.get_by_label("Ticket code").fill(second["ticket"])
    page.get_by_role("button", name="Check in").click()
    page.get_by_text(re.compile(f"{second['name']}.*checked in")).first.wait_for()
    page.get_by_role("heading", name="Checked in: 2 / 4").wait_for()

    manage_page()
    page.get_by_role("link", name="Export attendance (CSV, Excel)").click()
    page.get_by_label("Email").check()
    page.get_by_label("CSV (UTF-8)").check()
    name, data = download(page, page.get_by_role("button", name="Download").click)
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_email = {row["Email"]: row for row in rows}
    assert set(by_email) == {scenes.BUYER, first["email"], second["email"], third["email"]}
    came = "Checked in (Europe/Helsinki)"
    now = dt.datetime.now(ZoneInfo(scenes.ZONE)).replace(tzinfo=None)
    for person in (first, second):
        row = by_email[person["email"]]
        assert (row["Person"], row["Organisation"], row["Role"], row["State"]) == (
            person["name"], person["organisation"], "Supplier", "confirmed")
        assert abs(dt.datetime.fromisoformat(row[came]) - now) < dt.timedelta(minutes=5)
    assert by_email[third["email"]][came] == by_email[scenes.BUYER][came] == ""

    page.get_by_label("Excel (XLSX)").check()
    page.get_by_role("combobox", name="Checked in").select_option(label="Only those who came")
    name, data = download(page, page.get_by_role("button", name="Download").click)
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    header, *records = [list(row) for row in sheet.iter_rows(values_only=True)]
    records = [dict(zip(header, row, strict=True)) for row in records if any(row)]
    assert sorted(r["Email"] for r in records) == sorted([first["email"], second["email"]])
    assert all(isinstance(r[came], dt.datetime) for r in records)  # real dates, not text

    manage_page()
    page.get_by_role("link", name="Auto-scheduler").click()
    page.get_by_label("Time limit (seconds)").fill("5")
    page.get_by_role("button", name="Run").click()
    page.get_by_role("link", name="Review the draft schedule").wait_for(timeout=60000)
    assert page.get_by_text("3 of 3 requests").is_visible()
    page.get_by_role("link", name="Review the draft schedule").click()
    page.get_by_role("button", name="Publish 3 draft meetings and send invitations").click()
    page.get_by_role("status").filter(has_text="3 meetings published").wait_for()
    assert "Erik Lund" in latest_mail(server_db, first["email"], "meetings.invitation")

    manage_page()
    page.get_by_role("link", name="New survey from a template").click()
    page.get_by_label("Market dialogue feedback").check()
    page.get_by_role("button", name="Create the survey").click()
    settings = page.locator("form", has=page.get_by_role("button", name="Save the settings"))
    settings.get_by_label("Only participants who checked in").check()
    settings.get_by_label("Opens").fill(dt.datetime.now(ZoneInfo(scenes.ZONE)).strftime("%Y-%m-%dT%H:%M"))
    settings.get_by_role("button", name="Save the settings").click()
    page.get_by_role("button", name="Schedule the survey").click()
    page.get_by_role("button", name="Send what is due now").click()
    # The worker sends them: the job's page follows its progress to the result.
    page.get_by_text("2 invitations and 0 reminders are on their way").wait_for(timeout=60000)
    page.get_by_role("link", name="See the result").click()
    assert "/s/" in latest_mail(server_db, first["email"], "surveys.invitation")
    assert "/s/" in latest_mail(server_db, second["email"], "surveys.invitation")
    with pytest.raises(AssertionError, match="no mail"):  # she did not come: nobody asks her
        latest_mail(server_db, third["email"], "surveys.invitation")
    respondents = page.get_by_role("table").filter(has_text=first["email"])
    assert respondents.get_by_text(second["email"]).is_visible()


def test_participant_answers_the_survey_from_the_emailed_link(page, server_app, server_db):
    event = scenes.event_with_open_survey(server_app)
    person = event["participants"][0]
    link = link_in(latest_mail(server_db, person["email"], "surveys.invitation"), "/s/")
    page.goto(link)
    page.get_by_role("heading", name=event["survey_title"], level=1).wait_for()
    usefulness = page.get_by_role("group", name=re.compile("How useful was the market dialogue"))
    usefulness.get_by_label("4", exact=True).check()
    page.get_by_role("group", name=re.compile("How clearly did the buyers")).get_by_label("5", exact=True).check()
    page.get_by_role("group", name=re.compile("Will you bid")).get_by_label("Probably", exact=True).check()
    barriers = page.get_by_role("group", name=re.compile("What are your barriers"))
    barriers.get_by_label("Cost of audits and certification").check()
    page.get_by_label(re.compile("Anything else the buyers should know")).fill("Publish the lots early, please.")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name=re.compile("Thank you")).wait_for()

    page.goto(link)  # the same link again: her answers are there to change until the survey closes
    assert page.get_by_text("You have answered already").is_visible()
    assert page.get_by_role("group", name=re.compile("How useful was")).get_by_label("4", exact=True).is_checked()
    assert page.get_by_label(re.compile("Anything else")).input_value() == "Publish the lots early, please."
