"""Invitations and reminders, written to the outbox. Safe to run as often as cron likes.

- When a scheduled survey opens, everyone in its audience gets one invitation with a personal link.
  People who join the audience later (checked in late, say) are invited on a later run; nobody twice.
- On each reminder day the organiser planned, those who have not answered get one reminder. A day is
  recorded as handled on the survey, so a second run sends nothing; if several days fell due while
  nothing ran, one reminder goes out, not a burst.
- A second stage is a survey like any other that opens months later: the same run opens it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from dialogue.audit.services import record_action
from dialogue.core.deferred import deferred, ndeferred
from dialogue.core.errors import DialogueError
from dialogue.core.timeutil import format_local
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.jobs.queue import Run, app_context, huey, job_task
from dialogue.jobs.services import create_job
from dialogue.models import Event, EventStatus, Job, Membership, Survey, SurveyInvitation, User, new_token, utcnow
from dialogue.outbox.services import enqueue_mail
from dialogue.surveys.services import resolve_audience


@dataclass
class Sent:
    invitations: int = 0
    reminders: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Sent) -> None:
        self.invitations += other.invitations
        self.reminders += other.reminders
        self.problems.extend(other.problems)


def _mail(invitation: SurveyInvitation, user: User, template: str, subject) -> None:
    """One personal message, in the recipient's language (the subject is a lazy string)."""
    survey = invitation.survey
    enqueue_mail([user.email], subject, template, category=f"surveys.{template.removeprefix('survey_')}",
                 locale=user.locale, survey=survey, event=survey.event, person=user,
                 link=external_url("surveys.respond", token=invitation.token),
                 closes=format_local(survey.closes_at, survey.event.timezone))


def invite_audience(survey: Survey, now: dt.datetime, limit: int | None = None) -> int:
    """Invite everyone in the audience who has no invitation yet (at most ``limit`` of them, for a
    batch of the worker); returns how many were invited. Each call invites only those not invited yet,
    so batches never invite anyone twice.

    Nobody is invited to a survey of a cancelled event. Someone whose invitation was revoked (their
    place ended) and who is back in the audience (registered again) gets a new link."""
    if survey.event.status == EventStatus.CANCELLED:
        return 0
    audience = resolve_audience(survey)
    if survey.previous_survey_id is not None:
        # A second stage goes to those of the first whose invitation still stands.
        gone = set(db.session.scalars(select(SurveyInvitation.user_id).where(
            SurveyInvitation.survey_id == survey.previous_survey_id, SurveyInvitation.revoked_at.is_not(None))))
        audience = {user_id: role for user_id, role in audience.items() if user_id not in gone}
    existing = {inv.user_id: inv for inv in db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))}
    count = 0
    returning = sorted((existing[uid] for uid in audience if uid in existing
                        and existing[uid].revoked_at is not None), key=lambda inv: inv.id)
    new_ids = sorted(set(audience) - set(existing))
    finished = limit is None or len(returning) + len(new_ids) <= limit
    if limit is not None:
        returning = returning[:limit]
        new_ids = new_ids[:limit - len(returning)]
    for invitation in returning:
        invitation.revoked_at = None
        invitation.token = new_token()
        invitation.invited_at = now
        invitation.role = audience[invitation.user_id]
        _mail(invitation, invitation.user, "survey_invitation",
              _l("Your feedback on %(event)s: %(title)s", event=survey.event.title, title=survey.title))
        count += 1
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(new_ids)))} if new_ids else {}
    for user_id in new_ids:
        user = users.get(user_id)
        if user is None:
            continue
        invitation = SurveyInvitation(survey=survey, user_id=user_id, role=audience[user_id], invited_at=now,
                                      token=new_token())
        db.session.add(invitation)
        _mail(invitation, user, "survey_invitation",
              _l("Your feedback on %(event)s: %(title)s", event=survey.event.title, title=survey.title))
        count += 1
    if survey.opened_at is None and finished:
        survey.opened_at = now
        db.session.flush()
        invited = db.session.scalar(select(func.count(SurveyInvitation.id)).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.revoked_at.is_(None)))
        record_action(None, "survey.open", f"The survey “{survey.title}” opened: {invited} people invited",
                      event=survey.event, survey_id=survey.id, invited=invited)
    db.session.flush()
    return count


def non_respondents(survey: Survey) -> list[SurveyInvitation]:
    return list(db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id,
                                       SurveyInvitation.responded.is_(False), SurveyInvitation.user_id.is_not(None),
                                       SurveyInvitation.revoked_at.is_(None))
        .options(joinedload(SurveyInvitation.user).joinedload(User.membership).joinedload(Membership.organisation))
        .order_by(SurveyInvitation.id)))


