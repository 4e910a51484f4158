"""What leaves the application: the buyer's CSV and XLSX files, and the public JSON of the published counts."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from dialogue.extensions import db
from dialogue.models import IntentStatus, utcnow
from dialogue.readiness import services
from tests.readiness.conftest import answer

FUTURE = (utcnow() + dt.timedelta(days=300)).date()


def test_the_xlsx_export_has_a_row_per_organisation_and_criterion_and_runs_no_formula(
        client, auth, matrix, staff, supplier, rival):
    answer(matrix, supplier, "can_meet_by", "meets_today", by_date=FUTURE, comment="=HYPERLINK(\"http://x\")")
    answer(matrix, rival, "cannot")
    auth.login(staff)
    response = client.get(f"/intents/{matrix.intent_id}/readiness/export.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:7] == ["Organisation", "Kind", "Country", "No.", "Criterion", "Criterion text", "Answer"]
    body = {(r[0], r[4]): r for r in rows[1:]}
    assert len(rows) == 1 + 2 * 2  # two organisations, two criteria each
    fair = body[("Fair Devices Ltd", "TCO Certified")]
    assert fair[6] == "Can meet it by a date" and fair[7].date() == FUTURE
    assert fair[8] == "=HYPERLINK(\"http://x\")"
    assert sheet.cell(row=2, column=9).data_type == "s"  # text, not a formula
    assert body[("Green Phones Oy", "Take-back")][6] is None  # not answered


def test_the_csv_export_neutralises_formulas_and_is_audited(client, auth, matrix, staff, supplier):
    answer(matrix, supplier, "meets_today", comment="+cmd|' /C calc'!A0")
    auth.login(staff)
    response = client.get(f"/intents/{matrix.intent_id}/readiness/export.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][0] == "Fair Devices Ltd" and rows[1][8] == "'+cmd|' /C calc'!A0"
    from sqlalchemy import select

    from dialogue.models import AuditEntry
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "readiness.export"))


def test_the_api_gives_the_published_counts_only(client, matrix, staff, supplier, rival):
    url = f"/api/v1/intents/{matrix.intent_id}/readiness"
    answer(matrix, supplier, "meets_today", "cannot")
    assert client.get(url).status_code == 404  # nothing published yet
    services.publish_aggregate(matrix, staff)
    db.session.commit()
    answer(matrix, rival, "can_meet_by", "meets_today", by_date=FUTURE)
    data = client.get(url).get_json()
    assert data["responding"] == 1 and data["published_at"].startswith(str(utcnow().year))
    tco = data["criteria"][0]
    assert (tco["title"], tco["kind"], tco["subject"]) == ("TCO Certified", "label", "tco_certified")
    assert tco["counts"] == {"meets_today": 1, "can_meet_by": 0, "cannot": 0, "not_applicable": 0, "responding": 1}
    assert "Fair Devices" not in str(data)
    matrix.intent.status = IntentStatus.DRAFT
    db.session.commit()
    assert client.get(url).status_code == 404
