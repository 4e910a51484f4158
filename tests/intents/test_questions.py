"""Questions and answers: asked by the market, answered in public, mailed to every follower."""

import pytest

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents import questions, services, subscriptions
from dialogue.models import ChangeAction, MemberRole, OrganisationKind, QuestionStatus


def test_a_supplier_asks_and_the_buyer_hears_of_it(announced, supplier, outbox):
    intent = announced()
    question = questions.ask_question(intent, supplier, "  Will refurbished laptops count?  ")
    assert question.status == QuestionStatus.PENDING and question.public_text == "Will refurbished laptops count?"
    assert question.asker_organisation_id == supplier.organisation.id and not question.show_organisation
    [mail] = outbox("intents.question")
    assert mail.recipients == ["bea@testholm.example.org"]  # the intent's contact point
    assert "Will refurbished laptops count?" in mail.body_text
    assert f"/intents/{intent.id}/questions/manage" in mail.body_text


def test_only_the_market_asks(announced, make_user, make_org, staff):
    intent = announced()
    for kind in (OrganisationKind.PUBLIC_BUYER, OrganisationKind.CIVIL_SOCIETY, OrganisationKind.NETWORK):
        with pytest.raises(NotAllowed):
            questions.ask_question(intent, make_user(make_org(kind=kind)), "A question")
    with pytest.raises(NotAllowed):
        questions.ask_question(intent, staff, "Asking ourselves")


def test_questions_close_when_withdrawn_or_when_the_tender_is_out(announced, staff, supplier, make_user, make_org):
    intent = announced()
    services.withdraw_intent(intent, staff, "Cancelled")
    with pytest.raises(Conflict) as exc:
        questions.ask_question(intent, supplier, "Still on?")
    assert "withdrawn" in exc.value.message
    other = announced(title="Other")
    services.publish_tender(other, staff, "https://ted.europa.eu/n/1")
    with pytest.raises(Conflict):
        questions.ask_question(other, supplier, "Question")
    with pytest.raises(NotAllowed):
        questions.ask_question(announced(title="Third"), make_user(make_org(kind=OrganisationKind.SUPPLIER),
                                                                  verified=False), "Question")


def test_bad_questions(announced, supplier):
    intent = announced()
    for text, message in [("", "Write your question"), ("<script>alert(1)</script>", "plain text"),
                          ("x" * 2001, "at most 2000")]:
        with pytest.raises(DialogueError) as exc:
            questions.ask_question(intent, supplier, text)
        assert message in exc.value.message and exc.value.field == "text"
    assert intent.questions == []


def test_the_answer_goes_to_every_follower_and_no_one_else(announced, staff, supplier, reseller, make_user,
                                                            make_org, outbox):
    intent = announced()
    subscriber = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    follower = make_user(make_org(kind=OrganisationKind.MANUFACTURER))
    stranger = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    subscriptions.subscribe(subscriber, cpv_prefix="3021")
    subscriptions.follow_intent(follower, intent)
    subscriptions.subscribe(stranger, cpv_prefix="48")
    first = questions.ask_question(intent, supplier, "Is EPEAT Silver enough?")
    duplicate = questions.ask_question(intent, reseller, "Would EPEAT silver do?", show_organisation=True)
    questions.merge_question(duplicate, first, staff)
    assert duplicate.status == QuestionStatus.MERGED and duplicate.merged_into_id == first.id
    db.session.commit()

    questions.answer_question(first, staff, "Gold is intended; Silver with a plan to reach Gold is accepted.",
                              public_text="Is EPEAT Silver enough, or is Gold required?")
    db.session.commit()
    assert first.status == QuestionStatus.ANSWERED and first.answered_at is not None
    assert first.original_text == "Is EPEAT Silver enough?"  # kept for the record
    assert first.wording_edited_at is not None
    mails = outbox("intents.answer")
    assert sorted(m.recipients[0] for m in mails) == sorted([subscriber.email, follower.email, supplier.email,
                                                            reseller.email])
    body = mails[0].body_text
    assert "Is EPEAT Silver enough, or is Gold required?" in body and "Silver with a plan" in body
    assert supplier.organisation.name not in body  # the asker's organisation is not told
    assert intent.changes[-1].action == ChangeAction.ANSWER_PUBLISHED
    assert [q.id for q in questions.published_questions(intent)] == [first.id]

    questions.answer_question(first, staff, "Gold is required.")
    assert first.answer_updated_at is not None
    assert len(outbox("intents.answer")) == 8  # the correction reaches everyone again
    assert "corrected" in outbox("intents.answer")[-1].subject.lower()


def test_merging_into_an_answered_question_sends_its_answer(announced, staff, supplier, reseller, outbox):
    intent = announced()
    first = questions.ask_question(intent, supplier, "Q1")
    questions.answer_question(first, staff, "A1")
    late = questions.ask_question(intent, reseller, "Q1 again")
    before = len(outbox("intents.answer"))
    questions.merge_question(late, first, staff)
    mails = outbox("intents.answer")[before:]
    assert [m.recipients for m in mails] == [[reseller.email]] and "A1" in mails[0].body_text


def test_merge_rules(announced, staff, supplier):
    intent = announced()
    other_intent = announced(title="Other")
    a = questions.ask_question(intent, supplier, "A")
    b = questions.ask_question(intent, supplier, "B")
    c = questions.ask_question(other_intent, supplier, "C")
    with pytest.raises(DialogueError):
        questions.merge_question(a, c, staff)
    with pytest.raises(DialogueError):
        questions.merge_question(a, a, staff)
    questions.merge_question(a, b, staff)
    with pytest.raises(DialogueError):
        questions.merge_question(b, a, staff)  # a is merged itself
    with pytest.raises(Conflict):
        questions.answer_question(a, staff, "Answer")


def test_suppliers_and_other_buyers_cannot_answer_or_reword(announced, supplier, make_user, make_org):
    intent = announced()
    question = questions.ask_question(intent, supplier, "Q")
    other_staff = make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER), role=MemberRole.ADMIN)
    for person in (supplier, other_staff):
        with pytest.raises(NotAllowed):
            questions.answer_question(question, person, "My answer")
        with pytest.raises(NotAllowed):
            questions.edit_wording(question, person, "Reworded")
    assert question.status == QuestionStatus.PENDING and question.answer is None


def test_answers_are_plain_text(announced, staff, supplier):
    question = questions.ask_question(announced(), supplier, "Q")
    with pytest.raises(DialogueError) as exc:
        questions.answer_question(question, staff, "<a href='javascript:x'>see</a>")
    assert exc.value.field == "answer" and question.answer is None
    with pytest.raises(DialogueError) as exc:
        questions.edit_wording(question, staff, "<b>Q</b>")
    assert exc.value.field == "public_text"
