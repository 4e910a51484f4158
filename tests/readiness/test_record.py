"""The matrix in the consultation records: all of it in the buyer's record of the planned tender, only the
published counts in the record of an event it was presented at."""

import csv
import io
import zipfile

from dialogue.extensions import db
from dialogue.models import EventIntent, MemberRole
from dialogue.readiness import services
from tests.readiness.conftest import answer


def _zip(response) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist() if name.endswith(".csv")}


def test_the_planned_tenders_record_holds_the_criteria_the_answers_and_the_published_counts(
        client, auth, matrix, staff, supplier):
    answer(matrix, supplier, "meets_today", "cannot", comment="Gen 10 across the range")
    services.publish_aggregate(matrix, staff)
    db.session.commit()
    auth.login(staff)
    page = client.get(f"/intents/{matrix.intent_id}/record")
    assert page.status_code == 200
    assert b"Market readiness" in page.data and b"Fair Devices Ltd" in page.data
    assert b"Gen 10 across the range" in page.data and b"Counts as published" in page.data
    files = _zip(client.get(f"/intents/{matrix.intent_id}/record.zip"))
    answers = files["readiness_answers.csv"]
    assert answers[0][:2] == ["Planned tender", "Organisation"]
    assert [(r[1], r[5], r[7]) for r in answers[1:]] == [("Fair Devices Ltd", "TCO Certified", "Meets it today"),
                                                         ("Fair Devices Ltd", "Take-back", "Cannot meet it")]
    published = files["readiness_published.csv"]
    assert [(r[2], r[3], r[6]) for r in published[1:]] == [("TCO Certified", "1", "0"), ("Take-back", "0", "1")]
    assert "Europe/Stockholm" in published[0][1]


def test_an_events_record_shows_the_published_counts_without_names(client, auth, matrix, staff, supplier, make_user,
                                                                    make_event):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    db.session.add(EventIntent(event=event, intent=matrix.intent))
    answer(matrix, supplier, "meets_today", "cannot", comment="Private remark")
    services.publish_aggregate(matrix, staff)
    db.session.commit()
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/record")
    assert page.status_code == 200 and b"Counts as published" in page.data
    assert b"Private remark" not in page.data
    files = _zip(client.get(f"/events/{event.slug}/record.zip"))
    assert "readiness_answers.csv" not in files
    assert files["readiness_published.csv"][1][0] == "Fair smartphones"
