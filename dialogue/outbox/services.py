"""The mail outbox: messages are written with the change they report and delivered by a worker.

Services here only add rows; ``worker.py`` delivers them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Iterable

from flask import current_app, render_template
from sqlalchemy import update

from dialogue.extensions import db
from dialogue.models import OutboxAttachment, OutboxMessage, OutboxStatus, utcnow


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # may carry parameters: "text/calendar; method=REQUEST"
    data: bytes


def enqueue_mail(recipients: Iterable[str], subject, template: str, *,
                 attachments: Iterable[Attachment] = (), category: str = "general",
                 reply_to: str | None = None, locale: str | None = None, headers: dict[str, str] | None = None,
                 **context) -> OutboxMessage:
    """Write a message to the outbox in the caller's transaction; nothing is sent until it commits.

    ``template`` names ``templates/email/<template>.txt`` (required) and ``.html`` (optional).
    ``locale`` is the recipient's language: pass the subject as a lazy_gettext string and both
    subject and bodies come out in that language. ``headers`` are added to the mail as they are
    (e.g. List-Unsubscribe).
    """
    with mail_locale(locale):
        return _enqueue(recipients, subject, template, attachments=attachments, category=category,
                        reply_to=reply_to, headers=headers, **context)


def mail_locale(locale: str | None):
    """Render in the recipient's language when it is known, else in the current one."""
    from contextlib import nullcontext

    from flask_babel import force_locale

    if locale and locale in current_app.config["LANGUAGES"]:
        return force_locale(locale)
    return nullcontext()


def _enqueue(recipients: Iterable[str], subject: str, template: str, *, attachments: Iterable[Attachment],
             category: str, reply_to: str | None, headers: dict[str, str] | None,
             **context) -> OutboxMessage:
    subject = str(subject)
    to = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    if not to:
        raise ValueError("a message needs at least one recipient")
    body_text = render_template(f"email/{template}.txt", subject=subject, **context)
    try:
        body_html = render_template(f"email/{template}.html", subject=subject, **context)
    except Exception as exc:  # noqa: BLE001 - the HTML part is optional
        from jinja2 import TemplateNotFound

        if not isinstance(exc, TemplateNotFound):
            raise
        body_html = None
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].rstrip(">") or "dialogue"
    message = OutboxMessage(
        recipients=to, subject=subject.replace("\n", " ").strip()[:300], body_text=body_text,
        body_html=body_html, reply_to=reply_to, category=category, headers=dict(headers) if headers else None,
        message_id=f"<{uuid.uuid4().hex}@{domain}>", status=OutboxStatus.QUEUED,
        next_attempt_at=utcnow(),
    )
    for item in attachments:
        message.attachments.append(OutboxAttachment(filename=item.filename, content_type=item.content_type,
                                                    data=item.data))
    db.session.add(message)
    return message


def retry_failed(message_ids: Iterable[int] | None = None) -> int:
    """Put failed messages back in the queue (an admin's action after fixing SMTP)."""
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(message_ids)))
    result = db.session.execute(stmt.values(status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=utcnow()))
    return result.rowcount
