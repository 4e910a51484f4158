"""The organiser's playbook: the steps of a market dialogue drawn from practice, each read from the data.

Nothing is ticked by hand. Each step is done, not yet, or not applicable to this event, with the
reason in plain words and a link to the page where it is done. The whole checklist is read in a fixed
number of queries, whatever the number of tenders, questions, meetings or surveys.

The steps follow the cases the platform was built from: the Nordic cities' forum (co-hosts agree,
planned tenders announced well ahead, questions answered to everyone), one-to-one meetings on equal
terms (caps, a published schedule, minutes), a follow-up survey and a second one months later, and
the consultation record kept for the procurement file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from dialogue.core.timeutil import format_local
from dialogue.extensions import db
from dialogue.models import SessionKind, StaffRole
from dialogue.models.audit import AuditEntry
from dialogue.models.base import LabelledEnum, utcnow
from dialogue.models.event import AgendaSession, Event, EventCoHost, EventStaff, EventStatus, RoleCapacity
from dialogue.models.intent import EventIntent, Intent, IntentQuestion, IntentStatus, QuestionStatus
from dialogue.models.material import Material, MaterialVisibility
from dialogue.models.meeting import Meeting, MeetingBlock, MeetingMode, MeetingSettings, MeetingSlot, MeetingStatus
from dialogue.models.minutes import MeetingMinutes
from dialogue.models.organisation import Membership, Organisation
from dialogue.models.survey import Survey

# Planned tenders are announced at least this long before the event, so suppliers can prepare.
ANNOUNCE_WEEKS = 4
# A question waits at most this long for its public answer.
ANSWER_DAYS = 7
# A second-stage survey asks months later what came of the dialogue.
SECOND_STAGE_DAYS = 60
RECORD_EXPORT = "record.export"


class StepState(LabelledEnum):
    DONE = "done"
    TODO = "todo"
    NOT_APPLICABLE = "not_applicable"


StepState.give_labels(DONE=_l("Done"), TODO=_l("Not yet"), NOT_APPLICABLE=_l("Not applicable"))


@dataclass
class Step:
    key: str
    title: str
    state: StepState
    reason: str
    url: str
    link_label: str


def _day(event: Event, value: dt.datetime | None) -> str:
    return format_local(value, event.timezone, "%d %b %Y", named=False)


def _names(names: list[str]) -> str:
    return ", ".join(names)


def build(event: Event, now: dt.datetime | None = None) -> list[Step]:
    """The checklist of one event, in the order the steps happen."""
    now = now or utcnow()
    return [_cohosts(event), *_tenders(event, now), _registration(event), _materials(event),
            *_meetings(event, now), *_surveys(event), _record(event)]


def _cohosts(event: Event) -> Step:
    """A co-host agrees by having someone of theirs among the event's organisers."""
    organisers = (select(Membership.organisation_id, func.count(EventStaff.id).label("n"))
                  .join(EventStaff, and_(EventStaff.user_id == Membership.user_id, EventStaff.event_id == event.id,
                                         EventStaff.role == StaffRole.ORGANISER))
                  .group_by(Membership.organisation_id).subquery())
    rows = db.session.execute(
        select(Organisation.name, func.coalesce(organisers.c.n, 0))
        .join(EventCoHost, EventCoHost.organisation_id == Organisation.id)
        .outerjoin(organisers, organisers.c.organisation_id == Organisation.id)
        .where(EventCoHost.event_id == event.id).order_by(EventCoHost.id)).all()
    missing = [name for name, n in rows if not n]
    url = url_for("events.manage", slug=event.slug, _anchor="staff")
    title = _("Co-hosts agreed")
    label = _("Co-hosts and organisers")
    if not rows:
        return Step("cohosts", title, StepState.TODO, _("The event has no co-host yet."), url, label)
    if missing:
        return Step("cohosts", title, StepState.TODO,
                    _("%(done)d of %(all)d co-hosts have someone organising the event. Not yet: %(names)s.",
                      done=len(rows) - len(missing), all=len(rows), names=_names(missing)), url, label)
    return Step("cohosts", title, StepState.DONE,
                _("Every co-host has someone organising the event: %(names)s.",
                  names=_names([name for name, _n in rows])), url, label)


