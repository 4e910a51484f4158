"""Cloning an event: a new draft with the old one's set-up, moved to a new start date.

What is copied is what an organiser prepares once and runs again: co-hosts, agenda sessions,
registration questions, places per role, the one-to-one meeting set-up (settings, blocks and slots,
tables and rooms) and the follow-up surveys with their questions, as drafts. What belongs to the people
of the old event is not copied: registrations, meetings and requests, materials, survey answers.

Times move by whole wall-clock days in the event's time zone, so a session at 09:00 stays at 09:00
even when a change to or from summer time lies between the two dates.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.audit.services import record_action
from dialogue.core.errors import DialogueError, NotAllowed
from dialogue.core.timeutil import local_to_utc
from dialogue.events.access import is_organiser
from dialogue.events.services import can_create_events, clean_slug
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventCoHost,
    EventStaff,
    EventStatus,
    MeetingBlock,
    MeetingLocation,
    MeetingSettings,
    MeetingSlot,
    RegistrationQuestion,
    RoleCapacity,
    StaffRole,
    Survey,
    SurveyQuestion,
    SurveySection,
    User,
    utcnow,
)

EVENT_FIELDS = ("title", "summary", "description", "format", "venue", "address", "online_url", "timezone",
                "languages", "contact_email", "capacity", "online_capacity", "moderated")
SETTINGS_FIELDS = ("mode", "slot_minutes", "break_minutes", "request_expiry_hours", "max_meetings_per_supplier",
                   "max_meetings_per_buyer", "max_requests_per_supplier", "max_supplier_staff", "reminder_minutes",
                   "virtual", "virtual_link_template", "use_match_scores")
SURVEY_FIELDS = ("title", "intro", "anonymous", "audience", "audience_roles", "reminder_days")
QUESTION_FIELDS = ("kind", "text", "help_text", "required", "options", "allow_other", "min_value", "max_value",
                   "position", "condition_value")


class Shift:
    """Moves times by the whole days between two starts, keeping their wall-clock time in ``zone``."""

    def __init__(self, zone: str, old_start: dt.datetime, new_day: dt.date):
        self.zone = ZoneInfo(zone)
        self.zone_name = zone
        old_local = old_start.astimezone(self.zone)
        self.days = dt.timedelta(days=(new_day - old_local.date()).days)

    def __call__(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        local = value.astimezone(self.zone).replace(tzinfo=None)
        return local_to_utc(local + self.days, self.zone_name)


def can_clone(event: Event, user: User | None) -> bool:
    """Its organisers may clone any event; whoever may create events may clone a past public one that took
    place (not a draft, not a cancelled one: the gallery's events)."""
    if is_organiser(event, user):
        return True
    held = event.status in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED, EventStatus.FINISHED)
    return held and event.ends_at <= utcnow() and can_create_events(user)


def clone_event(source: Event, actor: User, *, starts_on: dt.date | None, slug: str | None,
                now: dt.datetime | None = None) -> Event:
    """Make a draft from ``source`` starting on ``starts_on`` at the same local time.

    The organisers' own clone keeps the co-hosts; a clone of someone else's event (from the gallery) is
    co-hosted by the cloner's organisation only. The new address must be free.
    """
    now = now or utcnow()
    if not can_clone(source, actor):
        raise NotAllowed(_("Only the organisers of this event, or of a past public event anyone who may create "
                           "events, can clone it."))
    if starts_on is None:
        raise DialogueError(_("Enter the day the new event starts."), field="starts_on")
    shift = Shift(source.timezone, source.starts_at, starts_on)
    if shift(source.starts_at) < now:
        raise DialogueError(_("Choose a start date in the future."), field="starts_on")
    if not (slug or "").strip():
        raise DialogueError(_("Enter the address of the new event."), field="slug")
    new_slug = clean_slug(slug, source.title)
    source = db.session.scalar(select(Event).where(Event.id == source.id).options(
        selectinload(Event.cohosts).joinedload(EventCoHost.organisation), selectinload(Event.sessions),
        selectinload(Event.role_capacities)))
    event = Event(slug=new_slug, status=EventStatus.DRAFT, created_by_id=actor.id,
                  **{name: getattr(source, name) for name in EVENT_FIELDS})
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at",
                 "cancellation_deadline"):
        setattr(event, name, shift(getattr(source, name)))
    event.languages = list(source.languages or [])
    own = is_organiser(source, actor)
    hosts = [c.organisation for c in source.cohosts] if own else [actor.organisation]
    if not [h for h in hosts if h is not None]:
        raise DialogueError(_("You need an organisation to co-host the new event."), field="slug")
    for org in hosts:
        if org is not None:
            event.cohosts.append(EventCoHost(organisation=org))
    event.staff.append(EventStaff(user=actor, role=StaffRole.ORGANISER))
    for session in source.sessions:
        event.sessions.append(AgendaSession(title=session.title, kind=session.kind, room=session.room,
                                            description=session.description, starts_at=shift(session.starts_at),
                                            ends_at=shift(session.ends_at)))
    for cap in source.role_capacities:
        event.role_capacities.append(RoleCapacity(role=cap.role, capacity=cap.capacity))
    db.session.add(event)
    db.session.flush()
    _copy_questions(source, event)
    _copy_meeting_setup(source, event, shift)
    _copy_surveys(source, event, shift, actor)
    record_action(actor, "event.clone", f"Cloned the event “{source.title}” ({source.slug}) as a draft",
                  event=event, source=source.slug)
    return event


