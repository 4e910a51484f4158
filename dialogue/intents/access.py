"""Who may see and do what with an intent.

- the buyer side: members of the intent's buyer organisation (the lead buyer), of the partners on
  the platform of a joint procurement (``IntentPartner`` with an organisation) and platform admins.
  They edit the content, answer and publish in the questions and answers, run the readiness
  matrix, publish from meeting minutes, see drafts and link the intent to events one of them
  co-hosts. Every feature asks ``is_buyer_staff`` for this, so a partner may do all of it;
- the lead buyer alone (its members and platform admins) announces, marks the tender published or
  awarded, withdraws, deletes a draft and changes who the partners are: these speak for the
  procurement as a whole and the lead runs it;
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


def buyer_side_ids(intent: Intent) -> set[int]:
    """The lead buyer and, for a joint procurement, the partners on the platform."""
    ids = {intent.buyer_id}
    if intent.joint_procurement:
        ids.update(p.organisation_id for p in intent.partners if p.organisation_id is not None)
    return ids


def _own_organisation_id(user: User | None) -> int | None:
    if not _signed_in(user) or user.membership is None:
        return None
    return user.membership.organisation_id


def is_buyer_staff(intent: Intent, user: User | None) -> bool:
    """Staff of the buyer side: the lead buyer or a partner of a joint procurement (or an admin)."""
    if not _signed_in(user):
        return False
    return user.is_admin or _own_organisation_id(user) in buyer_side_ids(intent)


def is_lead_staff(intent: Intent, user: User | None) -> bool:
    """Staff of the lead buyer (or an admin): they alone change the intent's status and its partners."""
    if not _signed_in(user):
        return False
    return user.is_admin or _own_organisation_id(user) == intent.buyer_id


def is_partner_staff(intent: Intent, user: User | None) -> bool:
    return is_buyer_staff(intent, user) and not is_lead_staff(intent, user)


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
        abort(403, _("Only the staff of %(buyer)s and its partners in this tender can do this.",
                     buyer=intent.buyer.name))


def require_intent_creator(user: User | None) -> None:
    if not can_create_intents(user):
        abort(403, _("Only staff of a public-buyer organisation can announce planned tenders."))