def _tenders(event: Event, now: dt.datetime) -> list[Step]:
    intents = db.session.execute(
        select(Intent.id, Intent.title, Intent.status, Intent.announced_at)
        .join(EventIntent, EventIntent.intent_id == Intent.id)
        .where(EventIntent.event_id == event.id, Intent.status != IntentStatus.WITHDRAWN)
        .order_by(EventIntent.id)).all()
    list_url = url_for("intents.event_intents", slug=event.slug)
    title = _("Planned tenders announced %(n)d weeks ahead", n=ANNOUNCE_WEEKS)
    if not intents:
        return [Step("tenders", title, StepState.TODO,
                     _("No planned tender is presented at the event yet. Link the tenders you will present."),
                     list_url, _("Planned tenders of the event")),
                Step("questions", _("Questions answered to all"), StepState.NOT_APPLICABLE,
                     _("No planned tender is linked, so there are no questions to answer."), list_url,
                     _("Planned tenders of the event"))]
    deadline = event.starts_at - dt.timedelta(weeks=ANNOUNCE_WEEKS)
    late = [row.title for row in intents if row.announced_at is None or row.announced_at > deadline]
    if late:
        tenders = Step("tenders", title, StepState.TODO,
                       _("%(done)d of %(all)d planned tenders were announced by %(day)s. Not yet: %(names)s.",
                         done=len(intents) - len(late), all=len(intents), day=_day(event, deadline),
                         names=_names(late)), list_url, _("Planned tenders of the event"))
    else:
        tenders = Step("tenders", title, StepState.DONE,
                       _("All %(all)d planned tenders were announced by %(day)s, %(n)d weeks before the event.",
                         all=len(intents), day=_day(event, deadline), n=ANNOUNCE_WEEKS),
                       list_url, _("Planned tenders of the event"))
    return [tenders, _questions(event, intents, now, list_url)]


def _questions(event: Event, intents, now: dt.datetime, list_url: str) -> Step:
    title = _("Questions answered to all")
    if not any(row.status == IntentStatus.ANNOUNCED for row in intents):
        return Step("questions", title, StepState.TODO,
                    _("None of the linked planned tenders is announced, so suppliers cannot ask questions yet."),
                    list_url, _("Planned tenders of the event"))
    overdue = db.session.execute(
        select(IntentQuestion.intent_id, func.count(), func.min(IntentQuestion.asked_at))
        .where(IntentQuestion.intent_id.in_([row.id for row in intents]),
               IntentQuestion.status == QuestionStatus.PENDING,
               IntentQuestion.asked_at < now - dt.timedelta(days=ANSWER_DAYS))
        .group_by(IntentQuestion.intent_id).order_by(func.min(IntentQuestion.asked_at))).all()
    if overdue:
        waiting = sum(n for _i, n, _a in overdue)
        return Step("questions", title, StepState.TODO,
                    _("%(n)d questions have waited more than %(days)d days for a public answer.", n=waiting,
                      days=ANSWER_DAYS),
                    url_for("intents.questions_page", intent_id=overdue[0][0]), _("Answer the oldest questions"))
    return Step("questions", title, StepState.DONE,
                _("Questions are open, and none has waited more than %(days)d days for its public answer.",
                  days=ANSWER_DAYS), list_url, _("Planned tenders of the event"))


def _registration(event: Event) -> Step:
    url = url_for("events.manage", slug=event.slug, _anchor="places")
    title = _("Registration open with places set")
    label = _("Status and places")
    per_role = db.session.scalar(select(func.count(RoleCapacity.id)).where(RoleCapacity.event_id == event.id))
    if event.status == EventStatus.DRAFT:
        return Step("registration", title, StepState.TODO,
                    _("The event is a draft: publish it to open registration."), url, label)
    if event.status == EventStatus.CANCELLED:
        return Step("registration", title, StepState.NOT_APPLICABLE, _("The event is cancelled."), url, label)
    if event.capacity is None and not per_role:
        return Step("registration", title, StepState.TODO,
                    _("Registration is open, but no limit on places is set: set the total or the places per "
                      "role."), url, label)
    return Step("registration", title, StepState.DONE,
                _("Registration is open and the places are set."), url, label)


def _materials(event: Event) -> Step:
    shared = db.session.scalar(select(func.count(Material.id)).where(
        Material.event_id == event.id, Material.removed_at.is_(None),
        Material.visibility != MaterialVisibility.ORGANISERS))
    url = url_for("materials.manage", slug=event.slug)
    title = _("Materials published")
    if not shared:
        return Step("materials", title, StepState.TODO,
                    _("No presentation or document is shared with participants yet."), url, _("Materials"))
    return Step("materials", title, StepState.DONE,
                _("%(n)d items are shared with participants or the public.", n=shared), url, _("Materials"))


def _meetings(event: Event, now: dt.datetime) -> list[Step]:
    settings = db.session.scalar(select(MeetingSettings).where(MeetingSettings.event_id == event.id))
    planned = db.session.scalar(select(func.count(MeetingBlock.id)).where(MeetingBlock.event_id == event.id)) or \
        db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.event_id == event.id,
                                                                     AgendaSession.kind == SessionKind.ONE_TO_ONE))
    setup_url = url_for("meetings.setup_page", slug=event.slug)
    no_meetings = _("The event has no one-to-one meetings.")
    caps_title, publish_title = _("Meeting caps set"), _("Meetings published")
    minutes = _minutes(event, now)
    if settings is None and not planned:
        return [Step("caps", caps_title, StepState.NOT_APPLICABLE, no_meetings, setup_url, _("Meeting set-up")),
                Step("schedule", publish_title, StepState.NOT_APPLICABLE, no_meetings, setup_url,
                     _("Meeting set-up")), minutes]
    caps = [value for value in (settings.max_meetings_per_supplier, settings.max_meetings_per_buyer,
                                settings.max_requests_per_supplier)] if settings else []
    if any(value is not None for value in caps):
        caps_step = Step("caps", caps_title, StepState.DONE,
                         _("Caps keep access equal: at most %(supplier)s meetings per supplier, %(buyer)s per "
                           "buyer, %(requests)s open requests per supplier.",
                           supplier=caps[0] or "–", buyer=caps[1] or "–", requests=caps[2] or "–"),
                         setup_url, _("Meeting set-up"))
    else:
        caps_step = Step("caps", caps_title, StepState.TODO,
                         _("No cap is set: one supplier could take most of the buyers' time."), setup_url,
                         _("Meeting set-up"))
    if settings is None or settings.mode != MeetingMode.ORGANISER:
        publish = Step("schedule", publish_title, StepState.NOT_APPLICABLE,
                       _("Participants arrange their meetings themselves, so there is no schedule to publish."),
                       setup_url, _("Meeting set-up"))
    elif settings.published_at is None:
        publish = Step("schedule", publish_title, StepState.TODO,
                       _("You schedule the meetings: run the scheduler and publish the meetings."),
                       url_for("meetings.preview", slug=event.slug), _("Schedule and publish"))
    else:
        publish = Step("schedule", publish_title, StepState.DONE,
                       _("The meetings were published on %(day)s.", day=_day(event, settings.published_at)),
                       url_for("meetings.preview", slug=event.slug), _("Schedule and publish"))
    return [caps_step, publish, minutes]


