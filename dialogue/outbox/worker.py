"""Delivery of the outbox: claim due messages, send them over SMTP, record the outcome.

A message is never lost: it stays queued until the SMTP server has accepted it, with retries
and backoff when the server is down. Several workers may run at once:

- A worker **claims** a batch under a lease (``locked_until``) and a claim token of its own
  (``claim_token``). If the worker dies, the lease runs out and the messages are due again.
- Each claim is **fenced**: before sending a message the worker renews its lease with a
  compare-and-set on its token (``_renew``: one row, or the message is no longer ours), and it
  records "sent" with the same fence. A worker whose batch outlived its lease finds that another
  worker has re-claimed the rest, and skips them instead of sending them a second time.
- The worker commits after each message, so a restart never resends what was recorded as sent.

One duplicate remains possible: a crash (or a single send outliving a whole lease) between the
SMTP server accepting a message and the commit that records it. The message then goes out again
with the same Message-ID, by which mail systems recognise and drop the copy.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass, field

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import or_, select, update

from dialogue.core.databases import write_transaction
from dialogue.extensions import db, mail
from dialogue.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


@dataclass
class Claim:
    """The messages one worker holds, and the token that proves they are still its own."""

    token: str
    ids: list[int] = field(default_factory=list)


def claim(limit: int, now: dt.datetime | None = None) -> Claim:
    """Claim up to ``limit`` due messages for this worker, in a transaction of its own (committed).

    Due: queued and their time has come, or claimed by a worker whose lease ran out. On PostgreSQL
    the rows are locked with SKIP LOCKED, so concurrent workers claim disjoint sets; on SQLite the
    claim holds the write lock from its first read. Whatever the session held is committed first.
    """
    now = now or utcnow()
    taken = Claim(token=uuid.uuid4().hex)
    due = or_(
        (OutboxMessage.status == OutboxStatus.QUEUED) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.locked_until < now),
    )
    db.session.commit()
    with write_transaction():
        query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(query))
        if ids:
            # The WHERE repeats the due condition: a compare-and-set, should the rows have changed.
            result = db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids), due).values(
                    status=OutboxStatus.SENDING, locked_until=now + _lease(), claim_token=taken.token,
                    attempts=OutboxMessage.attempts + 1).returning(OutboxMessage.id))
            taken.ids = sorted(result.scalars())
    return taken


def claim_due(limit: int, now: dt.datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due messages (see ``claim``); returns their ids."""
    return claim(limit, now).ids


def _fenced(message_id: int, token: str):
    """The message, if this claim still holds it."""
    return ((OutboxMessage.id == message_id) & (OutboxMessage.claim_token == token)
            & (OutboxMessage.status == OutboxStatus.SENDING))


def _renew(message_id: int, token: str) -> bool:
    """Extend our lease on the message before sending it; False when another worker has it now."""
    result = db.session.execute(update(OutboxMessage).where(_fenced(message_id, token))
                                .values(locked_until=utcnow() + _lease())
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _mark_sent(message_id: int, token: str) -> bool:
    result = db.session.execute(update(OutboxMessage).where(_fenced(message_id, token)).values(
        status=OutboxStatus.SENT, sent_at=utcnow(), locked_until=None, last_error=None, claim_token=None)
        .execution_options(synchronize_session=False))
    db.session.commit()  # one commit per message: a crash never resends what went out
    return result.rowcount == 1


def build_message(message: OutboxMessage) -> Message:
    msg = Message(subject=message.subject, recipients=list(message.recipients), body=message.body_text,
                  html=message.body_html, reply_to=message.reply_to,
                  sender=current_app.config["MAIL_DEFAULT_SENDER"],
                  extra_headers={**(message.headers or {}), "Auto-Submitted": "auto-generated"})
    # A stable Message-ID: if a lease expires mid-send and the message goes out twice,
    # mail systems can tell it is the same message.
    msg.msgId = message.message_id
    for item in message.attachments:
        msg.attach(filename=item.filename, content_type=item.content_type, data=item.data,
                   disposition="attachment")
    return msg


TRANSIENT = (smtplib.SMTPException, OSError, socket.timeout)


def deliver_due(limit: int | None = None) -> dict[str, int]:
    """Send what is due. Returns counts of sent, retried and failed messages."""
    return deliver(claim(limit or current_app.config["OUTBOX_BATCH_SIZE"]))


def deliver(taken: Claim) -> dict[str, int]:
    """Send the claimed messages that are still this claim's own, one commit each."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = taken.ids
    if not ids:
        return counts
    try:
        connection = Connection(_smtp_state())
        connection.__enter__()
    except TRANSIENT as exc:
        for message_id in ids:
            outcome = _record_failure(message_id, taken.token, f"connecting to SMTP: {exc}")
            if outcome:
                counts[outcome] += 1
        return counts
    try:
        for position, message_id in enumerate(ids):
            if not _renew(message_id, taken.token):
                log.info("outbox message %s: lease lost to another worker, not sent here", message_id)
                continue
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            try:
                connection.send(build_message(message))
            except TRANSIENT as exc:
                outcome = _record_failure(message_id, taken.token, str(exc) or exc.__class__.__name__)
                if outcome:
                    counts[outcome] += 1
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    # The connection is gone: give the rest back for the next round.
                    _release(ids[position + 1:], taken.token, "SMTP connection lost")
                    break
                continue
            if _mark_sent(message_id, taken.token):
                counts["sent"] += 1
            else:  # the send outlived our lease and another worker holds the message now
                log.warning("outbox message %s: sent, but its lease had passed to another worker", message_id)
    finally:
        try:
            connection.__exit__(None, None, None)
        except TRANSIENT:
            pass
    return counts


def _smtp_state():
    """SMTP settings read from the config at each batch, so a changed setting needs no restart."""
    app = current_app
    return mail.init_mail(app.config, app.debug, app.testing)


def _release(ids: list[int], token: str, reason: str) -> None:
    if not ids:
        return
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token,
                                                   OutboxMessage.status == OutboxStatus.SENDING)
                       .values(status=OutboxStatus.QUEUED, next_attempt_at=utcnow(), locked_until=None,
                               claim_token=None, attempts=OutboxMessage.attempts - 1, last_error=reason)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _record_failure(message_id: int, token: str, error: str) -> str | None:
    """Queue the message again with backoff, or give up after the last attempt; None if not ours."""
    db.session.rollback()
    message = db.session.scalar(select(OutboxMessage).where(_fenced(message_id, token))
                                .execution_options(populate_existing=True))
    if message is None:
        return None
    message.last_error = error[:2000]
    message.locked_until = None
    message.claim_token = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        outcome = "failed"
    else:
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        outcome = "retry"
    db.session.commit()
    log.warning("outbox message %s: %s (%s)", message_id, error, outcome)
    return outcome
