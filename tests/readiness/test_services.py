"""The rules of the readiness matrix: who answers, until when, what a date must be, and what is counted."""

import datetime as dt

import pytest
from sqlalchemy import select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.models import AuditEntry, IntentStatus, ReadinessAnswer, ReadinessChoice, utcnow
from dialogue.readiness import queries, services
from tests.readiness.conftest import answer, in_days

FUTURE = (utcnow() + dt.timedelta(days=400)).date()


def test_set_up_copies_the_tenders_criteria_with_their_titles(matrix):
    rows = [(c.title, c.text, c.kind.value, c.subject) for c in matrix.criteria]
    assert rows == [("TCO Certified", "TCO Certified generation 10.", "label", "tco_certified"),
                    ("Take-back", "Take-back with data wiping.", "circularity", "take_back")]
    assert matrix.criteria[0].intent_criterion_id is not None


def test_only_the_buyers_staff_set_up_and_the_closing_time_must_be_ahead(intent, staff, other_buyer, supplier):
    for person in (other_buyer, supplier):
        with pytest.raises(NotAllowed):
            services.set_up_matrix(intent, person, intro="", closes_local=in_days(10))
    with pytest.raises(DialogueError, match="future") as refused:
        services.set_up_matrix(intent, staff, intro="", closes_local=in_days(-1))
    assert refused.value.field == "closes_at"


def test_suppliers_manufacturers_and_resellers_answer_others_may_not(matrix, supplier, rival, reseller, observer,
                                                                     staff):
    for person in (supplier, rival, reseller):
        assert answer(matrix, person, "meets_today", "cannot") == 2
    for person in (observer, staff):
        with pytest.raises(NotAllowed):
            answer(matrix, person, "meets_today")
    assert queries.aggregate(matrix)["responding"] == 3


def test_a_closed_matrix_refuses_answers_with_the_closing_date(matrix, supplier):
    matrix.closes_at = dt.datetime(2026, 3, 1, 11, 0, tzinfo=dt.timezone.utc)
    db.session.commit()
    with pytest.raises(DialogueError) as refused:
        answer(matrix, supplier, "meets_today")
    assert "Answers closed on" in refused.value.message and "2026" in refused.value.message
    assert "Europe/Stockholm" in refused.value.message
    assert db.session.scalar(select(ReadinessAnswer.id)) is None


def test_only_an_announced_tender_takes_answers(matrix, supplier):
    matrix.intent.status = IntentStatus.TENDER_PUBLISHED
    db.session.commit()
    with pytest.raises(DialogueError, match="takes no answers"):
        answer(matrix, supplier, "meets_today")


def test_can_meet_by_needs_a_date_in_the_future(matrix, supplier):
    with pytest.raises(DialogueError, match="Give the date") as missing:
        answer(matrix, supplier, "can_meet_by")
    assert missing.value.field == f"c{matrix.criteria[0].id}_by_date"
    db.session.rollback()
    with pytest.raises(DialogueError, match="in the future"):
        answer(matrix, supplier, "can_meet_by", by_date=utcnow().date())
    db.session.rollback()
    answer(matrix, supplier, "can_meet_by", "meets_today", by_date=FUTURE)
    saved = queries.own_answers(matrix, supplier.organisation.id)
    assert saved[matrix.criteria[0].id].by_date == FUTURE
    # Another answer drops the date.
    answer(matrix, supplier, "cannot")
    assert queries.own_answers(matrix, supplier.organisation.id)[matrix.criteria[0].id].by_date is None


def test_the_database_refuses_a_date_without_can_meet_by(matrix, supplier):
    db.session.add(ReadinessAnswer(criterion=matrix.criteria[0], organisation_id=supplier.organisation.id,
                                   choice=ReadinessChoice.CANNOT, by_date=FUTURE))
    with pytest.raises(Exception, match="(?i)check|constraint"):
        db.session.flush()
    db.session.rollback()


