"""The whole story through the pages: announce, alert, ask, answer to all, open data."""

import re

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import Intent, IntentQuestion
from dialogue.outbox.worker import deliver_due
from tests.intents.test_ocds import assert_codelists, assert_valid, schemas
from tests.intents.test_routes import form_data


def test_announce_alert_ask_answer_publish(app, client, auth, staff, supplier, reseller, smtp_server):
    app.config["MAIL_PORT"] = smtp_server.port

    # A supplier and a reseller set up alerts.
    auth.login(supplier)
    assert client.post("/intents/alerts", data={"cpv_prefix": "3021", "buyer_id": ""}).status_code == 303
    auth.login(reseller)
    assert client.post("/intents/alerts", data={"cpv_prefix": "",
                                                "buyer_id": str(staff.organisation.id)}).status_code == 303

    # The buyer announces a planned tender with CPV codes and criteria.
    auth.login(staff)
    data = form_data(title="Tablets for schools 2027", epeat="y", epeat_tier="silver", epeat_text="EPEAT Silver",
                     electronics_watch="y", electronics_watch_text="We are affiliates.")
    assert client.post("/intents/new", data=data).status_code == 303
    intent = db.session.scalar(select(Intent))
    assert client.post(f"/intents/{intent.id}/announce").status_code == 303
    assert deliver_due()["sent"] == 2
    alerts = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert set(alerts) == {supplier.email, reseller.email}
    alert = alerts[supplier.email]
    assert "Tablets for schools 2027" in alert["Subject"]
    body = alert.get_body(("plain",)).get_content()
    assert "EPEAT Silver" in body and "Electronics Watch affiliation" in body
    link = re.search(r"http://dialogue\.test(/intents/\d+)", body).group(1)

    # The supplier follows the link and asks; the question stays private until answered.
    auth.login(supplier)
    assert "Tablets for schools 2027" in client.get(link).get_data(as_text=True)
    assert client.post(f"{link}/questions", data={"text": "Is a 10-inch screen the minimum?"}).status_code == 303
    auth.logout()
    assert "10-inch" not in client.get(link).get_data(as_text=True)

    # The buyer answers; everyone sees it, and every follower gets it by mail.
    auth.login(staff)
    question = db.session.scalar(select(IntentQuestion))
    assert client.post(f"{link}/questions/{question.id}/answer",
                       data={f"q{question.id}-public_text": question.public_text,
                             f"q{question.id}-answer": "Yes, 10 inches at least."}).status_code == 303
    smtp_server.messages.clear()
    deliver_due()
    answered = {m["to"][0]: m["message"] for m in smtp_server.messages}
    assert "New question" in answered.pop("bea@testholm.example.org")["Subject"]  # the buyer's contact point
    assert set(answered) == {supplier.email, reseller.email}  # the asker and the buyer's follower alike
    for message in answered.values():
        assert "Yes, 10 inches at least." in message.get_body(("plain",)).get_content()
    auth.logout()
    page = client.get(link).get_data(as_text=True)
    assert "Is a 10-inch screen the minimum?" in page and "Yes, 10 inches at least." in page
    assert supplier.organisation.name not in page

    # The open data validates against the official schema.
    _release, package_validator = schemas()
    package = client.get("/intents/ocds.json").get_json()
    assert_valid(package_validator, package)
    assert_codelists(package["releases"][0])
    assert package["releases"][0]["tender"]["hasEnquiries"] is True
