"""A person's data in the materials feature: what they uploaded, and reminders they were sent.

Downloads are logged per item and organisation only, never per person, so there is nothing of a
person's own in the download log to export; the log is still kept for a limited time. Erasure keeps
every item and version (what was published, and when, is part of the procurement record) under the
organisation that added it, without the person.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.gdpr.erasure import forget_person
from dialogue.gdpr.retention import retention_rule
from dialogue.models import AgendaSession, Material, MaterialDownload, MaterialReminder, MaterialVersion, User


def _where(material: Material) -> str:
    if material.event is not None:
        return material.event.title
    return material.intent.title if material.intent is not None else ""


def export(user: User) -> dict[str, list[dict]]:
    versions = list(db.session.scalars(
        select(MaterialVersion).where(MaterialVersion.uploaded_by_id == user.id)
        .options(joinedload(MaterialVersion.material).joinedload(Material.event),
                 joinedload(MaterialVersion.material).joinedload(Material.intent))
        .order_by(MaterialVersion.id)))
    added = list(db.session.scalars(
        select(Material).where(Material.uploaded_by_id == user.id)
        .options(joinedload(Material.event), joinedload(Material.intent), selectinload(Material.versions))
        .order_by(Material.id)))
    reminders = db.session.execute(
        select(AgendaSession.title, MaterialReminder.sent_at)
        .join(AgendaSession, AgendaSession.id == MaterialReminder.session_id)
        .where(MaterialReminder.user_id == user.id).order_by(MaterialReminder.id)).all()
    return {
        "materials_you_added": [{
            "title": m.title, "for": _where(m), "visibility": m.visibility, "language": m.language,
            "added_at": m.created_at, "removed_at": m.removed_at, "versions": len(m.versions)} for m in added],
        "material_versions_you_uploaded": [{
            "material": v.material.title, "for": _where(v.material), "version": v.number, "file_name": v.filename,
            "link": v.link_url, "size": v.size, "note": v.note, "uploaded_at": v.created_at} for v in versions],
        "material_reminders_received": [{"session": title, "sent_at": at} for title, at in reminders],
    }


def erase(user: User) -> None:
    forget_person(user, Material.uploaded_by_id, Material.removed_by_id, MaterialVersion.uploaded_by_id)
    db.session.execute(delete(MaterialReminder).where(MaterialReminder.user_id == user.id)
                       .execution_options(synchronize_session=False))


RETENTION = [retention_rule("RETENTION_MATERIAL_DOWNLOADS_DAYS", 730,
                            _l("The log of material downloads (counted per organisation, never per person) is "
                               "deleted."), MaterialDownload, lambda cutoff: MaterialDownload.downloaded_at < cutoff)]
