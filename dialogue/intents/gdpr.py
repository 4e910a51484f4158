"""A person's data in the intents feature: questions asked, alerts and follows (with their consent),
answers given and changes made for their buyer.

Questions and answers are part of the procurement record (equal treatment, Art. 40-41; record
keeping, Art. 84): erasure keeps each question with the asker's organisation and drops the link to
the person. Alerts rest on consent and go entirely.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from dialogue.extensions import db
from dialogue.gdpr.retention import retention_rule
from dialogue.intents.subscriptions import consent_text
from dialogue.models import Intent, IntentChange, IntentQuestion, IntentSubscription, User


def export(user: User) -> dict[str, list[dict]]:
    from dialogue.intents.notify import describe

    questions = db.session.scalars(select(IntentQuestion).where(IntentQuestion.asker_id == user.id)
                                   .options(joinedload(IntentQuestion.intent)).order_by(IntentQuestion.id))
    alerts = db.session.scalars(select(IntentSubscription).where(IntentSubscription.user_id == user.id)
                                .options(joinedload(IntentSubscription.buyer), joinedload(IntentSubscription.intent))
                                .order_by(IntentSubscription.id))
    answered = db.session.scalars(select(IntentQuestion).where(IntentQuestion.answered_by_id == user.id)
                                  .options(joinedload(IntentQuestion.intent)).order_by(IntentQuestion.id))
    changes = db.session.scalars(select(IntentChange).where(IntentChange.actor_id == user.id)
                                 .options(joinedload(IntentChange.intent)).order_by(IntentChange.id))
    created = db.session.scalars(select(Intent).where(Intent.created_by_id == user.id).order_by(Intent.id))
    return {
        "questions_asked": [{
            "intent": q.intent.title, "asked_at": q.asked_at, "question": q.original_text,
            "published_wording": q.public_text, "organisation_shown": q.show_organisation, "status": q.status,
            "answered_at": q.answered_at, "answer": q.answer} for q in questions],
        "intent_alerts": [{
            "alert": describe(a), "created_at": a.created_at, "consent_version": a.consent_version,
            "consent_text": consent_text(a.consent_version), "consent_given_at": a.consented_at or a.created_at,
            "consent_withdrawn_at": a.unsubscribed_at} for a in alerts],
        "answers_you_published": [{"intent": q.intent.title, "question": q.public_text,
                                   "answered_at": q.answered_at} for q in answered],
        "intent_changes_you_made": [{"intent": c.intent.title, "action": c.action, "at": c.at} for c in changes],
        "intents_you_created": [{"intent": i.title, "created_at": i.created_at} for i in created],
    }


def erase(user: User) -> None:
    # The question and its answer stay, under the asker's organisation.
    db.session.execute(update(IntentQuestion).where(IntentQuestion.asker_id == user.id).values(asker_id=None)
                       .execution_options(synchronize_session="fetch"))
    db.session.execute(delete(IntentSubscription).where(IntentSubscription.user_id == user.id)
                       .execution_options(synchronize_session="fetch"))


# Retention: an alert the person withdrew is kept for a while (the unsubscribe link can undo it and
# the withdrawal is on record), then deleted.

def _withdrawn(cutoff: dt.datetime):
    return IntentSubscription.unsubscribed_at.is_not(None) & (IntentSubscription.unsubscribed_at < cutoff)


RETENTION = [retention_rule("RETENTION_WITHDRAWN_ALERTS_DAYS", 365,
                            _l("Alerts for planned tenders that the person unsubscribed from, with the record of "
                               "their consent, are deleted."), IntentSubscription, _withdrawn)]
