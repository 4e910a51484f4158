from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from dialogue.extensions import db
from dialogue.gdpr.retention import retention_rule
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


RETENTION = [retention_rule("RETENTION_AUDIT_DAYS", 3650,
                            _l("The audit log of organisers' actions, part of the procurement record, is deleted."),
                            AuditEntry, lambda cutoff: AuditEntry.created_at < cutoff)]
