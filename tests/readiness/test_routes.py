"""The readiness pages as each kind of visitor meets them."""

import datetime as dt
import io

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.materials.demo import make_pdf
from dialogue.models import AuditEntry, IntentStatus, ReadinessAnswer, utcnow
from dialogue.readiness import queries, services
from tests.readiness.conftest import answer, in_days

FUTURE = (utcnow() + dt.timedelta(days=400)).date()


def form_data(matrix, *choices, **extra):
    data = {}
    for c, choice in zip(matrix.criteria, choices, strict=False):
        data[f"c{c.id}_choice"] = choice
        for key, value in extra.items():
            data[f"c{c.id}_{key}"] = value
    return data


def test_anonymous_visitors_see_the_criteria_and_a_way_to_sign_in(client, matrix):
    page = client.get(f"/intents/{matrix.intent_id}/readiness")
    assert page.status_code == 200
    assert b"TCO Certified" in page.data and b"Sign in" in page.data and b"<form method=\"post\"" not in page.data
    assert client.post(f"/intents/{matrix.intent_id}/readiness", data={}).status_code == 302  # to sign in
    assert client.get(f"/intents/{matrix.intent_id}/readiness/manage").status_code == 302


def test_a_supplier_answers_on_one_form_and_sees_its_answers_again(client, auth, matrix, supplier):
    auth.login(supplier)
    page = client.get(f"/intents/{matrix.intent_id}/readiness")
    assert page.status_code == 200 and b"Save the answers" in page.data
    sent = client.post(f"/intents/{matrix.intent_id}/readiness",
                       data=form_data(matrix, "can_meet_by", "meets_today", by_date=FUTURE.isoformat(),
                                      comment="Gen 10 models from spring"))
    assert sent.status_code == 303
    page = client.get(f"/intents/{matrix.intent_id}/readiness")
    assert b"2 answers saved." in page.data
    assert FUTURE.isoformat().encode() in page.data and b"Gen 10 models from spring" in page.data


def test_a_wrong_row_is_shown_next_to_its_field_and_nothing_is_saved(client, auth, matrix, supplier):
    auth.login(supplier)
    sent = client.post(f"/intents/{matrix.intent_id}/readiness",
                       data=form_data(matrix, "meets_today", "can_meet_by", by_date=""))
    assert sent.status_code == 400
    assert b"Give the date by which you can meet it." in sent.data
    assert f'href="#c{matrix.criteria[1].id}_by_date"'.encode() in sent.data
    assert db.session.scalar(select(ReadinessAnswer.id)) is None


def test_a_supplier_sees_only_its_own_organisations_answers(client, auth, matrix, supplier, rival):
    answer(matrix, rival, "cannot", "cannot", comment="Rival secret plans")
    auth.login(supplier)
    page = client.get(f"/intents/{matrix.intent_id}/readiness")
    assert b"Rival secret plans" not in page.data and b"Green Phones" not in page.data
    detail = client.get(f"/intents/{matrix.intent_id}")
    assert b"Green Phones" not in detail.data


def test_a_closed_matrix_says_when_it_closed(client, auth, matrix, supplier):
    answer(matrix, supplier, "meets_today", "meets_today")
    matrix.closes_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    auth.login(supplier)
    page = client.get(f"/intents/{matrix.intent_id}/readiness")
    assert b"Answers closed on" in page.data and b"Save the answers" not in page.data
    assert b"Meets it today" in page.data  # its answers, read-only
    sent = client.post(f"/intents/{matrix.intent_id}/readiness", data=form_data(matrix, "cannot", "cannot"))
    assert sent.status_code == 400 and b"Answers closed on" in sent.data


def test_a_civil_society_member_may_not_answer(client, auth, matrix, observer):
    auth.login(observer)
    assert client.post(f"/intents/{matrix.intent_id}/readiness",
                       data=form_data(matrix, "meets_today")).status_code == 403


def test_the_buyer_sets_up_edits_and_publishes(client, auth, intent, staff, supplier, rival):
    auth.login(staff)
    page = client.get(f"/intents/{intent.id}/readiness/manage")
    assert page.status_code == 200 and b"Set up the readiness questions" in page.data
    closes = (utcnow() + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/intents/{intent.id}/readiness/manage/settings",
                       data={"intro": "Tell us", "closes_at": closes}).status_code == 303
    matrix = queries.get_matrix(intent.id)
    assert [c.title for c in matrix.criteria] == ["TCO Certified", "Take-back"]
    assert client.post(f"/intents/{intent.id}/readiness/manage/criteria",
                       data={"new-title": "Repair for 5 years", "new-text": ""}).status_code == 303
    row = queries.get_matrix(intent.id).criteria[-1]
    assert client.post(f"/intents/{intent.id}/readiness/manage/criteria/{row.id}",
                       data={f"row{row.id}-title": "Repair for 6 years", f"row{row.id}-text": "x"}).status_code == 303
    answer(queries.get_matrix(intent.id), supplier, "meets_today", "cannot", "cannot")
    answer(queries.get_matrix(intent.id), rival, "cannot", "cannot", "meets_today")
    page = client.get(f"/intents/{intent.id}/readiness/manage")
    assert b"Fair Devices Ltd" in page.data and b"Green Phones Oy" in page.data and b"Repair for 6 years" in page.data
    assert client.post(f"/intents/{intent.id}/readiness/manage/publish").status_code == 303
    auth.logout()
    detail = client.get(f"/intents/{intent.id}")
    assert b"Market readiness" in detail.data
    assert b"1 of 2 responding suppliers can meet it today; 1 cannot." in detail.data
    assert b"<caption>" in detail.data and b"Fair Devices" not in detail.data and b"Green Phones" not in detail.data


