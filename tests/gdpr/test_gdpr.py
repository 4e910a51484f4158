import datetime as dt
import io
import json
import zipfile

from sqlalchemy import func, select

from dialogue.audit.services import record_action
from dialogue.extensions import db
from dialogue.models import AuditEntry, MemberRole, Membership, OutboxMessage, OutboxStatus, User, utcnow
from dialogue.outbox.services import enqueue_mail
from tests.conftest import TEST_PASSWORD


def test_person_downloads_their_data_as_json_and_csv(client, auth, make_user, make_event):
    user = make_user(name="Sam Taylor", email="sam@example.org")
    enqueue_mail(["sam@example.org"], "Welcome", "password_changed", user=user, reset_link="x")
    db.session.commit()
    auth.login(user)
    assert "Download my data" in client.get("/account/data").get_data(as_text=True)
    response = client.post("/account/data/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["email"] == "sam@example.org"
    assert data["memberships"][0]["organisation"] == user.organisation.name
    assert data["mail_sent_to_you"][0]["subject"] == "Welcome"
    assert "account.csv" in archive.namelist()


def test_erasure_needs_the_password_and_keeps_the_record_anonymised(client, auth, make_user, make_event):
    admin = make_user(role=MemberRole.ADMIN, name="Anna Virtanen", email="anna@example.org")
    colleague = make_user(admin.organisation)
    event = make_event(organiser=admin)
    org_name = admin.organisation.name
    record_action(admin, "event.publish", "Published the event", event=event)
    enqueue_mail(["anna@example.org"], "Hello", "password_changed", user=admin, reset_link="x")
    db.session.commit()
    auth.login(admin)

    wrong = client.post("/account/erase", data={"password": "not my password", "confirm": "y"})
    assert wrong.status_code == 400 and "password is not correct" in wrong.get_data(as_text=True)
    # The only administrator with a colleague must hand over first.
    blocked = client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"})
    assert blocked.status_code == 400 and "only administrator" in blocked.get_data(as_text=True)

    db.session.get(Membership, colleague.membership.id).role = MemberRole.ADMIN
    db.session.commit()
    response = client.post("/account/erase", data={"password": TEST_PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    assert db.session.scalar(select(User).where(User.email == "anna@example.org")) is None
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor_name == "(erased account)" and entry.actor_organisation == org_name
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    # The record still renders for the remaining organiser.
    other = make_user(admin=True, with_org=False)
    auth.login(other)
    assert "(erased account)" in client.get(f"/events/{event.slug}/audit").get_data(as_text=True)


def test_purge_dry_run_reports_and_purge_applies(app, runner, make_user):
    old = utcnow() - dt.timedelta(days=400)
    make_user(verified=False, created_at=old)
    make_user(verified=False)  # recent: kept
    sent = enqueue_mail(["x@example.org"], "Old", "password_changed", user={"name": "X"}, reset_link="x")
    sent.status, sent.created_at = OutboxStatus.SENT, old
    db.session.commit()

    result = runner.invoke(args=["gdpr", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "RETENTION_UNCONFIRMED_ACCOUNT_DAYS (30 days): would remove or anonymise 1" in result.output
    assert "RETENTION_OUTBOX_DAYS (90 days): would remove or anonymise 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 2

    result = runner.invoke(args=["gdpr", "purge"])
    assert "removed or anonymised 1" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_privacy_page_lists_configured_retention(app, client):
    app.config["RETENTION_OUTBOX_DAYS"] = 30
    page = client.get("/privacy").get_data(as_text=True)
    assert "Copies of mail sent" in page and "30 days" in page and "Article" in page
