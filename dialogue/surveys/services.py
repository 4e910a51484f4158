"""Surveys of an event: who is asked (the audience) and the survey's life: draft, scheduled, open, closed.

Sections and questions are built in ``builder.py``; invitations and reminders go out in ``notify.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import (
    Event,
    ParticipantRole,
    Registration,
    RegistrationState,
    Survey,
    SurveyAudience,
    SurveyInvitation,
    SurveyQuestion,
    SurveySection,
    User,
)
from dialogue.surveys.starters import STARTERS

MAX_REMINDERS = 5
DEFAULT_OPEN_DAYS = 14
SECOND_STAGE_DELAY = dt.timedelta(days=182)  # "six months later"


# ---------------------------------------------------------------- audience

def user_ids_with_meetings(event: Event) -> set[int]:
    """People who had a one-to-one meeting at the event, as the meetings feature records them.

    Imported here, when needed, so that surveys work (and test) on their own; every other audience
    is independent of meetings.
    """
    try:
        from dialogue.meetings.services import user_ids_with_meetings as meeting_people
    except ImportError:
        raise DialogueError(_("The audience \"people who had a meeting\" needs the one-to-one meetings, "
                              "which are not available on this site."), field="audience") from None
    return set(meeting_people(event))


def resolve_audience(survey: Survey) -> dict[int, str | None]:
    """Who should be invited: user id -> participant role.

    A second stage goes to exactly the people invited to the first. Otherwise: confirmed registrations
    of the event, narrowed by role, by check-in or by having had a meeting.
    """
    if survey.previous_survey_id is not None:
        rows = db.session.execute(select(SurveyInvitation.user_id, SurveyInvitation.role)
                                  .where(SurveyInvitation.survey_id == survey.previous_survey_id,
                                         SurveyInvitation.user_id.is_not(None)))
        return {user_id: role for user_id, role in rows}
    query = select(Registration.user_id, Registration.role).where(
        Registration.event_id == survey.event_id, Registration.state == RegistrationState.CONFIRMED,
        Registration.user_id.is_not(None))
    if survey.audience_roles:
        query = query.where(Registration.role.in_(survey.audience_roles))
    if survey.audience == SurveyAudience.CHECKED_IN:
        query = query.where(Registration.checked_in_at.is_not(None))
    people = {user_id: str(role) for user_id, role in db.session.execute(query)}
    if survey.audience == SurveyAudience.HAD_MEETING:
        met = user_ids_with_meetings(survey.event)
        people = {user_id: role for user_id, role in people.items() if user_id in met}
    return people


# ---------------------------------------------------------------- surveys

def list_surveys(event: Event) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.event_id == event.id)
                                   .options(selectinload(Survey.previous_survey))
                                   .order_by(Survey.opens_at, Survey.id)))


def create_survey(event: Event, user: User | None, title: str, *, starter: str | None = None,
                  previous: Survey | None = None, now: dt.datetime) -> Survey:
    """A draft survey, empty or filled from a starter; a second stage opens months after the first closes."""
    title = (title or "").strip()
    if starter and starter not in STARTERS:
        raise DialogueError(_("Choose one of the templates."), field="starter")
    if not title and starter:
        title = str(STARTERS[starter]["title"])
    if not title:
        raise DialogueError(_("Give the survey a title."), field="title")
    if previous is not None and previous.event_id != event.id:
        raise DialogueError(_("The first stage must be a survey of this event."), field="previous_survey")
    if previous is not None:
        opens = previous.closes_at + SECOND_STAGE_DELAY
    else:
        opens = max(event.ends_at, now)
    survey = Survey(event=event, title=title[:200], created_by_id=user.id if user else None, opens_at=opens,
                    closes_at=opens + dt.timedelta(days=DEFAULT_OPEN_DAYS), reminder_days=[3, 7],
                    reminders_done=[], audience_roles=[], previous_survey=previous,
                    anonymous=previous.anonymous if previous is not None else False,
                    intro=str(STARTERS[starter]["intro"]) if starter else "")
    db.session.add(survey)
    if starter:
        _fill_from_starter(survey, STARTERS[starter])
    else:
        db.session.add(SurveySection(survey=survey, title=_("Questions"), position=0))
    db.session.flush()
    return survey


def _fill_from_starter(survey: Survey, starter: dict) -> None:
    by_key: dict[str, SurveyQuestion] = {}
    for s_pos, spec in enumerate(starter["sections"]):
        section = SurveySection(survey=survey, title=str(spec["title"]),
                                description=str(spec.get("description", "")), position=s_pos)
        db.session.add(section)
        for q_pos, q in enumerate(spec["questions"]):
            question = SurveyQuestion(
                survey=survey, section=section, kind=q["kind"], text=str(q["text"]),
                help_text=str(q.get("help_text", "")), required=q.get("required", False),
                options=[str(option) for option in q.get("options", [])],
                allow_other=q.get("allow_other", False), position=q_pos)
            db.session.add(question)
            if "show_if" in q:
                key, value = q["show_if"]
                question.condition_question = by_key[key]
                question.condition_value = str(value)
            if "key" in q:
                by_key[q["key"]] = question


def has_invitations(survey: Survey) -> bool:
    return db.session.scalar(select(func.count()).select_from(SurveyInvitation)
                             .where(SurveyInvitation.survey_id == survey.id)) > 0


def _same_minute(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    return a is not None and b is not None and a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def update_settings(survey: Survey, *, title: str, intro: str, anonymous: bool, audience: SurveyAudience,
                    audience_roles: Iterable[str], opens_at: dt.datetime, closes_at: dt.datetime,
                    reminder_days: Iterable[int], previous: Survey | None, now: dt.datetime) -> None:
    """Change a survey's settings. Promises made in sent invitations (anonymity, opening) are kept."""
    title = (title or "").strip()
    if not title:
        raise DialogueError(_("Give the survey a title."), field="title")
    # The form shows whole minutes: a time within the stored minute is the stored time, unchanged.
    opens_at = survey.opens_at if _same_minute(opens_at, survey.opens_at) else opens_at
    closes_at = survey.closes_at if _same_minute(closes_at, survey.closes_at) else closes_at
    roles = sorted(set(audience_roles))
    if any(role not in ParticipantRole.__members__.values() for role in roles):
        raise DialogueError(_("Choose roles from the list."), field="roles")
    if closes_at <= opens_at:
        raise DialogueError(_("The survey must close after it opens."), field="closes_at")
    days = sorted(set(reminder_days))
    if any(day < 1 or day > 365 for day in days):
        raise DialogueError(_("Reminders are sent 1 to 365 days after opening."), field="reminder_days")
    if len(days) > MAX_REMINDERS:
        raise DialogueError(_("Plan at most %(n)s reminders.", n=MAX_REMINDERS), field="reminder_days")
    invited = has_invitations(survey)
    if anonymous != survey.anonymous and invited:
        raise DialogueError(_("Invitations told people whether their answers are anonymous, so this can no "
                              "longer change."), field="anonymous")
    if survey.opened_at is not None and opens_at != survey.opens_at:
        raise DialogueError(_("The invitations have gone out, so the opening time can no longer change."),
                            field="opens_at")
    if previous is not None:
        if previous.event_id != survey.event_id:
            raise DialogueError(_("The first stage must be a survey of this event."), field="previous_survey")
        stage = previous
        while stage is not None:
            if stage.id == survey.id:
                raise DialogueError(_("A survey cannot be a later stage of itself."), field="previous_survey")
            stage = stage.previous_survey
        if opens_at < previous.closes_at:
            raise DialogueError(_("A second stage opens after the first stage closes."), field="opens_at")
    if previous != survey.previous_survey and invited:
        raise DialogueError(_("The invitations have gone out, so the audience can no longer be switched to "
                              "another stage."), field="previous_survey")
    # Reminders already handled stay handled; new days are sent when due.
    survey.assign(title=title[:200], intro=intro or "", anonymous=anonymous, audience=audience, audience_roles=roles,
                  opens_at=opens_at, closes_at=closes_at, reminder_days=days,
                  reminders_done=[day for day in (survey.reminders_done or []) if day in days],
                  previous_survey=previous)


