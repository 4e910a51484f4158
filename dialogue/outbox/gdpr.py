from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from dialogue.extensions import db
from dialogue.gdpr.retention import retention_rule
from dialogue.models import OutboxMessage, OutboxStatus, User


def _to(user: User):
    # Recipients are a JSON list; the address is matched as a quoted string in it.
    from sqlalchemy import String, cast

    return cast(OutboxMessage.recipients, String).like(f'%"{user.email}"%')


def export(user: User) -> dict[str, list[dict]]:
    messages = db.session.scalars(select(OutboxMessage).where(_to(user)).order_by(OutboxMessage.id))
    return {"mail_sent_to_you": [{"subject": m.subject, "status": m.status, "created_at": m.created_at,
                                  "sent_at": m.sent_at, "body": m.body_text} for m in messages]}


def erase(user: User) -> None:
    db.session.execute(delete(OutboxMessage).where(_to(user)).execution_options(synchronize_session=False))


def _old_sent(cutoff: dt.datetime):
    return (OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED])) & (OutboxMessage.created_at < cutoff)


RETENTION = [retention_rule("RETENTION_OUTBOX_DAYS", 90, _l("Copies of mail sent (or given up on) are deleted."),
                            OutboxMessage, _old_sent)]
