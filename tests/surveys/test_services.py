import datetime as dt
import sys

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.models import (
    ParticipantRole,
    SurveyAnswer,
    SurveyAudience,
    SurveyInvitation,
    SurveyQuestionKind,
    SurveyResponse,
    utcnow,
)
from dialogue.surveys import answers, builder, notify, services
from dialogue.surveys.answers import InvalidAnswers
from dialogue.surveys.exports import raw_table, safe_cell, summary_table, to_csv, to_xlsx
from dialogue.surveys.results import compute_results
from tests.surveys.conftest import as_raw, good_answers, link_token, question


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def invite(survey):
    notify.send_due(utcnow())
    db.session.commit()
    return {inv.user_id: inv for inv in db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))}


def submit(invitation, survey, **changes):
    raw, other = as_raw(survey, good_answers(survey, **changes))
    response = answers.submit_response(invitation, raw, other, utcnow())
    db.session.commit()
    return response


# ---------------------------------------------------------------- templates and builder

def test_market_dialogue_template_has_the_questions_and_a_condition(past_event, make_survey):
    event, _ = past_event
    survey = make_survey(event)
    texts = [q.text for q in survey.ordered_questions()]
    assert texts[0] == "How useful was the market dialogue for you?"
    assert any("clearly did the buyers explain" in t for t in texts)
    assert any("Will you bid" in t for t in texts)
    assert any("barriers to meeting the social criteria" in t for t in texts)
    assert any("labels or affiliations" in t for t in texts)
    keeps = question(survey, "What keeps you")
    assert keeps.condition_question == question(survey, "Will you bid") and keeps.condition_value == "No"
    assert question(survey, "What are your barriers").allow_other


def test_meeting_outcome_template(past_event, make_survey):
    survey = make_survey(past_event[0], "meeting_outcome")
    took_place = question(survey, "Did the meeting take place")
    assert took_place.kind == SurveyQuestionKind.YES_NO
    useful = question(survey, "How useful was the meeting")
    assert useful.condition_question == took_place and useful.condition_value == "yes"
    assert question(survey, "What is the next step").condition_value == "yes"


def test_a_condition_must_point_to_an_earlier_unconditional_question(past_event, make_survey):
    survey = make_survey(past_event[0], state="draft")
    section = survey.sections[0]
    bid = question(survey, "Will you bid")
    with pytest.raises(DialogueError, match="Only a rating"):
        builder.add_question(survey.sections[1], kind=SurveyQuestionKind.SHORT_TEXT, text="Why?",
                              condition_question=question(survey, "What keeps you"), condition_value="x")
    sure = builder.add_question(survey.sections[1], kind=SurveyQuestionKind.RATING, text="How sure are you?",
                                 condition_question=bid, condition_value="Yes")
    with pytest.raises(DialogueError, match="one level deep"):
        builder.add_question(survey.sections[1], kind=SurveyQuestionKind.SHORT_TEXT, text="Why so sure?",
                              condition_question=sure, condition_value="5")
    with pytest.raises(DialogueError, match="Choose one of the answers"):
        builder.add_question(section, kind=SurveyQuestionKind.SHORT_TEXT, text="Why?", condition_question=bid,
                              condition_value="Maybe")
    # The first section comes before "Will you bid?": a question there cannot depend on it.
    with pytest.raises(DialogueError, match="comes before it"):
        builder.add_question(section, kind=SurveyQuestionKind.SHORT_TEXT, text="Why?", condition_question=bid,
                              condition_value="No")
    later = builder.add_question(survey.sections[1], kind=SurveyQuestionKind.SHORT_TEXT, text="Which lot?",
                                  condition_question=bid, condition_value="Yes")
    assert later.position == len(survey.sections[1].questions) - 1


def test_moving_a_question_above_the_one_it_depends_on_is_refused(past_event, make_survey):
    survey = make_survey(past_event[0], state="draft")
    keeps = question(survey, "What keeps you")
    with pytest.raises(DialogueError, match="would then come before"):
        builder.move_question(keeps, "up")
    labels = question(survey, "Which labels")
    builder.move_question(labels, "up")
    db.session.commit()
    db.session.expire_all()
    order = [q.text for q in builder.ordered_questions(survey)]
    assert order.index(labels.text) < order.index(question(survey, "What are your barriers").text)