def _minutes(event: Event, now: dt.datetime) -> Step:
    held, recorded = db.session.execute(
        select(func.count(Meeting.id), func.count(MeetingMinutes.id))
        .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .outerjoin(MeetingMinutes, MeetingMinutes.meeting_id == Meeting.id)
        .where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.CONFIRMED,
               Meeting.no_show_at.is_(None), MeetingSlot.ends_at <= now)).one()
    url = url_for("meetings.manage", slug=event.slug)
    title = _("Minutes recorded for held meetings")
    if not held:
        return Step("minutes", title, StepState.NOT_APPLICABLE, _("No one-to-one meeting has taken place yet."),
                    url, _("Meetings"))
    if recorded < held:
        return Step("minutes", title, StepState.TODO,
                    _("%(done)d of %(all)d held meetings have minutes.", done=recorded, all=held), url,
                    _("Meetings"))
    return Step("minutes", title, StepState.DONE,
                _("All %(all)d held meetings have minutes.", all=held), url, _("Meetings"))


def _surveys(event: Event) -> list[Step]:
    surveys = db.session.execute(
        select(Survey.id, Survey.title, Survey.previous_survey_id, Survey.published_at, Survey.opened_at,
               Survey.opens_at).where(Survey.event_id == event.id).order_by(Survey.id)).all()
    url = url_for("surveys.index", slug=event.slug)
    first = [s for s in surveys if s.previous_survey_id is None]
    later = [s for s in surveys if s.previous_survey_id is not None]
    title = _("Follow-up survey created and sent")
    sent = [s for s in first if s.opened_at is not None]
    if sent:
        follow_up = Step("survey", title, StepState.DONE,
                         _("“%(title)s” was sent on %(day)s.", title=sent[0].title, day=_day(event, sent[0].opened_at)),
                         url, _("Surveys"))
    elif first:
        follow_up = Step("survey", title, StepState.TODO,
                         _("“%(title)s” is created but not sent yet: publish it and it goes out when it opens.",
                           title=first[0].title), url, _("Surveys"))
    else:
        follow_up = Step("survey", title, StepState.TODO, _("No follow-up survey yet."), url, _("Surveys"))
    title = _("Second-stage survey scheduled months later")
    months_later = event.ends_at + dt.timedelta(days=SECOND_STAGE_DAYS)
    scheduled = [s for s in later if s.published_at is not None and s.opens_at >= months_later]
    if scheduled:
        second = Step("second_stage", title, StepState.DONE,
                      _("“%(title)s” opens on %(day)s.", title=scheduled[0].title,
                        day=_day(event, scheduled[0].opens_at)), url, _("Surveys"))
    elif later:
        second = Step("second_stage", title, StepState.TODO,
                      _("A second stage exists; publish it to open at least %(days)d days after the event "
                        "(from %(day)s).", days=SECOND_STAGE_DAYS, day=_day(event, months_later)), url, _("Surveys"))
    else:
        second = Step("second_stage", title, StepState.TODO,
                      _("No second stage yet: add one to the follow-up survey, opening from %(day)s, to learn "
                        "what came of the dialogue.", day=_day(event, months_later)), url, _("Surveys"))
    return [follow_up, second]


def _record(event: Event) -> Step:
    taken, last = db.session.execute(select(func.count(AuditEntry.id), func.max(AuditEntry.created_at)).where(
        AuditEntry.event_id == event.id, AuditEntry.action == RECORD_EXPORT)).one()
    url = url_for("record.event_record", slug=event.slug)
    title = _("Consultation record filed")
    if not taken:
        return Step("record", title, StepState.TODO,
                    _("Nobody has taken the consultation record for the procurement file yet."), url,
                    _("Consultation record"))
    return Step("record", title, StepState.DONE,
                _("The record was taken %(n)d times, last on %(day)s.", n=taken, day=_day(event, last)), url,
                _("Consultation record"))