def _audit(actor: User | None, action: str, summary: str, survey: Survey, **details) -> None:
    from dialogue.audit.services import record_action

    record_action(actor, action, summary, event=survey.event, survey_id=survey.id, **details)


def publish_survey(survey: Survey, now: dt.datetime, *, actor: User | None = None) -> None:
    """Schedule the survey: invitations go out when it opens (``surveys send-due``)."""
    if survey.published_at is not None:
        raise DialogueError(_("The survey is already scheduled."))
    if not survey.questions:
        raise DialogueError(_("Add at least one question before scheduling the survey."))
    if survey.closes_at <= now:
        raise DialogueError(_("The closing time has passed. Set a later closing time first."), field="closes_at")
    if survey.previous_survey_id is None and survey.audience == SurveyAudience.HAD_MEETING:
        user_ids_with_meetings(survey.event)  # refuses now rather than when invitations are due
    survey.published_at = now
    from dialogue.core.timeutil import format_local

    zone = survey.event.timezone
    _audit(actor, "survey.schedule", f"Scheduled the survey “{survey.title}” to open "
           f"{format_local(max(survey.opens_at, now), zone)} and close {format_local(survey.closes_at, zone)}",
           survey, anonymous=survey.anonymous)


def unpublish_survey(survey: Survey, *, actor: User | None = None) -> None:
    if has_invitations(survey):
        raise DialogueError(_("Invitations have gone out; the survey can only be closed, not taken back."))
    survey.published_at = None
    _audit(actor, "survey.unschedule", f"Took the survey “{survey.title}” back to draft", survey)


def close_survey(survey: Survey, now: dt.datetime, *, actor: User | None = None) -> None:
    """Close early: no more answers, no more reminders."""
    if survey.closes_at <= now:
        raise DialogueError(_("The survey is already closed."))
    survey.closes_at = max(now, survey.opens_at + dt.timedelta(seconds=1))
    _audit(actor, "survey.close", f"Closed the survey “{survey.title}”", survey)


def delete_survey(survey: Survey, *, actor: User | None = None) -> None:
    if has_invitations(survey):
        raise DialogueError(_("Invitations have gone out; a survey with invitations is kept as a record."))
    _audit(actor, "survey.delete", f"Deleted the survey “{survey.title}” (never sent)", survey)
    for later in db.session.scalars(select(Survey).where(Survey.previous_survey_id == survey.id)):
        later.previous_survey = None
    db.session.delete(survey)