def test_moving_across_a_section_boundary(past_event, make_survey):
    survey = make_survey(past_event[0], state="draft")
    first_of_second = question(survey, "Will you bid")
    builder.move_question(first_of_second, "up")
    db.session.commit()
    db.session.expire_all()
    assert first_of_second.section == survey.sections[0]
    assert builder.ordered_questions(survey)[3] == first_of_second


def test_a_choice_question_needs_two_options_and_numbers_ordered_bounds(past_event, make_survey):
    survey = make_survey(past_event[0], state="draft")
    section = survey.sections[0]
    with pytest.raises(DialogueError) as exc:
        builder.add_question(section, kind=SurveyQuestionKind.SINGLE_CHOICE, text="Pick", options=["Only"])
    assert exc.value.field == "options"
    with pytest.raises(DialogueError) as exc:
        builder.add_question(section, kind=SurveyQuestionKind.NUMBER, text="How many?", min_value=10, max_value=1)
    assert exc.value.field == "max_value"


# ---------------------------------------------------------------- audience

def test_audience_by_check_in_and_role(past_event, participants, make_survey):
    event, _ = past_event
    everyone = make_survey(event)
    assert set(services.resolve_audience(everyone)) == {participants[k].user_id
                                                        for k in ("supplier", "reseller", "buyer", "absent")}
    checked_in = make_survey(event, audience=SurveyAudience.CHECKED_IN)
    assert set(services.resolve_audience(checked_in)) == {participants[k].user_id
                                                          for k in ("supplier", "reseller", "buyer")}
    suppliers = make_survey(event, audience=SurveyAudience.CHECKED_IN,
                            roles=[ParticipantRole.SUPPLIER, ParticipantRole.RESELLER])
    assert services.resolve_audience(suppliers) == {participants["supplier"].user_id: "supplier",
                                                    participants["reseller"].user_id: "reseller"}


def test_had_a_meeting_audience_asks_the_meetings_feature(past_event, participants, make_survey, meetings_stub):
    event, _ = past_event
    meetings_stub({participants["reseller"].user_id, participants["cancelled"].user_id})
    survey = make_survey(event, audience=SurveyAudience.HAD_MEETING)
    # The cancelled registration had a meeting but is no longer confirmed: not asked.
    assert services.resolve_audience(survey) == {participants["reseller"].user_id: "reseller"}


def test_had_a_meeting_audience_without_the_meetings_feature_is_refused_clearly(past_event, make_survey,
                                                                               monkeypatch):
    monkeypatch.setitem(sys.modules, "dialogue.meetings.services", None)  # import fails
    survey = make_survey(past_event[0], state="draft", audience=SurveyAudience.HAD_MEETING)
    with pytest.raises(DialogueError, match="one-to-one meetings"):
        services.publish_survey(survey, utcnow())


# ---------------------------------------------------------------- invitations, reminders, second stage

def test_send_due_invites_once_with_personal_links(past_event, participants, make_survey, outbox):
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN)
    draft = make_survey(past_event[0], state="draft")
    invitations = invite(survey)
    assert set(invitations) == {participants[k].user_id for k in ("supplier", "reseller", "buyer")}
    mails = outbox("surveys.invitation")
    assert len(mails) == 3
    tokens = {link_token(m) for m in mails}
    assert tokens == {inv.token for inv in invitations.values()}
    assert all(len(t) == 32 for t in tokens)
    assert survey.opened_at is not None
    assert notify.send_due(utcnow()).invitations == 0  # idempotent
    db.session.commit()
    assert len(outbox("surveys.invitation")) == 3
    assert count(SurveyInvitation) == 3 and not any(i.survey_id == draft.id for i in invitations.values())


def test_late_check_in_is_invited_on_the_next_run(past_event, participants, make_survey, outbox):
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN)
    invite(survey)
    participants["absent"].checked_in_at = utcnow()
    db.session.commit()
    assert notify.send_due(utcnow()).invitations == 1
    assert len(outbox("surveys.invitation", to=participants["absent"].user.email)) == 1


