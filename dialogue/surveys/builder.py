"""Sections and questions: adding, editing, ordering and conditions.

Editing rule: a question that has answers keeps its meaning. Changing its wording, type, options, bounds
or condition, or deleting it, is refused with the reason; help text, required/optional, its place, and
new options added at the end remain possible. We chose refusal over silent versioning because a
second version splits one question's results and export column in two, and a follow-up whose point is
comparison (first and second stage) is worth more with one meaning per question. To ask something
different, the organiser adds a new question.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import Survey, SurveyAnswer, SurveyQuestion, SurveyQuestionKind, SurveySection
from dialogue.models.survey import CHOICE_KINDS, CONDITION_SOURCE_KINDS

MAX_OPTIONS = 30


# ---------------------------------------------------------------- sections

def _sections(survey: Survey) -> list[SurveySection]:
    return sorted(survey.sections, key=lambda s: (s.position, s.id or 0))


def _section_questions(section: SurveySection) -> list[SurveyQuestion]:
    return sorted(section.questions, key=lambda q: (q.position, q.id or 0))


def ordered_questions(survey: Survey) -> list[SurveyQuestion]:
    return [q for section in _sections(survey) for q in _section_questions(section)]


def add_section(survey: Survey, title: str, description: str = "") -> SurveySection:
    title = (title or "").strip()
    if not title:
        raise DialogueError(_("Give the section a title."), field="title")
    position = max((s.position for s in survey.sections), default=-1) + 1
    section = SurveySection(survey=survey, title=title[:200], description=description or "", position=position)
    db.session.add(section)
    db.session.flush()
    return section


def update_section(section: SurveySection, title: str, description: str) -> None:
    title = (title or "").strip()
    if not title:
        raise DialogueError(_("Give the section a title."), field="title")
    section.title = title[:200]
    section.description = description or ""


def delete_section(section: SurveySection) -> None:
    counts = answer_counts(section.survey)
    if any(counts.get(q.id) for q in section.questions):
        raise DialogueError(_("Questions in this section have answers; the section is kept so that those "
                              "answers keep their questions."))
    ids = {q.id for q in section.questions}
    if any(q.condition_question_id in ids for q in section.survey.questions if q.id not in ids):
        raise DialogueError(_("A question in another section depends on a question in this one. Change "
                              "that condition first."))
    survey = section.survey
    for question in list(section.questions):
        survey.questions.remove(question)
    survey.sections.remove(section)  # delete-orphan: the rows go
    for position, other in enumerate(_sections(survey)):
        other.position = position


def move_section(section: SurveySection, direction: str) -> None:
    sections = _sections(section.survey)
    index = sections.index(section)
    target = index - 1 if direction == "up" else index + 1
    if target < 0 or target >= len(sections):
        return
    sections[index], sections[target] = sections[target], sections[index]
    _check_conditions_in_order([q for s in sections for q in _section_questions(s)])
    for position, item in enumerate(sections):
        item.position = position


# ---------------------------------------------------------------- questions

def answer_counts(survey: Survey) -> dict[int, int]:
    """Answers per question id: what the editing rule and the builder's "has answers" marks read."""
    rows = db.session.execute(select(SurveyAnswer.question_id, func.count()).join(SurveyQuestion)
                              .where(SurveyQuestion.survey_id == survey.id).group_by(SurveyAnswer.question_id))
    return dict(rows.all())


def _clean_options(kind: SurveyQuestionKind, options: Iterable[str]) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned: list[str] = []
    for option in options:
        option = " ".join((option or "").split())
        if option and option not in cleaned:
            cleaned.append(option[:300])
    if len(cleaned) < 2:
        raise DialogueError(_("Give at least two options, one per line."), field="options")
    if len(cleaned) > MAX_OPTIONS:
        raise DialogueError(_("Give at most %(n)s options.", n=MAX_OPTIONS), field="options")
    return cleaned


