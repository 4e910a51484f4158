"""Alerts: a person follows CPV prefixes and/or buyers, or one intent, and hears by mail."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.core.consent import Wording
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.models import Intent, IntentSubscription, Organisation, OrganisationKind, User, utcnow

MAX_ALERTS = 50

# Alerts are mail sent on the person's consent: each alert stores the wording's version and when
# consent was given, and unsubscribing records when it was withdrawn.
ALERT_CONSENT = Wording("alerts-2026-1", {"alerts-2026-1": _l(
    "Send me mail when a planned tender matching this alert is announced, answered or changed. I can withdraw "
    "this at any time with the unsubscribe link in every mail or on my alerts page.")})
CONSENT_VERSION, CONSENT_TEXT, consent_text = ALERT_CONSENT.version, ALERT_CONSENT.text, ALERT_CONSENT.text_of


def _give_consent(subscription: IntentSubscription, now: dt.datetime | None = None) -> None:
    subscription.consent_version = CONSENT_VERSION
    subscription.consented_at = now or utcnow()
    subscription.unsubscribed_at = None


def _require_confirmed(user: User) -> None:
    if not user.is_verified:
        raise NotAllowed(_("Confirm your email address first: alerts go to it."))


def _active(user: User):
    return select(IntentSubscription).where(IntentSubscription.user_id == user.id,
                                            IntentSubscription.unsubscribed_at.is_(None))


def subscribe(user: User, *, cpv_prefix: str | None = None, buyer_id: int | None = None) -> IntentSubscription:
    """An alert for a CPV prefix, a buyer, or both (intents of that buyer under that prefix)."""
    _require_confirmed(user)
    prefix = cpv.normalise_prefix(cpv_prefix, field="cpv_prefix") if (cpv_prefix or "").strip() else None
    buyer = None
    if buyer_id:
        buyer = db.session.get(Organisation, int(buyer_id))
        if buyer is None or buyer.kind != OrganisationKind.PUBLIC_BUYER:
            raise DialogueError(_("Choose a buyer from the list."), field="buyer_id")
    if prefix is None and buyer is None:
        raise DialogueError(_("Give a CPV code or prefix, a buyer, or both."), field="cpv_prefix")
    existing = db.session.scalars(select(IntentSubscription).where(
        IntentSubscription.user_id == user.id, IntentSubscription.intent_id.is_(None),
        (IntentSubscription.cpv_prefix == prefix) if prefix else IntentSubscription.cpv_prefix.is_(None),
        (IntentSubscription.buyer_id == buyer.id) if buyer else IntentSubscription.buyer_id.is_(None))).first()
    if existing is not None:
        if existing.is_active:
            raise Conflict(_("You already have this alert."), field="cpv_prefix")
        _give_consent(existing)
        return existing
    count = len(db.session.scalars(_active(user).where(IntentSubscription.intent_id.is_(None))).all())
    if count >= MAX_ALERTS:
        raise Conflict(_("You have %(n)s alerts, the most one person can have. Remove one first.", n=count))
    subscription = IntentSubscription(user_id=user.id, cpv_prefix=prefix, buyer=buyer)
    _give_consent(subscription)
    db.session.add(subscription)
    db.session.flush()
    return subscription


def following(intent: Intent, user: User | None) -> IntentSubscription | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(_active(user).where(IntentSubscription.intent_id == intent.id))


def follow_intent(user: User, intent: Intent) -> IntentSubscription:
    """Hear of answers, date changes and the tender notice of one public intent."""
    _require_confirmed(user)
    if not intent.is_public:
        raise Conflict(_("Only a public planned tender can be followed."))
    existing = db.session.scalar(select(IntentSubscription).where(IntentSubscription.user_id == user.id,
                                                                  IntentSubscription.intent_id == intent.id))
    if existing is not None:
        if not existing.is_active:
            _give_consent(existing)
        return existing
    subscription = IntentSubscription(user_id=user.id, intent=intent)
    _give_consent(subscription)
    db.session.add(subscription)
    db.session.flush()
    return subscription


def unsubscribe(subscription: IntentSubscription) -> None:
    """Consent withdrawn. Kept as a row, so the link in the mail can undo it."""
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = utcnow()


def resubscribe(subscription: IntentSubscription) -> None:
    """Consent given again, to the current wording."""
    if not subscription.is_active:
        _give_consent(subscription)


def remove(subscription: IntentSubscription, user: User) -> None:
    if subscription.user_id != user.id:
        raise NotAllowed(_("This is someone else's alert."))
    unsubscribe(subscription)


def list_for(user: User) -> list[IntentSubscription]:
    return list(db.session.scalars(_active(user).options(selectinload(IntentSubscription.buyer),
                                                         selectinload(IntentSubscription.intent))
                                   .order_by(IntentSubscription.id)))
