"""Delivery of the outbox: claim due messages, send them over SMTP, record the outcome.

A message is never lost: it stays queued until the SMTP server has accepted it, with retries
and backoff when the server is down. The worker commits after each message, so a crash never
resends what already went out; several workers may run at once (see ``claim_due``).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import or_, select, update

from dialogue.extensions import db, mail
from dialogue.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_due(limit: int, now: dt.datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due messages for this worker and commit the claim.

    On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent workers claim disjoint
    sets. A claim is a lease: if the worker dies, the message is due again when the lease ends.
    """
    now = now or utcnow()
    lease = dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = or_(
        (OutboxMessage.status == OutboxStatus.QUEUED) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.locked_until < now),
    )
    query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        # The WHERE repeats the due condition: on SQLite (no row locks) it is the compare-and-set
        # that keeps two workers from claiming the same row.
        result = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), due).values(
                status=OutboxStatus.SENDING, locked_until=now + lease,
                attempts=OutboxMessage.attempts + 1).returning(OutboxMessage.id))
        ids = sorted(result.scalars())
    db.session.commit()
    return ids


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
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = claim_due(limit)
    if not ids:
        return counts
    try:
        connection = Connection(_smtp_state())
        connection.__enter__()
    except TRANSIENT as exc:
        for message_id in ids:
            counts[_record_failure(message_id, f"connecting to SMTP: {exc}")] += 1
        return counts
    try:
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            if message is None or message.status != OutboxStatus.SENDING:
                continue
            try:
                connection.send(build_message(message))
            except TRANSIENT as exc:
                counts[_record_failure(message_id, str(exc) or exc.__class__.__name__)] += 1
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    # The connection is gone: leave the rest claimed; their lease will expire.
                    _release(ids[ids.index(message_id) + 1:], "SMTP connection lost")
                    break
                continue
            message.status = OutboxStatus.SENT
            message.sent_at = utcnow()
            message.locked_until = None
            message.last_error = None
            db.session.commit()  # one commit per message: a crash never resends what went out
            counts["sent"] += 1
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


def _release(ids: list[int], reason: str) -> None:
    if not ids:
        return
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids),
                                                   OutboxMessage.status == OutboxStatus.SENDING)
                       .values(status=OutboxStatus.QUEUED, next_attempt_at=utcnow(), locked_until=None,
                               attempts=OutboxMessage.attempts - 1, last_error=reason))
    db.session.commit()


def _record_failure(message_id: int, error: str) -> str:
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    message.last_error = error[:2000]
    message.locked_until = None
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