def test_scheduled_reminders_reach_only_non_respondents_and_are_sent_once(past_event, participants, make_survey,
                                                                          outbox):
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN, reminder_days=(3, 7))
    invitations = invite(survey)
    submit(invitations[participants["supplier"].user_id], survey)
    assert notify.send_due(utcnow() + dt.timedelta(days=1)).reminders == 0
    day4 = utcnow() + dt.timedelta(days=4)
    # Pretend the invitations went out at opening, as they would have.
    for invitation in invitations.values():
        invitation.invited_at = survey.opens_at
    db.session.commit()
    assert notify.send_due(day4).reminders == 2
    db.session.commit()
    assert notify.send_due(day4).reminders == 0
    reminded = {m.recipients[0] for m in outbox("surveys.reminder")}
    assert reminded == {participants["reseller"].user.email, participants["buyer"].user.email}
    assert survey.reminders_done == [3]
    db.session.commit()
    # Day 7 reminder: again only those who still have not answered.
    submit(invitations[participants["reseller"].user_id], survey)
    assert notify.send_due(utcnow() + dt.timedelta(days=6, hours=23)).reminders == 1
    db.session.commit()
    assert len(outbox("surveys.reminder", to=participants["buyer"].user.email)) == 2
    assert invitations[participants["buyer"].user_id].reminder_count == 2


def test_overdue_reminder_days_send_one_reminder_not_a_burst(past_event, participants, make_survey, outbox):
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN, reminder_days=(1, 2, 3))
    survey.opens_at = utcnow() - dt.timedelta(days=5)
    db.session.commit()
    sent = notify.send_due(utcnow())
    db.session.commit()
    assert sent.invitations == 3
    # Invited just now: the overdue reminders are not for them.
    assert sent.reminders == 0 and survey.reminders_done == [1, 2, 3]


def test_reminder_on_demand_only_while_open(past_event, participants, make_survey):
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN)
    invite(survey)
    assert notify.remind_non_respondents(survey, utcnow()) == 3
    with pytest.raises(DialogueError, match="only while the survey is open"):
        notify.remind_non_respondents(survey, survey.closes_at + dt.timedelta(seconds=1))


def test_closed_and_draft_surveys_send_nothing(past_event, participants, make_survey, outbox):
    make_survey(past_event[0], state="closed")
    make_survey(past_event[0], state="draft")
    make_survey(past_event[0], state="scheduled")
    assert notify.send_due(utcnow()).invitations == 0
    assert outbox() == []


def test_second_stage_opens_months_later_for_the_same_people(past_event, participants, make_survey, outbox):
    event, organiser = past_event
    first = make_survey(event, audience=SurveyAudience.CHECKED_IN, roles=[ParticipantRole.SUPPLIER,
                                                                         ParticipantRole.BUYER])
    invite(first)
    second = services.create_survey(event, organiser, "Six months on", previous=first, now=utcnow())
    assert second.opens_at == first.closes_at + services.SECOND_STAGE_DELAY
    builder.add_question(second.sections[0], kind=SurveyQuestionKind.YES_NO, text="Did you bid on the tender?")
    services.publish_survey(second, utcnow())
    db.session.commit()
    assert notify.send_due(utcnow()).invitations == 0  # not yet: it opens months later
    later = second.opens_at + dt.timedelta(hours=1)
    sent = notify.send_due(later)
    db.session.commit()
    assert sent.invitations == 2
    second_people = set(db.session.scalars(select(SurveyInvitation.user_id)
                                           .where(SurveyInvitation.survey_id == second.id)))
    assert second_people == {participants["supplier"].user_id, participants["buyer"].user_id}
    assert notify.send_due(later).invitations == 0


# ---------------------------------------------------------------- answering

