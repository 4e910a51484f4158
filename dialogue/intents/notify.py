"""Who follows an intent, and the mails they get through the outbox.

Followers of an intent: people whose alert matches it (a CPV prefix of any of its codes and/or its
buyer or a joint-procurement partner), people who follow the intent itself, and, for answers and
status changes, everyone who asked a question on it. Each mail is personal and carries a signed
one-click unsubscribe link (and the RFC 8058 List-Unsubscribe headers) for the alert that sent it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import String, and_, literal, or_, select
from sqlalchemy.orm import contains_eager

from dialogue.core.deferred import ndeferred
from dialogue.core.urls import external_url, on_base_url
from dialogue.extensions import db
from dialogue.jobs.queue import Run, job_task
from dialogue.jobs.services import create_job
from dialogue.models import ChangeAction, Intent, IntentQuestion, IntentSubscription, Job, User

UNSUBSCRIBE_SALT = "intents.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(subscription: IntentSubscription) -> str:
    """Signed, not stored: the link in an old mail keeps working, and no one can forge another's."""
    return _serializer().dumps(subscription.id)


def subscription_for_token(token: str) -> IntentSubscription | None:
    try:
        subscription_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(subscription_id, int):
        return None
    return db.session.get(IntentSubscription, subscription_id)


def describe(subscription: IntentSubscription) -> str:
    """"CPV 302 (Computer equipment and supplies) from City of Helsinki": what an alert is for."""
    from dialogue.intents import cpv

    if subscription.intent_id is not None:
        return _("the planned tender “%(title)s”", title=subscription.intent.title)
    parts = []
    if subscription.cpv_prefix:
        entry = cpv.prefix_code(subscription.cpv_prefix)
        parts.append(_("CPV %(prefix)s (%(label)s)", prefix=subscription.cpv_prefix, label=entry.label) if entry
                     else _("CPV %(prefix)s", prefix=subscription.cpv_prefix))
    if subscription.buyer_id is not None:
        parts.append(_("from %(buyer)s", buyer=subscription.buyer.name) if parts
                     else _("planned tenders of %(buyer)s", buyer=subscription.buyer.name))
    return " ".join(parts)


def matching_subscriptions(intent: Intent) -> list[IntentSubscription]:
    """Active alerts of confirmed people that match the intent, and follows of the intent itself."""
    digits = sorted({code[:8] for code in intent.all_cpv_codes})
    buyers = {intent.buyer_id} | {p.organisation_id for p in intent.partners if p.organisation_id}
    prefix = IntentSubscription.cpv_prefix
    cpv_ok = or_(prefix.is_(None), *[literal(d, String).like(prefix + "%") for d in digits])
    buyer_ok = or_(IntentSubscription.buyer_id.is_(None), IntentSubscription.buyer_id.in_(buyers))
    alert = and_(IntentSubscription.intent_id.is_(None), cpv_ok, buyer_ok)
    query = (select(IntentSubscription).join(IntentSubscription.user)
             .options(contains_eager(IntentSubscription.user))
             .where(IntentSubscription.unsubscribed_at.is_(None), User.email_verified_at.is_not(None),
                    or_(alert, IntentSubscription.intent_id == intent.id))
             .order_by(IntentSubscription.id))
    return list(db.session.scalars(query).unique())


@dataclass
class Recipient:
    user: User
    subscription: IntentSubscription | None  # None: an asker with no alert


def followers(intent: Intent, *, include_askers: bool = True) -> list[Recipient]:
    """Everyone who follows the intent, once each."""
    found: dict[int, Recipient] = {}
    for subscription in matching_subscriptions(intent):
        found.setdefault(subscription.user_id, Recipient(subscription.user, subscription))
    if include_askers:
        askers = db.session.scalars(
            select(User).join(IntentQuestion, IntentQuestion.asker_id == User.id)
            .where(IntentQuestion.intent_id == intent.id).distinct())
        for user in askers:
            found.setdefault(user.id, Recipient(user, None))
    return list(found.values())


class _Mailer:
    """Sends one intent's mails: links and alert descriptions are worked out once per batch."""

    def __init__(self, intent: Intent, link):
        from dialogue.intents import cpv

        self.link = link
        self.context = {"intent": intent, "intent_url": link("intents.detail", intent_id=intent.id),
                        "cpv_labels": cpv.labels(intent.all_cpv_codes)}
        self.reasons: dict[tuple, str] = {}

    def send(self, recipient: Recipient, subject, template: str, category: str, **context) -> None:
        """One mail in the recipient's language; ``subject`` is a lazy string."""
        from dialogue.outbox.services import enqueue_mail, mail_locale

        headers, unsubscribe_url, reason = None, None, None
        locale = recipient.user.locale
        subscription = recipient.subscription
        if subscription is not None:
            unsubscribe_url = self.link("intents.unsubscribe", token=unsubscribe_token(subscription))
            headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
            key = (subscription.cpv_prefix, subscription.buyer_id, subscription.intent_id, locale)
            if key not in self.reasons:
                with mail_locale(locale):
                    self.reasons[key] = describe(subscription)
            reason = self.reasons[key]
        enqueue_mail([recipient.user.email], subject, template, category=category, headers=headers, locale=locale,
                     recipient=recipient.user, unsubscribe_url=unsubscribe_url, reason=reason,
                     **self.context, **context)


