import datetime as dt
import threading

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import OutboxMessage, OutboxStatus, utcnow
from dialogue.outbox import worker
from dialogue.outbox.services import Attachment, enqueue_mail
from tests.conftest import postgres_only


def queue(n: int = 1, **kwargs) -> list[OutboxMessage]:
    messages = [enqueue_mail([f"person{i}@example.org"], f"Message {i}", "password_changed",
                             user={"name": f"Person {i}"}, reset_link="http://dialogue.test/reset", **kwargs)
                for i in range(n)]
    db.session.commit()
    return messages


def test_delivers_through_a_real_smtp_server_with_calendar_attachment(app, smtp_server):
    app.config["MAIL_PORT"] = smtp_server.port
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    [message] = queue(attachments=[Attachment("invite.ics", "text/calendar; method=REQUEST", ics)])
    counts = worker.deliver_due()
    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    [received] = smtp_server.messages
    assert received["to"] == ["person0@example.org"]
    mail = received["message"]
    assert mail["Subject"] == "Message 0"
    assert mail["Message-ID"] == message.message_id
    assert "Person 0" in mail.get_body(preferencelist=("plain",)).get_content()
    [part] = [p for p in mail.iter_attachments()]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == ics
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT
    assert worker.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # nothing is sent twice


def test_smtp_down_keeps_messages_and_backs_off(app, smtp_server):
    [message] = queue()
    app.config["MAIL_PORT"] = 9  # nothing listens here
    counts = worker.deliver_due()
    assert counts == {"sent": 0, "retry": 1, "failed": 0}
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert message.last_error and "connecting to SMTP" in message.last_error
    assert message.next_attempt_at > utcnow() + dt.timedelta(seconds=20)
    assert worker.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet

    # The server is back and the retry time has come: the message goes out.
    app.config["MAIL_PORT"] = smtp_server.port
    message.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert worker.deliver_due()["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_gives_up_after_the_last_attempt_and_admin_can_requeue(app, client, auth, make_user, smtp_server):
    app.config.update(MAIL_PORT=9, OUTBOX_MAX_ATTEMPTS=2)
    [message] = queue()
    worker.deliver_due()
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert worker.deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.FAILED

    admin = make_user(admin=True, with_org=False)
    auth.login(admin)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Message 0" in page and "connecting to SMTP" in page
    assert client.post("/admin/outbox/retry").status_code == 303
    app.config["MAIL_PORT"] = smtp_server.port
    assert worker.deliver_due()["sent"] == 1


def test_outbox_status_page_is_for_admins_only(client, auth, make_user):
    assert client.get("/admin/outbox").status_code == 302
    auth.login(make_user())
    assert client.get("/admin/outbox").status_code == 403


def test_expired_lease_is_claimed_again(app):
    [message] = queue()
    assert worker.claim_due(10) == [message.id]
    assert worker.claim_due(10) == []  # leased
    later = utcnow() + dt.timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert worker.claim_due(10, now=later) == [message.id]


def test_nothing_is_queued_when_the_transaction_rolls_back(app):
    enqueue_mail(["a@example.org"], "Never", "password_changed", user={"name": "A"}, reset_link="x")
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_cli_send_reports_counts(app, runner, smtp_server):
    app.config["MAIL_PORT"] = smtp_server.port
    queue(3)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 3" in result.output
    assert len(smtp_server.messages) == 3


def test_two_concurrent_workers_send_each_message_exactly_once(app, is_postgres, smtp_server):
    postgres_only(is_postgres)
    app.config.update(MAIL_PORT=smtp_server.port, OUTBOX_BATCH_SIZE=7)
    messages = queue(120)
    errors = []

    def run_worker():
        try:
            with app.app_context():
                while sum(worker.deliver_due().values()):
                    pass
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    received = [m["message"]["Message-ID"] for m in smtp_server.messages]
    assert len(received) == 120
    assert sorted(received) == sorted(m.message_id for m in messages)
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