def test_answers_are_per_organisation_editable_and_withdrawable(matrix, supplier, make_user):
    colleague = make_user(supplier.organisation)
    answer(matrix, supplier, "meets_today", "cannot")
    assert answer(matrix, colleague, "meets_today", "not_applicable") == 1  # one row changed
    assert answer(matrix, colleague, "meets_today", "not_applicable") == 0
    assert answer(matrix, colleague, "", "not_applicable") == 1  # withdrawn
    saved = queries.own_answers(matrix, supplier.organisation.id)
    assert list(saved) == [matrix.criteria[1].id]
    assert saved[matrix.criteria[1].id].answered_by_id == colleague.id


def test_counts_per_criterion_and_the_latest_date(matrix, supplier, rival, reseller, make_user, make_org):
    answer(matrix, supplier, "meets_today", "meets_today")
    answer(matrix, rival, "can_meet_by", "cannot", by_date=FUTURE)
    answer(matrix, reseller, "can_meet_by", "", by_date=FUTURE - dt.timedelta(days=100))
    figures = queries.aggregate(matrix)
    tco, take_back = figures["criteria"]
    assert figures["responding"] == 3
    assert (tco["meets_today"], tco["can_meet_by"], tco["cannot"], tco["responding"]) == (1, 2, 0, 3)
    assert tco["latest_by_date"] == FUTURE.isoformat()
    assert (take_back["meets_today"], take_back["cannot"], take_back["responding"]) == (1, 1, 2)


def test_published_counts_name_nobody_and_stay_as_published(matrix, staff, supplier, rival):
    answer(matrix, supplier, "meets_today", "cannot", comment="Fair Devices has gen 10 since 2025")
    services.publish_aggregate(matrix, staff)
    db.session.commit()
    published_at, figures = queries.published(matrix.intent)
    text = repr(figures)
    for secret in ("Fair Devices", "Sid Supplier", str(supplier.organisation.id) + "}"):
        assert secret not in text
    assert set(figures["criteria"][0]) == {"id", "title", "text", "kind", "subject", "meets_today", "can_meet_by",
                                           "cannot", "not_applicable", "responding", "latest_by_date"}
    answer(matrix, rival, "meets_today", "meets_today")
    assert queries.published(matrix.intent)[1]["responding"] == 1  # as of publication
    services.publish_aggregate(matrix, staff, now=published_at + dt.timedelta(days=1))
    db.session.commit()
    again_at, figures = queries.published(matrix.intent)
    assert figures["responding"] == 2 and again_at > published_at


def test_publishing_needs_answers_and_a_public_tender(matrix, staff, supplier):
    with pytest.raises(Conflict, match="Nobody has answered"):
        services.publish_aggregate(matrix, staff)
    db.session.rollback()
    answer(matrix, supplier, "meets_today")
    matrix.intent.status = IntentStatus.DRAFT
    with pytest.raises(Conflict, match="Announce"):
        services.publish_aggregate(matrix, staff)


def test_rows_can_be_added_reworded_and_removed_until_answered(matrix, staff, supplier):
    row = services.add_criterion(matrix, staff, title="Spare parts for 7 years", text="Batteries included.")
    services.edit_criterion(row, staff, title="Spare parts for 8 years", text="")
    db.session.commit()
    assert [c.title for c in matrix.criteria][-1] == "Spare parts for 8 years"
    answer(matrix, supplier, "meets_today")
    with pytest.raises(Conflict, match="has answers"):
        services.remove_criterion(matrix.criteria[0], staff)
    services.remove_criterion(row, staff)
    db.session.commit()
    assert len(matrix.criteria) == 2
    with pytest.raises(DialogueError, match="title"):
        services.add_criterion(matrix, staff, title="  ", text="")


def test_every_change_is_audited(matrix, staff, supplier):
    answer(matrix, supplier, "meets_today")
    services.publish_aggregate(matrix, staff)
    services.set_up_matrix(matrix.intent, staff, intro="New", closes_local=in_days(40))
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.intent_id == matrix.intent_id)
                                      .order_by(AuditEntry.id)))
    assert actions == ["readiness.setup", "readiness.answer", "readiness.publish", "readiness.settings"]