@contextmanager
def _mailer(intent: Intent):
    with on_base_url() as link:
        yield _Mailer(intent, link)


ANNOUNCE_JOB = "intents.announce"


def announced(intent: Intent, actor: User | None) -> Job:
    """A new planned tender: every matching alert gets a mail, written by the task-queue worker in
    batches (``write_announcement``), so announcing never waits on thousands of alerts."""
    return create_job(ANNOUNCE_JOB, user=actor, params={"intent_id": intent.id})


def latest_announcement(intent: Intent) -> Job | None:
    """The job that tells the intent's alerts of it (for the buyer's page), if it is recent."""
    jobs = db.session.scalars(select(Job).where(Job.kind == ANNOUNCE_JOB).order_by(Job.id.desc()).limit(100))
    return next((job for job in jobs if job.params.get("intent_id") == intent.id), None)


@job_task(ANNOUNCE_JOB)
def write_announcement(run: Run) -> None:
    """One mail per matching alert, a batch per commit, in the order of the people's ids; a retried
    job goes on after the last person written."""
    intent = db.session.get(Intent, run.params["intent_id"])
    chosen = sorted((r.user.id, r.subscription.id) for r in followers(intent, include_askers=False))
    after = run.cursor.get("after_user", 0)
    done = sum(1 for user_id, _sub in chosen if user_id <= after)
    todo = [pair for pair in chosen if pair[0] > after]
    size = current_app.config["JOBS_BATCH_SIZE"]
    for start in range(0, len(todo), size):
        batch = todo[start:start + size]
        with run.batch():
            intent = db.session.get(Intent, run.params["intent_id"])
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([b[0] for b in batch])))}
            alerts = {s.id: s for s in db.session.scalars(
                select(IntentSubscription).where(IntentSubscription.id.in_([b[1] for b in batch])))}
            with _mailer(intent) as mailer:
                for user_id, subscription_id in batch:
                    mailer.send(Recipient(users[user_id], alerts[subscription_id]),
                                _l("Planned tender: %(title)s (%(buyer)s)", title=intent.title,
                                   buyer=intent.buyer.name), "intents/announced", "intents.announced")
            done += len(batch)
            run.advance(done, total=len(chosen), cursor={"after_user": batch[-1][0]},
                        message=ndeferred("%(num)d alert told", "%(num)d alerts told", done))
    run.message = ndeferred("%(num)d person with a matching alert is told of the planned tender.",
                            "%(num)d people with a matching alert are told of the planned tender.", len(chosen))
    run.result_url = external_url("intents.detail", intent_id=run.params["intent_id"])


def dates_changed(intent: Intent, changes: list[dict]) -> int:
    recipients = followers(intent)
    with _mailer(intent) as mailer:
        for recipient in recipients:
            mailer.send(recipient, _l("Dates changed: %(title)s", title=intent.title), "intents/dates_changed",
                        "intents.dates_changed", changes=changes)
    return len(recipients)


def status_changed(intent: Intent, action: ChangeAction) -> int:
    recipients = followers(intent)
    subject = (_l("Tender published: %(title)s", title=intent.title) if action == ChangeAction.TENDER_PUBLISHED
               else _l("Withdrawn: %(title)s", title=intent.title))
    with _mailer(intent) as mailer:
        for recipient in recipients:
            mailer.send(recipient, subject, "intents/status_changed", f"intents.{action.value}", action=action.value)
    return len(recipients)


def answer_published(question: IntentQuestion, *, corrected: bool = False) -> int:
    """The answer goes to every follower with the question: nothing is said to one supplier alone."""
    intent = question.intent
    recipients = followers(intent)
    subject = (_l("Answer corrected: %(title)s", title=intent.title) if corrected
               else _l("Question answered: %(title)s", title=intent.title))
    with _mailer(intent) as mailer:
        for recipient in recipients:
            mailer.send(recipient, subject, "intents/answer", "intents.answer", question=question,
                        corrected=corrected)
    return len(recipients)


def published_answer_to(question: IntentQuestion, user: User) -> None:
    """An answer already public, sent to the asker of a duplicate merged into it."""
    with _mailer(question.intent) as mailer:
        mailer.send(Recipient(user, None), _l("Question answered: %(title)s", title=question.intent.title),
                    "intents/answer", "intents.answer", question=question, corrected=False)


def question_received(question: IntentQuestion) -> None:
    """Tell the buyer's contact point (or the intent's author) that a question waits for an answer."""
    from dialogue.outbox.services import enqueue_mail

    intent = question.intent
    author = db.session.get(User, intent.created_by_id) if intent.created_by_id else None
    to = intent.contact_email or (author.email if author else None)
    if not to:
        return
    # In the language of the person behind the address; a shared mailbox gets the author's language.
    reader = (db.session.scalar(select(User).where(User.email == to.strip().lower())) if intent.contact_email
              else None) or author
    enqueue_mail([to], _l("New question on %(title)s", title=intent.title), "intents/question_received",
                 category="intents.question", locale=reader.locale if reader else None, intent=intent,
                 question=question,
                 manage_url=external_url("intents.questions_page", intent_id=intent.id))
