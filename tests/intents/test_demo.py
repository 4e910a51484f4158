"""The demo's planned tenders: realistic, idempotent, linked to the demo events when they exist."""

import datetime as dt

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import (EventIntent, EventStaff, Intent, IntentQuestion, IntentStatus, IntentSubscription,
                             Organisation, OutboxMessage, QuestionStatus, StaffRole, User)


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Intent, IntentQuestion, IntentSubscription, EventIntent, OutboxMessage)}


def test_demo_intents(app, runner, make_event):
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

    # The events feature's demo makes these events; once they exist, the intents are linked to them.
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    anna = db.session.scalar(select(User).where(User.email == "anna.virtanen@hel.example.org"))
    forum = make_event(slug="nordic-forum-smartphones", title="Nordic Forum for Market Dialogue",
                       cohosts=[orgs[s] for s in ("helsinki", "malmo", "oslo", "copenhagen")])
    db.session.add(EventStaff(event=forum, user=anna, role=StaffRole.ORGANISER))
    start = dt.datetime(2018, 10, 3, 8, 0, tzinfo=dt.timezone.utc)
    make_event(slug="make-ict-fair-2018", title="Make ICT Fair Live Market Engagement", starts_at=start,
               ends_at=start + dt.timedelta(hours=8), timezone="Europe/Amsterdam",
               cohosts=[orgs[s] for s in ("aalborg", "apuc", "barcelona", "haarlem")])
    before = counts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    after = counts()
    assert after["EventIntent"] == 3 and {k: v for k, v in after.items() if k != "EventIntent"} == \
        {k: v for k, v in before.items() if k != "EventIntent"}
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == after
