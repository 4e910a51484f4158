import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dialogue.core.spreadsheet import csv_chunks
from dialogue.exports import attendance
from dialogue.extensions import db
from dialogue.models import (
    MemberRole,
    OrganisationKind,
    ParticipantRole,
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
)

NASTY = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def organiser(make_user, make_org):
    return make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER), role=MemberRole.ADMIN)


@pytest.fixture
def event(make_event, organiser, make_registration, make_user, make_org):
    event = make_event(organiser=organiser, timezone="Europe/Amsterdam",
                       starts_at=dt.datetime(2018, 10, 3, 7, 30, tzinfo=dt.timezone.utc),
                       ends_at=dt.datetime(2018, 10, 3, 11, tzinfo=dt.timezone.utc))
    question = RegistrationQuestion(event=event, kind=QuestionKind.TEXT, text="Which products do you bring?",
                                    position=1)
    db.session.add(question)
    db.session.commit()
    came = make_registration(event, make_user(make_org(name="Circular Computing", country="GB"), name="Sam Taylor"),
                             checked_in_at=dt.datetime(2018, 10, 3, 7, 12, tzinfo=dt.timezone.utc),
                             list_consent_at=dt.datetime(2018, 9, 1, 8, tzinfo=dt.timezone.utc),
                             list_consent_version="2024-1")
    came.answers.append(RegistrationAnswer(question=question, value="Refurbished laptops"))
    for i, text in enumerate(NASTY):
        make_registration(event, make_user(make_org(name=text), name=f"Person {text}"),
                          role=ParticipantRole.RESELLER if i % 2 else ParticipantRole.SUPPLIER)
    make_registration(event, state=RegistrationState.CANCELLED)
    db.session.commit()
    return event


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads the accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_neutralises_formulas_and_gives_local_times(client, auth, event, organiser):
    auth.login(organiser)
    response = client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=person&columns=organisation"
                          "&columns=country&columns=checked_in_at&columns=answers&columns=consent")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-attendance.csv"'
    rows = read_csv(response.data)
    assert rows[0] == ["Person", "Organisation", "Country", "Checked in (Europe/Amsterdam)",
                       "Which products do you bring?", "Listed", "Consent given (Europe/Amsterdam)",
                       "Consent wording"]
    assert rows[1] == ["Sam Taylor", "Circular Computing", "GB", "2018-10-03 09:12:00", "Refurbished laptops", "yes",
                       "2018-09-01 10:00:00", "2024-1"]
    organisations = [row[1] for row in rows[2:]]
    for text in NASTY:
        assert "'" + text in organisations
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert len(rows) == 1 + 1 + len(NASTY) + 1


def test_rows_filtered_by_role_state_and_check_in(client, auth, event, organiser):
    auth.login(organiser)
    came = read_csv(client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=person"
                               "&checked_in=yes").data)
    assert came == [["Person"], ["Sam Taylor"]]
    resellers = read_csv(client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=person&columns=role"
                                    "&roles=reseller&states=confirmed").data)
    assert {row[1] for row in resellers[1:]} == {"Reseller"} and len(resellers) == 1 + len(NASTY) // 2
    cancelled = read_csv(client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=state"
                                    "&states=cancelled").data)
    assert cancelled == [["State"], ["cancelled"]]


def test_xlsx_has_real_dates_a_frozen_header_and_text_never_formulas(client, auth, event, organiser):
    auth.login(organiser)
    response = client.get(f"/events/{event.slug}/export/attendance?format=xlsx&columns=person"
                          "&columns=organisation&columns=registered_at&columns=checked_in_at")
    assert response.status_code == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == ["Person", "Organisation", "Registered (Europe/Amsterdam)", "Checked in (Europe/Amsterdam)"]
    assert all(c.font.bold for c in sheet[1])
    sam = [c for c in sheet[2]]
    assert sam[3].value == dt.datetime(2018, 10, 3, 9, 12) and sam[3].is_date
    assert isinstance(sam[2].value, dt.datetime)
    organisations = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=3)}
    for text in NASTY:
        assert text in organisations or text.replace("\r", "\n") in organisations, (text, list(organisations))
    assert set(organisations.values()) == {"s"}  # strings, never formulas
    assert sheet.max_row == 1 + 1 + len(NASTY) + 1