def test_named_answers_are_stored_and_editable_until_closing(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    invitation = invite(survey)[participants["supplier"].user_id]
    response = submit(invitation, survey)
    assert response.invitation == invitation and response.role == "supplier" and response.submitted_at
    barriers = question(survey, "What are your barriers")
    answer = next(a for a in response.answers if a.question_id == barriers.id)
    assert answer.choices == ["Cost of audits and certification", "__other__"]
    assert answer.text == "Forecasting volumes"
    submit(invitation, survey, **{f"q{question(survey, 'How useful').id}": "2"})
    assert count(SurveyResponse) == 1
    useful_id = question(survey, "How useful").id
    useful = db.session.scalar(select(SurveyAnswer).where(SurveyAnswer.question_id == useful_id))
    assert useful.number == 2
    survey.closes_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(NotAllowed, match="closed"):
        submit(invitation, survey)


def test_anonymous_answer_is_unlinked_and_a_second_answer_is_refused(past_event, participants, make_survey):
    survey = make_survey(past_event[0], anonymous=True)
    invitations = invite(survey)
    for key in ("supplier", "buyer"):
        submit(invitations[participants[key].user_id], survey)
    responses = list(db.session.scalars(select(SurveyResponse)))
    assert len(responses) == 2
    for response in responses:
        assert response.invitation_id is None and response.submitted_at is None and response.updated_at is None
        assert len(response.id) == 32 and not response.id.isdigit()
    assert invitations[participants["supplier"].user_id].responded
    with pytest.raises(Conflict, match="already been used"):
        submit(invitations[participants["supplier"].user_id], survey)
    assert count(SurveyResponse) == 2


@pytest.mark.parametrize("change, message", [
    ({"How useful": ""}, "Choose an answer"),
    ({"How useful": "6"}, "from 1 to 5"),
    ({"How useful": "0"}, "from 1 to 5"),
    ({"How likely": "11"}, "from 0 to 10"),
    ({"How useful": "abc"}, "from 1 to 5"),
    ({"Will you bid": "Perhaps"}, "Choose from the answers"),
    ({"Will you bid": ["Yes", "No"]}, "Choose one answer"),
    ({"What are your barriers_other": ""}, "say what it is"),
    ({"Anything else": "x" * 5001}, "under 5000"),
])
def test_bad_answers_are_refused_and_nothing_is_stored(past_event, participants, make_survey, change, message):
    survey = make_survey(past_event[0], anonymous=True)
    invitation = invite(survey)[participants["supplier"].user_id]
    (start, value), = change.items()
    suffix = "_other" if start.endswith("_other") else ""
    key = f"q{question(survey, start.removesuffix('_other')).id}{suffix}"
    raw, other = as_raw(survey, good_answers(survey, **{key: value}))
    with pytest.raises(InvalidAnswers) as exc:
        answers.submit_response(invitation, raw, other, utcnow())
    db.session.rollback()
    assert message in list(exc.value.errors.values())[0]
    assert count(SurveyResponse) == 0 and count(SurveyAnswer) == 0
    assert not db.session.get(SurveyInvitation, invitation.id).responded


def test_conditional_question_is_asked_only_when_the_answer_matches(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    invitation = invite(survey)[participants["supplier"].user_id]
    keeps = question(survey, "What keeps you")
    # Answered "Yes": the "what keeps you" answer is dropped, whatever was sent.
    response = submit(invitation, survey, **{f"q{keeps.id}": "sneaked in"})
    assert keeps.id not in {a.question_id for a in response.answers}
    bid = question(survey, "Will you bid")
    response = submit(invitation, survey, **{f"q{bid.id}": "No", f"q{keeps.id}": "Too short a deadline"})
    assert {a.question_id: a.text for a in response.answers}[keeps.id] == "Too short a deadline"


def test_a_required_conditional_question_is_required_only_when_shown(past_event, participants, make_survey):
    survey = make_survey(past_event[0], "meeting_outcome")
    invitation = invite(survey)[participants["supplier"].user_id]
    took_place = question(survey, "Did the meeting take place")
    useful = question(survey, "How useful was the meeting")
    with pytest.raises(InvalidAnswers) as exc:
        answers.submit_response(invitation, {took_place.id: ["yes"]}, {}, utcnow())
    assert exc.value.errors == {useful.id: "Choose an answer."}
    db.session.rollback()
    answers.submit_response(invitation, {took_place.id: ["no"]}, {}, utcnow())


def test_number_bounds(past_event, participants, make_survey):
    survey = make_survey(past_event[0], None)
    builder.add_question(survey.sections[0], kind=SurveyQuestionKind.NUMBER, text="How many staff?",
                          min_value=1, max_value=500, required=True)
    db.session.commit()
    invitation = invite(survey)[participants["supplier"].user_id]
    q = survey.questions[0]
    for value, message in (("0", "from 1 to 500"), ("many", "Enter a number"), ("nan", "Enter a number")):
        with pytest.raises(InvalidAnswers) as exc:
            answers.submit_response(invitation, {q.id: [value]}, {}, utcnow())
        assert message in exc.value.errors[q.id]
        db.session.rollback()
    answers.submit_response(invitation, {q.id: ["12,5"]}, {}, utcnow())
    assert db.session.scalar(select(SurveyAnswer.number)) == 12.5


def test_text_with_html_is_stored_as_written(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    invitation = invite(survey)[participants["supplier"].user_id]
    anything = question(survey, "Anything else")
    submit(invitation, survey, **{f"q{anything.id}": "<script>alert(1)</script> & <b>bold</b>"})
    assert db.session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == anything.id)) == \
        "<script>alert(1)</script> & <b>bold</b>"


# ---------------------------------------------------------------- editing rules

def test_a_question_with_answers_keeps_its_meaning(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    submit(invite(survey)[participants["supplier"].user_id], survey)
    bid = question(survey, "Will you bid")
    base = dict(kind=bid.kind, text=bid.text, help_text="", required=True, options=list(bid.options),
                allow_other=False, min_value=None, max_value=None, condition_question=None, condition_value=None)
    with pytest.raises(DialogueError, match="already has 1 answers, so its wording cannot change"):
        builder.update_question(bid, **{**base, "text": "Did you bid?"})
    with pytest.raises(DialogueError, match="existing options"):
        builder.update_question(bid, **{**base, "options": ["Yes", "No"]})
    with pytest.raises(DialogueError, match="type"):
        builder.update_question(bid, **{**base, "kind": SurveyQuestionKind.MULTIPLE_CHOICE})
    with pytest.raises(DialogueError, match="kept so that they keep their question"):
        builder.delete_question(bid)
    # Harmless changes are allowed: help text, optional, an option added at the end.
    builder.update_question(bid, **{**base, "help_text": "Your best guess.", "required": False,
                                      "options": list(bid.options) + ["Only as a subcontractor"]})
    db.session.commit()
    assert bid.options[-1] == "Only as a subcontractor" and not bid.required
    with pytest.raises(DialogueError, match="Questions in this section have answers"):
        builder.delete_section(bid.section)


def test_anonymity_cannot_change_once_people_are_invited(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    invite(survey)
    with pytest.raises(DialogueError, match="whether their answers are anonymous"):
        services.update_settings(survey, title=survey.title, intro="", anonymous=True, audience=survey.audience,
                                 audience_roles=[], opens_at=survey.opens_at, closes_at=survey.closes_at,
                                 reminder_days=[3], previous=None, now=utcnow())
    with pytest.raises(DialogueError, match="can only be closed"):
        services.unpublish_survey(survey)


# ---------------------------------------------------------------- results and exports

@pytest.fixture
def answered(past_event, participants, make_survey):
    survey = make_survey(past_event[0])
    invitations = invite(survey)
    bid, useful, nps = question(survey, "Will you bid"), question(survey, "How useful"), question(survey, "How likely")
    submit(invitations[participants["supplier"].user_id], survey)
    submit(invitations[participants["reseller"].user_id], survey,
           **{f"q{useful.id}": "2", f"q{nps.id}": "3", f"q{bid.id}": "No",
              f"q{question(survey, 'What keeps you').id}": "=HYPERLINK(\"http://evil\")"})
    submit(invitations[participants["buyer"].user_id], survey, **{f"q{useful.id}": "5", f"q{nps.id}": "10"})
    return survey


def test_results_count_percentages_means_and_nps(answered):
    results = compute_results(answered)
    assert (results.invited, results.responses, results.rate) == (4, 3, 75)
    by_id = {item.question.id: item for item in results.questions}
    useful = by_id[question(answered, "How useful").id]
    assert useful.mean == pytest.approx(3.7)
    assert [(r.label, r.count, r.percent) for r in useful.rows] == [
        ("1", 0, 0), ("2", 1, 33), ("3", 0, 0), ("4", 1, 33), ("5", 1, 33)]
    nps = by_id[question(answered, "How likely").id]
    assert nps.nps == {"score": 33, "promoters": 2, "passives": 0, "detractors": 1}
    bid = by_id[question(answered, "Will you bid").id]
    assert [(r.label, r.count) for r in bid.rows if r.count] == [("Yes", 2), ("No", 1)]
    barriers = by_id[question(answered, "What are your barriers").id]
    assert barriers.rows[-1].label == "Other" and barriers.rows[-1].count == 3
    assert barriers.texts == ["Forecasting volumes"] * 3
    assert by_id[question(answered, "What keeps you").id].texts == ['=HYPERLINK("http://evil")']
    resellers = compute_results(answered, "reseller")
    assert (resellers.invited, resellers.responses) == (1, 1)
    assert by_id[question(answered, "How useful").id].answered == 3
    assert {i.question.id: i for i in resellers.questions}[useful.question.id].mean == 2


def test_anonymous_role_filter_hides_small_groups(past_event, participants, make_survey):
    survey = make_survey(past_event[0], anonymous=True)
    submit(invite(survey)[participants["reseller"].user_id], survey)
    assert compute_results(survey, "reseller").suppressed
    assert not compute_results(survey).suppressed
    header, _rows = raw_table(survey, survey.ordered_questions())
    assert "Role" not in header and "Name" not in header


def test_csv_export_neutralises_formulas(answered):
    header, rows = raw_table(answered, answered.ordered_questions())
    assert header[:7] == ["Response", "Name", "Email", "Organisation", "Submitted (UTC)", "Last changed (UTC)", "Role"]
    data = to_csv(header, rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in data and ",=HYPERLINK" not in data
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell(-1) == -1 and safe_cell("plain") == "plain"


def test_xlsx_export_writes_text_as_text_and_numbers_as_numbers(answered, tmp_path):
    from openpyxl import load_workbook

    header, rows = raw_table(answered, answered.ordered_questions())
    path = tmp_path / "answers.xlsx"
    path.write_bytes(to_xlsx("answers", header, rows))
    sheet = load_workbook(path).active
    values = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    evil = values['=HYPERLINK("http://evil")']
    assert evil.data_type == "s"
    useful_column = header.index(question(answered, "How useful").text) + 1
    assert {sheet.cell(row=r, column=useful_column).value for r in range(2, 5)} == {4, 2, 5}
    assert sheet.max_row == 4


def test_summary_export_has_rate_distribution_and_nps(answered):
    header, rows = summary_table(compute_results(answered))
    assert header[:5] == ["Question", "Type", "Answer", "Count", "Percent"]
    assert rows[0][:5] == ["Response rate", None, "Everyone", 3, 75]
    assert any(r[2] == "NPS score" and r[3] == 33 for r in rows)
    assert any(r[0].startswith("How useful") and r[2] == "Mean" and r[3] == pytest.approx(3.7) for r in rows)


# ---------------------------------------------------------------- concurrency

def test_one_token_answers_once_under_concurrent_submissions(app, is_postgres, past_event, participants,
                                                             make_survey):
    from tests.conftest import postgres_only

    postgres_only(is_postgres)
    import threading

    survey = make_survey(past_event[0], anonymous=True)
    token = invite(survey)[participants["supplier"].user_id].token
    form = as_raw(survey, good_answers(survey))
    outcomes, barrier = [], threading.Barrier(4)

    def worker():
        with app.app_context():
            invitation = answers.get_invitation(token)
            barrier.wait()
            try:
                answers.submit_response(invitation, *form, utcnow())
                db.session.commit()
                outcomes.append("stored")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert count(SurveyResponse) == 1


# ---------------------------------------------------------------- data protection

def test_personal_data_export_and_erasure_keep_the_record(past_event, participants, make_survey):
    from dialogue.surveys import gdpr

    survey = make_survey(past_event[0])
    supplier = participants["supplier"].user
    invitation = invite(survey)[supplier.id]
    token = invitation.token
    submit(invitation, survey)
    data = gdpr.export(supplier)
    assert data["survey_invitations"][0]["survey"] == "Market dialogue feedback"
    assert data["survey_invitations"][0]["answered"] is True
    assert {"question": "Will you bid on the coming tender?", "answer": "Yes"}.items() <= \
        next(a for a in data["survey_answers"] if a["question"].startswith("Will you bid")).items()
    gdpr.erase(supplier)
    db.session.delete(supplier)
    db.session.commit()
    assert count(SurveyInvitation) == 4 and count(SurveyResponse) == 1
    assert compute_results(survey).invited == 4
    assert answers.get_invitation(token) is None  # the personal link died with the account
    header, rows = raw_table(survey, survey.ordered_questions())
    assert rows[0][1] == "(erased account)"
    assert notify.remind_non_respondents(survey, utcnow()) == 3


def test_mail_goes_out_in_the_recipients_language(past_event, participants, make_survey, outbox):
    participants["buyer"].user.locale = "fi"
    db.session.commit()
    survey = make_survey(past_event[0], audience=SurveyAudience.CHECKED_IN)
    invite(survey)
    [mail] = outbox("surveys.invitation", to=participants["buyer"].user.email)
    assert link_token(mail) and survey.title in mail.body_text