def test_a_refused_closing_time_is_shown_on_the_form(client, auth, intent, staff):
    auth.login(staff)
    past = (utcnow() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    sent = client.post(f"/intents/{intent.id}/readiness/manage/settings", data={"closes_at": past})
    assert sent.status_code == 400 and b"Choose a closing time in the future." in sent.data


def test_rows_need_a_matrix_and_a_title_and_go_when_removed(client, auth, intent, staff):
    auth.login(staff)
    base = f"/intents/{intent.id}/readiness/manage"
    assert client.post(f"{base}/criteria", data={"new-title": "Repair"}).status_code == 404  # not set up yet
    services.set_up_matrix(intent, staff, intro="", closes_local=in_days(30))
    db.session.commit()
    untitled = client.post(f"{base}/criteria", data={"new-title": "", "new-text": "Spare parts"})
    assert untitled.status_code == 400 and b"Give the criterion a title." in untitled.data
    assert b"Spare parts" in untitled.data  # what was typed stays in the form
    first = queries.get_matrix(intent.id).criteria[0].id
    removed = client.post(f"{base}/criteria/{first}/remove", follow_redirects=True)
    assert b"The criterion is removed." in removed.data
    assert [c.title for c in queries.get_matrix(intent.id).criteria] == ["Take-back"]
    assert client.post(f"{base}/criteria/{first}/remove").status_code == 404


def test_another_buyer_and_suppliers_are_refused_the_buyers_pages(client, auth, matrix, other_buyer, supplier):
    for person in (other_buyer, supplier):
        auth.login(person)
        for url in ("/readiness/manage", "/readiness/export.csv", "/readiness/export.xlsx"):
            assert client.get(f"/intents/{matrix.intent_id}{url}").status_code == 403, url
        for url in ("/readiness/manage/publish", "/readiness/manage/settings", "/readiness/manage/criteria",
                    f"/readiness/manage/criteria/{matrix.criteria[0].id}/remove"):
            assert client.post(f"/intents/{matrix.intent_id}{url}", data={}).status_code == 403, url


def test_a_draft_tenders_matrix_does_not_exist_for_others(client, auth, matrix, supplier):
    matrix.intent.status = IntentStatus.DRAFT
    db.session.commit()
    auth.login(supplier)
    assert client.get(f"/intents/{matrix.intent_id}/readiness").status_code == 404


def test_no_matrix_is_404_for_suppliers_and_leads_the_buyer_to_set_up(client, auth, intent, staff, supplier):
    auth.login(supplier)
    assert client.get(f"/intents/{intent.id}/readiness").status_code == 404
    auth.login(staff)
    response = client.get(f"/intents/{intent.id}/readiness")
    assert response.status_code == 303 and response.headers["Location"].endswith("/readiness/manage")


def test_evidence_files_are_checked_as_materials_and_seen_only_by_their_owner_and_the_buyer(
        client, auth, matrix, supplier, rival, staff):
    auth.login(supplier)
    row = matrix.criteria[0].id

    def send(name, content):
        return client.post(f"/intents/{matrix.intent_id}/readiness", content_type="multipart/form-data",
                           data={f"c{row}_choice": "meets_today", f"c{row}_evidence_file": (io.BytesIO(content), name)})

    refused = send("label.pdf", b"MZ\x90\x00 not a pdf")
    assert refused.status_code == 400 and b"This file is a program" in refused.data
    assert send("label.exe", b"%PDF-1.4").status_code == 400
    assert send("../label.pdf", make_pdf(["x"])).status_code == 400
    assert db.session.scalar(select(ReadinessAnswer.id)) is None
    assert send("TCO certificate.pdf", make_pdf(["Certificate"])).status_code == 303
    saved = db.session.scalar(select(ReadinessAnswer))
    assert saved.evidence_filename == "TCO certificate.pdf" and saved.evidence_mimetype == "application/pdf"
    url = f"/intents/{matrix.intent_id}/readiness/evidence/{saved.id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]
    auth.login(rival)
    assert client.get(url).status_code == 403
    auth.login(staff)
    assert client.get(url).status_code == 200
    auth.logout()
    assert client.get(url).status_code == 302


def test_a_supplier_removes_its_evidence_file(client, auth, matrix, supplier):
    auth.login(supplier)
    row = matrix.criteria[0].id
    client.post(f"/intents/{matrix.intent_id}/readiness", content_type="multipart/form-data",
                data={f"c{row}_choice": "meets_today", f"c{row}_evidence_file": (io.BytesIO(make_pdf(["x"])), "a.pdf")})
    client.post(f"/intents/{matrix.intent_id}/readiness",
                data={f"c{row}_choice": "meets_today", f"c{row}_remove_file": "y"})
    assert db.session.scalar(select(ReadinessAnswer)).evidence_sha256 is None


def test_saving_answers_is_audited_with_the_organisation(client, auth, matrix, supplier):
    auth.login(supplier)
    client.post(f"/intents/{matrix.intent_id}/readiness", data=form_data(matrix, "meets_today"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "readiness.answer"))
    assert entry.actor_organisation == "Fair Devices Ltd" and entry.intent_id == matrix.intent_id