def _copy_questions(source: Event, event: Event) -> None:
    for q in db.session.scalars(select(RegistrationQuestion).where(RegistrationQuestion.event_id == source.id)
                                .order_by(RegistrationQuestion.position, RegistrationQuestion.id)):
        db.session.add(RegistrationQuestion(event_id=event.id, role=q.role, kind=q.kind, text=q.text,
                                            choices=list(q.choices or []), required=q.required, position=q.position))


def _copy_meeting_setup(source: Event, event: Event, shift: Shift) -> None:
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.event_id == source.id))
    if settings is not None:
        db.session.add(MeetingSettings(event_id=event.id, **{n: getattr(settings, n) for n in SETTINGS_FIELDS}))
    for loc in db.session.scalars(select(MeetingLocation).where(MeetingLocation.event_id == source.id)):
        db.session.add(MeetingLocation(event_id=event.id, label=loc.label, kind=loc.kind, capacity=loc.capacity,
                                       position=loc.position))
    blocks = db.session.scalars(select(MeetingBlock).where(MeetingBlock.event_id == source.id)
                                .options(selectinload(MeetingBlock.slots)).order_by(MeetingBlock.starts_at))
    for block in blocks:
        copy = MeetingBlock(event_id=event.id, starts_at=shift(block.starts_at), ends_at=shift(block.ends_at))
        for slot in block.slots:
            copy.slots.append(MeetingSlot(event_id=event.id, starts_at=shift(slot.starts_at),
                                          ends_at=shift(slot.ends_at)))
        db.session.add(copy)
    db.session.flush()


def _copy_surveys(source: Event, event: Event, shift: Shift, actor: User) -> None:
    surveys = list(db.session.scalars(
        select(Survey).where(Survey.event_id == source.id).order_by(Survey.id)
        .options(selectinload(Survey.sections).selectinload(SurveySection.questions))))
    copies: dict[int, Survey] = {}
    for survey in surveys:
        copy = Survey(event_id=event.id, opens_at=shift(survey.opens_at), closes_at=shift(survey.closes_at),
                      created_by_id=actor.id, reminders_done=[], published_at=None, opened_at=None,
                      **{n: getattr(survey, n) for n in SURVEY_FIELDS})
        copy.audience_roles = list(survey.audience_roles or [])
        copy.reminder_days = list(survey.reminder_days or [])
        if survey.previous_survey_id in copies:
            copy.previous_survey = copies[survey.previous_survey_id]
        db.session.add(copy)
        db.session.flush()
        copies[survey.id] = copy
        question_copies: dict[int, SurveyQuestion] = {}
        for section in survey.sections:
            new_section = SurveySection(survey_id=copy.id, title=section.title, description=section.description,
                                        position=section.position)
            db.session.add(new_section)
            db.session.flush()
            for q in section.questions:
                new_q = SurveyQuestion(survey_id=copy.id, section_id=new_section.id,
                                       **{n: getattr(q, n) for n in QUESTION_FIELDS})
                new_q.options = list(q.options or [])
                db.session.add(new_q)
                question_copies[q.id] = new_q
        db.session.flush()
        for section in survey.sections:
            for q in section.questions:
                if q.condition_question_id in question_copies:
                    question_copies[q.id].condition_question_id = question_copies[q.condition_question_id].id
    db.session.flush()
