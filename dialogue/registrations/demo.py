"""Demo registrations: suppliers, a reseller and an observer at both events, a waiting list at the
Nordic Forum and the door's record at Make ICT Fair. Written directly, without mail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogue import models
from dialogue.core.timeutil import local_to_utc
from dialogue.extensions import db
from dialogue.models import utcnow
from dialogue.registrations.services import CONSENT_VERSION

CONFIRMED, WAITLISTED = models.RegistrationState.CONFIRMED, models.RegistrationState.WAITLISTED

QUESTIONS = {
    "nordic-forum-smartphones": [
        ("supplier", models.QuestionKind.TEXT, "Which products do you bring?", [], True),
        ("supplier", models.QuestionKind.YES_NO, "Are you affiliated with Electronics Watch?", [], True),
        ("reseller", models.QuestionKind.TEXT, "Which manufacturers do you resell?", [], False),
        (None, models.QuestionKind.CHOICE, "Will you take part in the one-to-one meetings?",
         ["Yes, in person", "Yes, online", "No"], False),
    ],
}

# (person key, role, state, consent, minutes after registration opened, checked in at "HH:MM" or None, answers)
REGISTRATIONS = {
    "nordic-forum-smartphones": [
        ("supplier", models.ParticipantRole.SUPPLIER, CONFIRMED, True, 10, None,
         {"Which products do you bring?": "Refurbished business laptops and smartphones with a 3-year warranty",
          "Are you affiliated with Electronics Watch?": "no",
          "Will you take part in the one-to-one meetings?": "Yes, in person"}),
        ("supplier-dell", models.ParticipantRole.SUPPLIER, CONFIRMED, True, 25, None,
         {"Which products do you bring?": "Latitude laptops, take-back programme",
          "Are you affiliated with Electronics Watch?": "no",
          "Will you take part in the one-to-one meetings?": "Yes, online"}),
        ("supplier-hp", models.ParticipantRole.SUPPLIER, WAITLISTED, True, 40, None,
         {"Which products do you bring?": "EliteBook laptops, Device-as-a-Service",
          "Are you affiliated with Electronics Watch?": "no"}),
        ("reseller", models.ParticipantRole.RESELLER, CONFIRMED, True, 55, None,
         {"Which manufacturers do you resell?": "Fairphone, Dell, HP"}),
        ("observer", models.ParticipantRole.OBSERVER, CONFIRMED, False, 70, None, {}),
        ("buyer-cph", models.ParticipantRole.BUYER, CONFIRMED, True, 5, None, {}),
    ],
    "make-ict-fair-2018": [
        ("supplier", models.ParticipantRole.SUPPLIER, CONFIRMED, True, 10, "09:12", {}),
        ("supplier-dell", models.ParticipantRole.SUPPLIER, CONFIRMED, True, 30, "09:20", {}),
        ("supplier-hp", models.ParticipantRole.SUPPLIER, CONFIRMED, True, 45, "09:24", {}),
        ("reseller", models.ParticipantRole.RESELLER, CONFIRMED, True, 60, "09:41", {}),
        ("observer", models.ParticipantRole.OBSERVER, CONFIRMED, True, 75, None, {}),
        ("buyer-apuc", models.ParticipantRole.BUYER, CONFIRMED, True, 5, "09:05", {}),
    ],
}


def build(world: dict) -> None:
    people = world["people"]
    for slug, event in world.get("events", {}).items():
        questions = {}
        for role, kind, text, choices, required in QUESTIONS.get(slug, []):
            question = db.session.scalar(select(models.RegistrationQuestion).where(
                models.RegistrationQuestion.event_id == event.id, models.RegistrationQuestion.text == text))
            if question is None:
                question = models.RegistrationQuestion(event=event, role=role, kind=kind, text=text, choices=choices,
                                                       required=required, position=len(questions) + 1)
                db.session.add(question)
            questions[text] = question
        db.session.flush()
        opened = min(event.starts_at - dt.timedelta(days=30), utcnow() - dt.timedelta(days=2))
        door = next((s.user for s in event.staff if s.role.value == "checkin"), None)
        for key, role, state, consent, minutes, checked_in, answers in REGISTRATIONS.get(slug, []):
            user = people[key]
            if db.session.scalar(select(models.Registration.id).where(models.Registration.event_id == event.id,
                                                                      models.Registration.user_id == user.id)):
                continue
            at = opened + dt.timedelta(minutes=minutes)
            registration = models.Registration(
                event=event, user=user, organisation=user.organisation, role=role, state=state, created_at=at,
                updated_at=at, confirmed_at=at if state == CONFIRMED else None,
                list_consent_at=at if consent else None, list_consent_version=CONSENT_VERSION if consent else None)
            if checked_in:
                day = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
                hour, minute = (int(x) for x in checked_in.split(":"))
                registration.checked_in_at = local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)),
                                                          event.timezone)
                registration.checked_in_by_id = door.id if door else None
            for text, value in answers.items():
                registration.answers.append(models.RegistrationAnswer(question=questions[text], value=value))
            db.session.add(registration)
    db.session.flush()
