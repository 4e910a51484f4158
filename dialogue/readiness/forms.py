from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dialogue.core.forms import DateField, DateTimeLocalField, Form, choices
from dialogue.core.urls import HttpUrl
from dialogue.models import ReadinessChoice, ReadinessCriterion
from dialogue.readiness.services import AnswerInput, field_name

DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, e.g. 2027-06-30.")


class SettingsForm(Form):
    intro = TextAreaField(_l("Introduction for suppliers"), validators=[Optional(), Length(max=5000)],
                          description=_l("What you want to learn from the market, and how you will use it."))
    closes_at = DateTimeLocalField(_l("Answers close"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Give the date and time answers close."))])


class CriterionForm(Form):
    title = StringField(_l("Criterion"), validators=[DataRequired(_l("Give the criterion a title.")),
                                                     Length(max=200)])
    text = TextAreaField(_l("What exactly you ask"), validators=[Optional(), Length(max=2000)])


ANSWER_CHOICES = [("", _l("No answer"))] + [(c.value, c.label) for c in ReadinessChoice]


def answer_form(criteria: list[ReadinessCriterion]) -> type[Form]:
    """A form with one group of fields per criterion (``c12_choice``, ``c12_by_date``, ...)."""

    class AnswerForm(Form):
        def rows(self) -> list[AnswerInput]:
            found = []
            for c in criteria:
                data = {name: getattr(self, field_name(c.id, name)).data for name in
                        ("choice", "by_date", "comment", "evidence_url", "evidence_file", "remove_file")}
                upload = data["evidence_file"]
                found.append(AnswerInput(
                    criterion_id=c.id, choice=data["choice"] or "", by_date=data["by_date"],
                    comment=data["comment"] or "", evidence_url=data["evidence_url"] or "",
                    filename=upload.filename if upload else None, stream=upload.stream if upload else None,
                    remove_file=bool(data["remove_file"])))
            return found

    for c in criteria:
        setattr(AnswerForm, field_name(c.id, "choice"),
                RadioField(_l("Your answer"), choices=choices(ANSWER_CHOICES), default="", validators=[Optional()]))
        setattr(AnswerForm, field_name(c.id, "by_date"),
                DateField(_l("By when (if you can meet it later)"), validators=[Optional()],
                          description=DATE_MESSAGE))
        setattr(AnswerForm, field_name(c.id, "comment"),
                TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)]))
        setattr(AnswerForm, field_name(c.id, "evidence_url"),
                StringField(_l("Link to evidence"), validators=[Optional(), HttpUrl()]))
        setattr(AnswerForm, field_name(c.id, "evidence_file"), FileField(_l("Evidence file")))
        setattr(AnswerForm, field_name(c.id, "remove_file"), BooleanField(_l("Remove the evidence file")))
    return AnswerForm


def filled_answer_form(criteria: list[ReadinessCriterion], answers: dict, **kwargs) -> Form:
    """The form, showing the organisation's saved answers where the request sent none."""
    data = {}
    for c in criteria:
        answer = answers.get(c.id)
        if answer is not None:
            data.update({field_name(c.id, "choice"): answer.choice.value, field_name(c.id, "by_date"): answer.by_date,
                         field_name(c.id, "comment"): answer.comment,
                         field_name(c.id, "evidence_url"): answer.evidence_url or ""})
    return answer_form(criteria)(data=data, **kwargs)