def revoke_invitations(event: Event, now: dt.datetime, *, user_id: int | None = None) -> int:
    """The event's survey invitations (of one person, or everyone's) stop working: the personal link
    goes and no reminder follows; who was invited and whether they answered stay. Returns how many."""
    query = update(SurveyInvitation).where(
        SurveyInvitation.survey_id.in_(select(Survey.id).where(Survey.event_id == event.id)),
        SurveyInvitation.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(SurveyInvitation.user_id == user_id)
    return db.session.execute(query.values(revoked_at=now, token=None)
                              .execution_options(synchronize_session="fetch")).rowcount


def remind_non_respondents(survey: Survey, now: dt.datetime, *, invited_before: dt.datetime | None = None) -> int:
    """One reminder to each invited person who has not answered; only while the survey is open."""
    if not survey.is_open(now):
        raise DialogueError(_("Reminders go out only while the survey is open."))
    count = 0
    for invitation in non_respondents(survey):
        if invited_before is not None and invitation.invited_at >= invited_before:
            continue  # invited after this reminder was due: the invitation itself is recent enough
        _mail(invitation, invitation.user, "survey_reminder",
              _l("Reminder: your feedback on %(event)s", event=survey.event.title))
        invitation.reminder_count += 1
        invitation.last_reminded_at = now
        count += 1
    survey.last_reminded_at = now
    return count


def send_due_for_survey(survey: Survey, now: dt.datetime) -> Sent:
    """What is due for one survey: invitations once it opens, then the planned reminders."""
    sent = Sent()
    if not survey.is_open(now):
        return sent
    sent.invitations = invite_audience(survey, now)
    due = [day for day in survey.reminder_days
           if day not in (survey.reminders_done or []) and survey.opens_at + dt.timedelta(days=day) <= now]
    if due:
        sent.reminders = remind_non_respondents(
            survey, now, invited_before=survey.opens_at + dt.timedelta(days=max(due)))
        survey.reminders_done = sorted(set(survey.reminders_done or []) | set(due))
    return sent


def send_due(now: dt.datetime) -> Sent:
    """Every open survey's due invitations and reminders (the ``surveys send-due`` command).

    On PostgreSQL each survey row is locked while it is handled and skipped by a second runner, so two
    overlapping runs never send the same mail twice.
    """
    total = Sent()
    query = select(Survey).where(Survey.published_at.is_not(None), Survey.opens_at <= now,
                                 Survey.closes_at > now).order_by(Survey.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Survey)
    for survey in db.session.scalars(query).all():
        savepoint = db.session.begin_nested()
        try:
            total.add(send_due_for_survey(survey, now))
        except DialogueError as exc:
            savepoint.rollback()
            total.problems.append(f"{survey.event.slug} / {survey.title}: {exc.message}")
        else:
            savepoint.commit()
    return total


def uninvited_count(survey: Survey) -> int:
    """How many of the audience have no standing invitation yet (what the next send will invite)."""
    standing = set(db.session.scalars(select(SurveyInvitation.user_id).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.revoked_at.is_(None))))
    return len(set(resolve_audience(survey)) - standing)


SEND_JOB = "surveys.send"


def queue_sending(survey: Survey, user: User, now: dt.datetime) -> Job:
    """What ``surveys send-due`` would send for this survey, now, by the task-queue worker."""
    if not survey.is_open(now):
        raise DialogueError(_("Invitations go out only while the survey is open."))
    job = create_job(SEND_JOB, user=user, event=survey.event, params={"survey_id": survey.id})
    job.progress_total = uninvited_count(survey)
    return job


@job_task(SEND_JOB)
def send_in_worker(run: Run) -> None:
    """Invitations in batches (each commits its invitations with their mail), then the due reminders."""
    size = current_app.config["JOBS_BATCH_SIZE"]
    invited = run.cursor.get("invited", 0)
    total = invited + uninvited_count(db.session.get(Survey, run.params["survey_id"]))
    while True:
        with run.batch():
            survey = db.session.get(Survey, run.params["survey_id"])
            now = utcnow()
            count = invite_audience(survey, now, limit=size) if survey.is_open(now) else 0
            invited += count
            run.advance(invited, total=max(total, invited), cursor={"invited": invited},
                        message=ndeferred("%(num)d invitation written", "%(num)d invitations written", invited))
        if count < size:
            break
    with run.batch():
        survey = db.session.get(Survey, run.params["survey_id"])
        sent = send_due_for_survey(survey, utcnow())
        run.advance(invited, message="")
    run.message = deferred("%(i)s invitations and %(r)s reminders are on their way.", i=invited, r=sent.reminders)
    run.result_url = external_url("surveys.respondents", slug=survey.event.slug, survey_id=survey.id)


@huey.periodic_task(crontab(minute="*/10"), name="surveys.send_due")
def send_due_in_worker() -> None:
    """``surveys send-due`` every ten minutes inside the worker, so no cron is needed for it."""
    with app_context():
        sent = send_due(utcnow())
        db.session.commit()
        for problem in sent.problems:
            current_app.logger.warning("survey skipped: %s", problem)