def _check_condition(question: SurveyQuestion, source: SurveyQuestion | None, value: str | None,
                     order: list[SurveyQuestion]) -> None:
    if source is None:
        return
    if source not in order or source is question:
        raise DialogueError(_("Choose an earlier question of this survey."), field="condition")
    if source.kind not in CONDITION_SOURCE_KINDS:
        raise DialogueError(_("Only a rating, score, choice or yes/no question can decide whether another "
                              "is shown."), field="condition")
    if source.condition_question_id is not None:
        raise DialogueError(_("\"%(q)s\" is itself shown only on a condition; conditions go one level deep.",
                              q=source.text), field="condition")
    if any(other.condition_question is question for other in order if other is not question):
        raise DialogueError(_("Other questions depend on this one, so it cannot depend on another "
                              "(conditions go one level deep)."), field="condition")
    if value not in source.condition_choices():
        raise DialogueError(_("Choose one of the answers of \"%(q)s\".", q=source.text), field="condition")
    if order.index(source) > order.index(question):
        raise DialogueError(_("A question can depend only on a question that comes before it."),
                            field="condition")


def _check_conditions_in_order(order: list[SurveyQuestion]) -> None:
    position = {id(q): i for i, q in enumerate(order)}
    for question in order:
        source = question.condition_question
        if source is not None and position.get(id(source), -1) > position[id(question)]:
            raise DialogueError(_("\"%(q)s\" would then come before \"%(s)s\", which decides whether it is shown. "
                                  "Move that question first or change the condition.", q=question.text,
                                  s=source.text))


def _validate_fields(kind: SurveyQuestionKind, text: str, min_value: float | None,
                     max_value: float | None) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DialogueError(_("Write the question."), field="text")
    if len(text) > 500:
        raise DialogueError(_("Keep the question under 500 characters; use the help text for more."), field="text")
    if kind == SurveyQuestionKind.NUMBER and min_value is not None and max_value is not None \
            and min_value > max_value:
        raise DialogueError(_("The lowest value must not be above the highest."), field="max_value")
    return text


