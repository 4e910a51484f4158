"""Demo registrations: suppliers, a reseller and an observer at the Nordic Forum and Make ICT Fair, buyers and
suppliers at the Nordic Forum's second stage, a waiting list at the Nordic Forum and the door's record at
Make ICT Fair. Written directly, without mail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogue.core.timeutil import local_to_utc
from dialogue.extensions import db
from dialogue.models import (
    ParticipantRole,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationState,
    utcnow,
)
from dialogue.registrations.questions import add_question, questions_for
from dialogue.registrations.services import CONSENT_VERSION

CONFIRMED, WAITLISTED = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED

QUESTIONS = {
    "nordic-forum-smartphones": [
        ("supplier", QuestionKind.TEXT, "Which products do you bring?", [], True),
        ("supplier", QuestionKind.YES_NO, "Can you name the final assembly sites of the devices you offer?", [],
         True),
        ("reseller", QuestionKind.TEXT, "Which manufacturers do you resell?", [], False),
        (None, QuestionKind.CHOICE, "Will you take part in the one-to-one meetings?",
         ["Yes, in person", "Yes, online", "No"], False),
    ],
}

# (person key, role, state, consent, minutes after registration opened, checked in at "HH:MM" or None, answers)
REGISTRATIONS = {
    "nordic-forum-smartphones": [
        ("supplier", ParticipantRole.SUPPLIER, CONFIRMED, True, 10, None,
         {"Which products do you bring?": "Refurbished business laptops and smartphones with a 3-year warranty",
          "Can you name the final assembly sites of the devices you offer?": "no",
          "Will you take part in the one-to-one meetings?": "Yes, in person"}),
        ("supplier-dell", ParticipantRole.SUPPLIER, CONFIRMED, True, 25, None,
         {"Which products do you bring?": "Latitude laptops, take-back programme",
          "Can you name the final assembly sites of the devices you offer?": "no",
          "Will you take part in the one-to-one meetings?": "Yes, online"}),
        ("supplier-hp", ParticipantRole.SUPPLIER, WAITLISTED, True, 40, None,
         {"Which products do you bring?": "EliteBook laptops, Device-as-a-Service",
          "Can you name the final assembly sites of the devices you offer?": "no"}),
        ("reseller", ParticipantRole.RESELLER, CONFIRMED, True, 55, None,
         {"Which manufacturers do you resell?": "Fairphone, Dell, HP"}),
        ("observer", ParticipantRole.OBSERVER, CONFIRMED, False, 70, None, {}),
        ("buyer-cph", ParticipantRole.BUYER, CONFIRMED, True, 5, None, {}),
        ("organiser", ParticipantRole.BUYER, CONFIRMED, True, 2, None, {}),  # Helsinki's buyer takes meetings
    ],
    # The second stage: the cities' buyers and the suppliers who ask to meet them.
    "nordic-forum-second-stage": [
        ("organiser", ParticipantRole.BUYER, CONFIRMED, True, 1, None, {}),
        ("buyer", ParticipantRole.BUYER, CONFIRMED, True, 3, None, {}),
        ("buyer-oslo", ParticipantRole.BUYER, CONFIRMED, True, 4, None, {}),
        ("buyer-cph", ParticipantRole.BUYER, CONFIRMED, True, 6, None, {}),
        ("supplier", ParticipantRole.SUPPLIER, CONFIRMED, True, 20, None, {}),
        ("supplier-dell", ParticipantRole.SUPPLIER, CONFIRMED, True, 35, None, {}),
        ("supplier-hp", ParticipantRole.SUPPLIER, CONFIRMED, True, 50, None, {}),
        ("reseller", ParticipantRole.RESELLER, CONFIRMED, True, 65, None, {}),
    ],
    "make-ict-fair-2018": [
        ("supplier", ParticipantRole.SUPPLIER, CONFIRMED, True, 10, "09:12", {}),
        ("supplier-dell", ParticipantRole.SUPPLIER, CONFIRMED, True, 30, "09:20", {}),
        ("supplier-hp", ParticipantRole.SUPPLIER, CONFIRMED, True, 45, "09:24", {}),
        ("reseller", ParticipantRole.RESELLER, CONFIRMED, True, 60, "09:41", {}),
        ("observer", ParticipantRole.OBSERVER, CONFIRMED, True, 75, None, {}),
        ("buyer-apuc", ParticipantRole.BUYER, CONFIRMED, True, 5, "09:05", {}),
    ],
}


def build(world: dict) -> None:
    people = world["people"]
    for slug, event in world.get("events", {}).items():
        # Asked as an organiser asks them, so the demo's questions follow the same rules.
        questions = {question.text: question for question in questions_for(event, None)}
        for role, kind, text, choices, required in QUESTIONS.get(slug, []):
            if text not in questions:
                questions[text] = add_question(event, text=text, kind=kind, role=role, choices=choices,
                                               required=required)
        opened = min(event.starts_at - dt.timedelta(days=30), utcnow() - dt.timedelta(days=2))
        door = next((s.user for s in event.staff if s.role.value == "checkin"), None)
        for key, role, state, consent, minutes, checked_in, answers in REGISTRATIONS.get(slug, []):
            user = people[key]
            if db.session.scalar(select(Registration.id).where(Registration.event_id == event.id,
                                                               Registration.user_id == user.id)):
                continue
            at = opened + dt.timedelta(minutes=minutes)
            registration = Registration(
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
                registration.answers.append(RegistrationAnswer(question=questions[text], value=value))
            db.session.add(registration)
    db.session.flush()
