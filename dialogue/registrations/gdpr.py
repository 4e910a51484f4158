"""A person's registrations: what they registered for, their answers, their consent, their check-in.

Registration and attendance are part of the procurement record (Directive 2014/24/EU Art. 84), kept
on the buyers' public task; erasure keeps them under the organisation and role and drops what
identifies the person: the link to the account, the answers to the registration questions, the
consent to the participant list (nobody is listed without an account) and the ticket's secret.
Places at events not yet ended were given up before this runs (``reactions.py``), so a registration
without a person is never active there and never promoted from the waiting list.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload, selectinload

from dialogue.extensions import db
from dialogue.gdpr.retention import retention_rule
from dialogue.models import Event, Registration, RegistrationAnswer, User, new_token
from dialogue.registrations.questions import answer_text
from dialogue.registrations.services import consent_text


def export(user: User) -> dict[str, list[dict]]:
    registrations = list(db.session.scalars(
        select(Registration).where(Registration.user_id == user.id)
        .options(joinedload(Registration.event), joinedload(Registration.organisation),
                 selectinload(Registration.answers).joinedload(RegistrationAnswer.question))
        .order_by(Registration.id)))
    checked_by_me = db.session.execute(
        select(Event.title, Registration.checked_in_at).join(Event, Event.id == Registration.event_id)
        .where(Registration.checked_in_by_id == user.id).order_by(Registration.checked_in_at)).all()
    return {
        "registrations": [{
            "event": r.event.title, "event_starts_at": r.event.starts_at,
            "organisation": r.organisation.name if r.organisation else None, "role": r.role, "state": r.state,
            "registered_at": r.created_at, "confirmed_at": r.confirmed_at, "cancelled_at": r.cancelled_at,
            "decision_reason": r.decision_reason, "checked_in_at": r.checked_in_at,
        } for r in registrations],
        "registration_answers": [{
            "event": r.event.title, "question": a.question.text, "answer": answer_text(a.question, a.value),
        } for r in registrations for a in sorted(r.answers, key=lambda a: (a.question.position, a.question_id))],
        "participant_list_consent": [{
            "event": r.event.title, "consent_version": r.list_consent_version,
            "consent_text": consent_text(r.list_consent_version), "given_at": r.list_consent_at,
            "withdrawn_at": r.list_consent_withdrawn_at,
        } for r in registrations if r.list_consent_at is not None or r.list_consent_withdrawn_at is not None],
        "check_ins_you_performed": [{"event": title, "at": at} for title, at in checked_by_me],
    }


def erase(user: User) -> None:
    ids = select(Registration.id).where(Registration.user_id == user.id)
    db.session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(ids))
                       .execution_options(synchronize_session=False))
    for registration in db.session.scalars(select(Registration).where(Registration.user_id == user.id)):
        registration.list_consent_at = None
        registration.list_consent_version = None
        registration.list_consent_withdrawn_at = None
        registration.ticket_token = new_token()  # the ticket in old mail stops working
        registration.user_id = None
    # Who did the check-in is forgotten; that it happened stays.
    db.session.execute(update(Registration).where(Registration.checked_in_by_id == user.id)
                       .values(checked_in_by_id=None).execution_options(synchronize_session=False))


# Retention: the answers to the registration questions (dietary needs, interests, ...) serve the
# event itself. Some time after it ended they go; the registration, organisation, role and
# attendance stay as the record.

def _old_answers(cutoff: dt.datetime):
    ended = (select(Registration.id).join(Event, Event.id == Registration.event_id)
             .where(Event.ends_at < cutoff))
    return RegistrationAnswer.registration_id.in_(ended)


RETENTION = [retention_rule(
    "RETENTION_REGISTRATION_ANSWERS_DAYS", 730,
    _l("Answers to an event's registration questions are deleted this long after the event ends; who "
       "registered (by organisation and role) and who attended stay as the procurement record."),
    RegistrationAnswer, _old_answers)]