def add_question(section: SurveySection, *, kind: SurveyQuestionKind, text: str, help_text: str = "",
                 required: bool = False, options: Iterable[str] = (), allow_other: bool = False,
                 min_value: float | None = None, max_value: float | None = None,
                 condition_question: SurveyQuestion | None = None, condition_value: str | None = None,
                 ) -> SurveyQuestion:
    """A new question at the end of the section. Adding never touches existing answers."""
    survey = section.survey
    text = _validate_fields(kind, text, min_value, max_value)
    cleaned = _clean_options(kind, options)
    number = kind == SurveyQuestionKind.NUMBER
    question = SurveyQuestion(kind=kind, text=text, help_text=(help_text or "").strip()[:1000], required=required,
                              options=cleaned, allow_other=allow_other and kind in CHOICE_KINDS,
                              min_value=min_value if number else None, max_value=max_value if number else None,
                              position=max((q.position for q in section.questions), default=-1) + 1)
    order = ordered_questions(survey)
    # Placed at its section's end, to check the condition against the order it will have.
    index = max((i for i, q in enumerate(order) if q.section is section), default=None)
    if index is None:
        index = max((i for i, q in enumerate(order) if q.section.position < section.position), default=-1)
    order.insert(index + 1, question)
    question.condition_question = condition_question
    question.condition_value = condition_value if condition_question is not None else None
    _check_condition(question, condition_question, condition_value, order)
    question.section = section
    question.survey = survey
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: SurveyQuestion, *, kind: SurveyQuestionKind, text: str, help_text: str,
                    required: bool, options: Iterable[str], allow_other: bool, min_value: float | None,
                    max_value: float | None, condition_question: SurveyQuestion | None,
                    condition_value: str | None, section: SurveySection | None = None) -> None:
    """Change a question. Once answered, only changes that keep every answer's meaning are allowed."""
    text = _validate_fields(kind, text, min_value, max_value)
    cleaned = _clean_options(kind, options)
    number = kind == SurveyQuestionKind.NUMBER
    min_value, max_value = (min_value, max_value) if number else (None, None)
    allow_other = allow_other and kind in CHOICE_KINDS
    if condition_question is None:
        condition_value = None
    answered = answer_counts(question.survey).get(question.id, 0)
    if answered:
        changes = []
        if kind != question.kind:
            changes.append(_("type"))
        if text != question.text:
            changes.append(_("wording"))
        if cleaned[:len(question.options)] != list(question.options) or (question.allow_other and not allow_other):
            changes.append(_("existing options"))
        if (min_value, max_value) != (question.min_value, question.max_value):
            changes.append(_("bounds"))
        if (condition_question, condition_value) != (question.condition_question, question.condition_value):
            changes.append(_("condition"))
        if changes:
            raise DialogueError(
                _("This question already has %(n)s answers, so its %(what)s cannot change: the answers would "
                  "no longer match what was asked. You can still change the help text, make it required or "
                  "optional, add options at the end or move it. To ask something different, add a new "
                  "question.", n=answered, what=", ".join(changes)), field="text")
    new_choices = SurveyQuestion(kind=kind, options=cleaned).condition_choices() \
        if kind in CONDITION_SOURCE_KINDS else []
    for dependant in (q for q in question.survey.questions if q.condition_question is question):
        if dependant.condition_value not in new_choices:
            raise DialogueError(_("\"%(q)s\" is shown only when this question is answered \"%(v)s\". Change "
                                  "that condition first.", q=dependant.text, v=dependant.condition_value),
                                field="kind")
    order = ordered_questions(question.survey)
    if section is not None and section is not question.section:
        order.remove(question)
        last = max((i for i, q in enumerate(order) if q.section is section), default=None)
        if last is None:
            last = max((i for i, q in enumerate(order) if q.section.position < section.position), default=-1)
        order.insert(last + 1, question)
    _check_condition(question, condition_question, condition_value, order)
    _check_conditions_in_order(order)
    question.assign(kind=kind, text=text, help_text=(help_text or "").strip()[:1000], required=required,
                    options=cleaned, allow_other=allow_other, min_value=min_value, max_value=max_value,
                    condition_question=condition_question, condition_value=condition_value)
    if section is not None and section is not question.section:
        question.position = max((q.position for q in section.questions), default=-1) + 1
        question.section = section


def delete_question(question: SurveyQuestion) -> None:
    answered = answer_counts(question.survey).get(question.id, 0)
    if answered:
        raise DialogueError(_("This question has %(n)s answers and is kept so that they keep their question.",
                              n=answered))
    if any(q.condition_question is question for q in question.survey.questions):
        raise DialogueError(_("Other questions are shown only depending on this one. Change their condition "
                              "first."))
    remaining = [q for q in _section_questions(question.section) if q is not question]
    question.survey.questions.remove(question)  # delete-orphan: the row goes
    for position, other in enumerate(remaining):
        other.position = position


def move_question(question: SurveyQuestion, direction: str) -> None:
    """Up or down by one; across a section boundary it moves to the end or start of the next section."""
    section = question.section
    items = _section_questions(section)
    index = items.index(question)
    sections = _sections(question.survey)
    s_index = sections.index(section)
    if direction == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
        new_layout = {section: items}
    elif direction == "down" and index < len(items) - 1:
        items[index + 1], items[index] = items[index], items[index + 1]
        new_layout = {section: items}
    elif direction == "up" and s_index > 0:
        previous = sections[s_index - 1]
        new_layout = {section: items[1:], previous: _section_questions(previous) + [question]}
    elif direction == "down" and s_index < len(sections) - 1:
        following = sections[s_index + 1]
        new_layout = {section: items[:-1], following: [question] + _section_questions(following)}
    else:
        return
    order = [q for s in sections for q in new_layout.get(s, _section_questions(s))]
    _check_conditions_in_order(order)
    for target, questions in new_layout.items():
        for position, item in enumerate(questions):
            item.position = position
            if item.section is not target:
                item.section = target
