"""The demo's readiness matrix: the Nordic smartphone tender, answered modestly, counts published, built once."""

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import AuditEntry, Intent, ReadinessAnswer, ReadinessMatrix


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (ReadinessMatrix, ReadinessAnswer, AuditEntry)}


def test_the_demo_answers_the_nordic_smartphone_tender_once(app, client, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    nordic = db.session.scalar(select(Intent).where(Intent.title.like("Fair and circular smartphones%")))
    matrix = db.session.scalar(select(ReadinessMatrix).where(ReadinessMatrix.intent_id == nordic.id))
    assert matrix.published_at is not None
    assert [c.subject for c in matrix.criteria][:4] == ["tco_certified", "electronics_watch", "refurbished",
                                                        "take_back"]
    answering = {a.organisation.slug for a in db.session.scalars(select(ReadinessAnswer))}
    assert answering == {"nordic-it", "circular-computing", "dell", "hp"}
    take_back = next(row for row in matrix.published_aggregate["criteria"] if row["subject"] == "take_back")
    assert take_back["meets_today"] == 4
    page = client.get(f"/intents/{nordic.id}")
    assert b"Market readiness" in page.data and b"4 of 4 responding suppliers can meet it today." in page.data
    before = counts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts() == before
