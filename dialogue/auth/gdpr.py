"""Personal data of the account itself, and the rule for accounts never confirmed."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.gdpr.retention import RetentionRule
from dialogue.models import User


def export(user: User) -> dict[str, list[dict]]:
    return {"account": [{
        "email": user.email, "name": user.name, "locale": user.locale, "timezone": user.timezone,
        "email_verified_at": user.email_verified_at, "created_at": user.created_at,
        "last_login_at": user.last_login_at, "platform_admin": user.is_admin,
    }]}


def erase(user: User) -> None:
    """The account row itself is deleted by the caller; nothing else here."""


def _unconfirmed(cutoff: dt.datetime):
    return select(User).where(User.email_verified_at.is_(None), User.created_at < cutoff)


def _count(cutoff: dt.datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(_unconfirmed(cutoff).subquery()))


def _apply(cutoff: dt.datetime) -> int:
    from dialogue import feature_modules

    users = list(db.session.scalars(_unconfirmed(cutoff)))
    for user in users:
        for module in feature_modules("gdpr"):
            module.erase(user)
        db.session.delete(user)
    return len(users)


RETENTION = [RetentionRule("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", 30,
                           _l("Accounts whose email address was never confirmed are erased."), _count, _apply)]