def test_bad_choices_are_refused_on_the_form(client, auth, event, organiser):
    auth.login(organiser)
    response = client.get(f"/events/{event.slug}/export/attendance?format=pdf")
    assert response.status_code == 400
    response = client.get(f"/events/{event.slug}/export/attendance?format=csv&columns=password_hash")
    assert response.status_code == 400 and 'id="columns-error"' in response.get_data(as_text=True)
    response = client.get(f"/events/{event.slug}/export/attendance?format=csv&states=maybe")
    assert response.status_code == 400
    page = client.get(f"/events/{event.slug}/export").get_data(as_text=True)
    assert 'name="columns"' in page and 'value="checked_in_at"' in page


def test_the_export_reads_rows_as_it_writes_them(app, event):
    headings, rows = attendance.rows(event, ["person"], attendance.Filters())
    assert iter(rows) is rows  # a generator: nothing is read before the writer asks
    chunks = csv_chunks(headings, rows, flush_every=2)
    first = next(chunks)
    assert first.startswith("\ufeff".encode()) and first.count(b"\r\n") == 3  # heading and the first two rows
    assert sum(chunk.count(b"\r\n") for chunk in chunks) == len(NASTY) + 2 - 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export(runner, event, tmp_path, fmt):
    out = tmp_path / f"attendance.{fmt}"
    result = runner.invoke(args=["export", "attendance", event.slug, "--format", fmt, "--columns", "person,country",
                                 "--checked-in", "yes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 registrations written" in result.output
    if fmt == "csv":
        assert read_csv(out.read_bytes()) == [["Person", "Country"], ["Sam Taylor", "GB"]]
    else:
        sheet = load_workbook(out).active
        assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Person", "Country"], ["Sam Taylor", "GB"]]
    bad = runner.invoke(args=["export", "attendance", "no-such-event", "-o", str(out)])
    assert bad.exit_code != 0 and "No event" in bad.output
    bad = runner.invoke(args=["export", "attendance", event.slug, "--columns", "salary", "-o", str(out)])
    assert bad.exit_code != 0 and "Unknown column" in bad.output


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"])
def test_csv_times_are_local_to_the_second_across_summer_time_and_odd_offsets(
        app, make_event, make_registration, organiser, zone):
    """The CSV gives each time as the XLSX does (the zone's offset of that instant, seconds cut), also
    in the second before and after a change of summer time and in a zone of its old local mean time."""
    event = make_event(organiser=organiser, timezone=zone)
    utc = dt.timezone.utc
    instants = [dt.datetime(2018, 3, 25, 0, 59, 59, 999999, tzinfo=utc), dt.datetime(2018, 3, 25, 1, tzinfo=utc),
                dt.datetime(2018, 11, 4, 5, 59, 59, tzinfo=utc), dt.datetime(2018, 11, 4, 6, 0, 1, tzinfo=utc),
                dt.datetime(2018, 4, 1, 15, 30, 30, 500000, tzinfo=utc), dt.datetime(1890, 6, 1, 12, 0, 7, tzinfo=utc)]
    for instant in instants:
        make_registration(event, checked_in_at=instant)
    db.session.commit()
    _, texts = attendance.rows(event, ["checked_in_at"], attendance.Filters(), text_times=True)
    _, times = attendance.rows(event, ["checked_in_at"], attendance.Filters())
    texts, times = [row[0] for row in texts], [row[0] for row in times]
    assert texts == [i.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0).isoformat(" ")
                     for i in instants]
    assert texts == [t.isoformat(" ", "seconds") for t in times]
