from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.models import AuditEntry, User


def export(user: User) -> dict[str, list[dict]]:
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id))
    return {"actions_recorded": [{"action": e.action, "summary": e.summary, "created_at": e.created_at}
                                 for e in entries]}


def erase(user: User) -> None:
    # The action stays in the record under the organisation's name; the person's name goes.
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id)
                       .values(actor_name="(erased account)", actor_id=None)
                       .execution_options(synchronize_session=False))


def _count(cutoff: dt.datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.created_at < cutoff))


def _apply(cutoff: dt.datetime) -> int:
    return db.session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount


RETENTION = [RetentionRule("RETENTION_AUDIT_DAYS", 3650,
                           _l("The audit log of organisers' actions, part of the procurement record, is deleted."),
                           _count, _apply)]
