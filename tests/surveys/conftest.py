"""Factories for survey tests: a finished event with participants, and surveys built from the templates."""

from __future__ import annotations

import datetime as dt
import re
import sys
import types

import pytest

from dialogue.extensions import db
from dialogue.models import ParticipantRole, SurveyAudience, utcnow


@pytest.fixture
def past_event(make_user, make_event):
    """An event that ended yesterday, with its organiser."""
    organiser = make_user()
    start = (utcnow() - dt.timedelta(days=1)).replace(microsecond=0)
    event = make_event(organiser=organiser, starts_at=start - dt.timedelta(hours=8), ends_at=start)
    return event, organiser


@pytest.fixture
def participants(past_event, make_registration):
    """Three checked-in suppliers and buyers, one confirmed but absent, one cancelled."""
    from dialogue.models import RegistrationState

    event, _organiser = past_event
    now = utcnow()
    people = {
        "supplier": make_registration(event, role=ParticipantRole.SUPPLIER, checked_in_at=now),
        "reseller": make_registration(event, role=ParticipantRole.RESELLER, checked_in_at=now),
        "buyer": make_registration(event, role=ParticipantRole.BUYER, checked_in_at=now),
        "absent": make_registration(event, role=ParticipantRole.SUPPLIER),
        "cancelled": make_registration(event, role=ParticipantRole.SUPPLIER, state=RegistrationState.CANCELLED),
    }
    return people


@pytest.fixture
def make_survey(app):
    """A survey from a template, open now by default (opened an hour ago, closing in a week)."""
    from dialogue.surveys import services

    def make(event, starter="market_dialogue", *, state="open", anonymous=False,
             audience=SurveyAudience.REGISTERED, roles=(), reminder_days=(3, 7), previous=None):
        now = utcnow()
        survey = services.create_survey(event, None, "" if starter else "Feedback", starter=starter or None,
                                        previous=previous, now=now)
        survey.anonymous = anonymous
        survey.audience = audience
        survey.audience_roles = list(roles)
        survey.reminder_days = list(reminder_days)
        if state == "open":
            survey.opens_at, survey.closes_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=7)
        elif state == "closed":
            survey.opens_at, survey.closes_at = now - dt.timedelta(days=20), now - dt.timedelta(days=1)
        elif state == "scheduled":
            survey.opens_at, survey.closes_at = now + dt.timedelta(days=1), now + dt.timedelta(days=8)
        if state != "draft":
            survey.published_at = now - dt.timedelta(days=30)
        db.session.commit()
        return survey

    return make


def question(survey, starts_with: str):
    return next(q for q in survey.ordered_questions() if q.text.startswith(starts_with))


def good_answers(survey, **changes) -> dict[str, list[str] | str]:
    """A complete, valid submission of the "Market dialogue feedback" template, as form data."""
    data = {
        f"q{question(survey, 'How useful').id}": "4",
        f"q{question(survey, 'How clearly').id}": "5",
        f"q{question(survey, 'How likely').id}": "9",
        f"q{question(survey, 'Will you bid').id}": "Yes",
        f"q{question(survey, 'What are your barriers').id}": ["Cost of audits and certification", "__other__"],
        f"q{question(survey, 'What are your barriers').id}_other": "Forecasting volumes",
        f"q{question(survey, 'Which labels').id}": ["TCO Certified", "EPEAT"],
        f"q{question(survey, 'Anything else').id}": "More time between notice and deadline",
    }
    data.update(changes)
    return data


def as_raw(survey, form: dict) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Form data as the plain values the answering service takes."""
    raw, other = {}, {}
    for key, value in form.items():
        match = re.fullmatch(r"q(\d+)(_other)?", key)
        if match.group(2):
            other[int(match.group(1))] = value
        else:
            raw[int(match.group(1))] = value if isinstance(value, list) else [value]
    return raw, other


def link_token(message) -> str:
    match = re.search(r"http://dialogue\.test/s/([0-9a-f]{32})", message.body_text)
    assert match, message.body_text
    return match.group(1)


@pytest.fixture
def meetings_stub(monkeypatch):
    """Stand in for dialogue.meetings.services.user_ids_with_meetings (built by the meetings feature)."""

    def install(user_ids: set[int]):
        def fake(event):
            return set(user_ids)

        try:
            import dialogue.meetings.services as real
        except ImportError:
            module = types.ModuleType("dialogue.meetings.services")
            module.user_ids_with_meetings = fake
            monkeypatch.setitem(sys.modules, "dialogue.meetings.services", module)
        else:
            monkeypatch.setattr(real, "user_ids_with_meetings", fake)

    return install
