"""The demo's planned tenders: realistic, idempotent, linked to the demo events when they exist."""

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (
    EventIntent,
    Intent,
    IntentQuestion,
    IntentStatus,
    IntentSubscription,
    OutboxMessage,
    QuestionStatus,
    User,
)


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Intent, IntentQuestion, IntentSubscription, EventIntent, OutboxMessage)}


def test_demo_intents(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    intents = {i.title: i for i in db.session.scalars(select(Intent))}
    helsinki = intents["ICT equipment for City of Helsinki staff: laptops, phones and tablets"]
    assert helsinki.status == IntentStatus.ANNOUNCED
    assert [(i.cpv, int(i.quantity)) for i in helsinki.items] == [("30213100-6", 20000), ("32250000-0", 6500),
                                                                 ("30213200-7", 5000)]
    assert {c.subject for c in helsinki.criteria} >= {"tco_certified", "electronics_watch", "take_back"}
    nordic = intents["Fair and circular smartphones for four Nordic cities"]
    assert nordic.buyer.slug == "malmo"
    assert {p.organisation.slug for p in nordic.partners} == {"helsinki", "oslo", "copenhagen"}
    haarlem = intents["Sustainable ICT workplace equipment for Haarlem"]
    assert haarlem.status == IntentStatus.TENDER_PUBLISHED and haarlem.announced_at.year == 2018
    answered = db.session.scalar(select(IntentQuestion).where(IntentQuestion.status == QuestionStatus.ANSWERED))
    assert answered.intent_id == helsinki.id and answered.answer
    supplier = db.session.scalar(select(User).where(User.email == "sam.taylor@circular.example.org"))
    assert db.session.scalar(select(IntentSubscription.cpv_prefix).where(IntentSubscription.user_id == supplier.id)) \
        == "302"
    assert counts()["OutboxMessage"] == 0  # building the demo mails no one

    # The events built by the events feature's demo present the intents.
    linked = {(link.event.slug, link.intent.title) for link in db.session.scalars(select(EventIntent))}
    assert ("nordic-forum-smartphones", nordic.title) in linked
    assert ("make-ict-fair-2018", haarlem.title) in linked
    before = counts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == before
