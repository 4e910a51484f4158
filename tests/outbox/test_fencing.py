"""Two live workers never send one message twice, even when a batch outlives its lease."""

import threading
import time
from collections import Counter

from flask_mail import Connection
from sqlalchemy import select, update

from dialogue.extensions import db
from dialogue.models import OutboxMessage, OutboxStatus, utcnow
from dialogue.outbox import worker
from dialogue.outbox.services import enqueue_mail


def queue(n: int) -> list[str]:
    messages = [enqueue_mail([f"person{i}@example.org"], f"Message {i}", "password_changed",
                             user={"name": f"Person {i}"}, reset_link="http://dialogue.test/reset")
                for i in range(n)]
    db.session.commit()
    return [m.message_id for m in messages]


def received(smtp_server) -> Counter:
    return Counter(m["message"]["Message-ID"] for m in smtp_server.messages)


def test_a_worker_whose_lease_ran_out_mid_batch_leaves_the_rest_to_the_new_claimant(app, smtp_server, monkeypatch):
    app.config["MAIL_PORT"] = smtp_server.port
    message_ids = queue(3)
    first = worker.claim(10)
    assert len(first.ids) == 3
    real_renew = worker._renew
    second = []

    def renew(message_id, token):
        if message_id == first.ids[1] and not second:
            # The first message took longer than the lease: it runs out, and a second worker (its own
            # app context and session) claims what is due, while the first goes on with its batch.
            with db.engine.begin() as conn:
                conn.execute(update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
                             .values(locked_until=utcnow()))
            with app.app_context():
                second.append(worker.claim(10))
                db.session.remove()
        return real_renew(message_id, token)

    monkeypatch.setattr(worker, "_renew", renew)
    assert worker.deliver(first) == {"sent": 1, "retry": 0, "failed": 0}
    assert second[0].ids == first.ids[1:]
    with app.app_context():
        assert worker.deliver(second[0]) == {"sent": 2, "retry": 0, "failed": 0}
        db.session.remove()
    assert received(smtp_server) == Counter({mid: 1 for mid in message_ids})
    db.session.expire_all()
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert {m.status for m in rows} == {OutboxStatus.SENT} and all(m.claim_token is None for m in rows)


def test_a_failure_reported_late_does_not_undo_the_new_claimant(app, smtp_server):
    """A worker that lost its lease cannot requeue (and so resend) what another worker now holds."""
    app.config["MAIL_PORT"] = 9  # the first worker cannot reach the server
    [message_id] = queue(1)
    first = worker.claim(10)
    db.session.execute(update(OutboxMessage).values(locked_until=utcnow()))
    db.session.commit()
    second = worker.claim(10)
    assert second.ids == first.ids
    assert worker.deliver(first) == {"sent": 0, "retry": 0, "failed": 0}
    app.config["MAIL_PORT"] = smtp_server.port
    assert worker.deliver(second) == {"sent": 1, "retry": 0, "failed": 0}
    assert received(smtp_server) == Counter({message_id: 1})


def test_two_live_workers_with_short_leases_send_each_message_once(app, smtp_server, monkeypatch):
    """Real threads, a lease shorter than a batch: the workers re-claim each other's tails."""
    # Each send keeps a wide margin inside its renewed lease (0.45 s of 3 s), so only the batch, never a
    # single send, outlives it: a busy machine must not turn the test into the one documented duplicate.
    app.config.update(MAIL_PORT=smtp_server.port, OUTBOX_BATCH_SIZE=8, OUTBOX_LEASE_SECONDS=3)
    message_ids = queue(24)
    real_send = Connection.send

    def slow_send(self, message, envelope_from=None):
        time.sleep(0.45)  # a batch of 8 takes longer than the 3 s lease
        return real_send(self, message, envelope_from)

    monkeypatch.setattr(Connection, "send", slow_send)
    errors, sent = [], Counter()

    def run_worker(name):
        try:
            with app.app_context():
                idle_since = time.monotonic()
                while time.monotonic() - idle_since < 3.5:  # until nothing is left to re-claim
                    counts = worker.deliver_due()
                    sent[name] += counts["sent"]
                    if sum(counts.values()):
                        idle_since = time.monotonic()
                    else:
                        time.sleep(0.05)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert received(smtp_server) == Counter({mid: 1 for mid in message_ids})
    assert sum(sent.values()) == 24
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
