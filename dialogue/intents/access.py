"""Who may see and do what with an intent.

- buyer staff: members of the intent's buyer organisation (and platform admins) create, edit,
  announce, withdraw, answer questions and link the intent to events;
- askers: signed-in, confirmed people of a supplier, manufacturer or reseller organisation ask
  questions on an announced intent;
- everyone sees public intents (anything but drafts); a draft does not exist for anyone but its
  buyer's staff (404).
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.core.permissions import public_or_404
from dialogue.models import Intent, OrganisationKind, User

ASKING_KINDS = (OrganisationKind.SUPPLIER, OrganisationKind.MANUFACTURER, OrganisationKind.RESELLER)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_buyer_staff(intent: Intent, user: User | None) -> bool:
    if not _signed_in(user):
        return False
    if user.is_admin:
        return True
    return user.membership is not None and user.membership.organisation_id == intent.buyer_id


def can_create_intents(user: User | None) -> bool:
    """Staff of a public-buyer organisation announce planned tenders."""
    return _signed_in(user) and user.organisation is not None and user.organisation.is_public_buyer


def can_ask(intent: Intent, user: User | None) -> bool:
    return (_signed_in(user) and user.is_verified and user.organisation is not None
            and user.organisation.kind in ASKING_KINDS and intent.is_open_for_questions)


def get_intent_or_404(intent_id: int, user: User | None = None, *options) -> Intent:
    return public_or_404(select(Intent).where(Intent.id == intent_id), options,
                         lambda intent: is_buyer_staff(intent, user))


def require_buyer_staff(intent: Intent, user: User | None) -> None:
    if not is_buyer_staff(intent, user):
        abort(403, _("Only the staff of %(buyer)s can do this.", buyer=intent.buyer.name))


def require_intent_creator(user: User | None) -> None:
    if not can_create_intents(user):
        abort(403, _("Only staff of a public-buyer organisation can announce planned tenders."))
