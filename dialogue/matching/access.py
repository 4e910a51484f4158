"""Who sees match suggestions.

- a planned tender's suggestions: the staff of its buyer (and platform admins) and the organisers of
  the events it is presented at;
- an organisation's suggestions: its members and platform admins.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import exists, select

from dialogue.extensions import db
from dialogue.intents.access import is_buyer_staff
from dialogue.models import EventIntent, EventStaff, Intent, Organisation, StaffRole, User


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def organises_an_event_of(intent: Intent, user: User | None) -> bool:
    if not _signed_in(user):
        return False
    return bool(db.session.scalar(select(exists().where(
        EventIntent.intent_id == intent.id, EventStaff.event_id == EventIntent.event_id,
        EventStaff.user_id == user.id, EventStaff.role == StaffRole.ORGANISER))))


def can_see_intent_suggestions(intent: Intent, user: User | None) -> bool:
    return is_buyer_staff(intent, user) or organises_an_event_of(intent, user)


def can_see_organisation_suggestions(org: Organisation, user: User | None) -> bool:
    if not _signed_in(user):
        return False
    return user.is_admin or (user.membership is not None and user.membership.organisation_id == org.id)


def require_intent_viewer(intent: Intent, user: User | None) -> None:
    if not can_see_intent_suggestions(intent, user):
        abort(403, _("Only the buyer's staff and the organisers of its events see these suggestions."))


def require_organisation_viewer(org: Organisation, user: User | None) -> None:
    if not can_see_organisation_suggestions(org, user):
        abort(403, _("Only the members of %(org)s see these suggestions.", org=org.name))
