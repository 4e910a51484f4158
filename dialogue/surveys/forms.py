from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from dialogue.core.forms import DateTimeLocalField, FloatField, Form, MultiCheckboxField, choices
from dialogue.models import ParticipantRole, SurveyAudience, SurveyQuestionKind
from dialogue.surveys.services import list_surveys
from dialogue.surveys.starters import STARTERS


class CreateSurveyForm(Form):
    starter = RadioField(_l("Start from"), default="market_dialogue", validators=[Optional()])
    title = StringField(_l("Title"), validators=[Length(max=200)],
                        description=_l("Leave empty to use the template's title."))
    previous_survey = SelectField(_l("Second stage of"), validators=[Optional()],
                                  description=_l("A second stage goes to the people invited to the first, "
                                                 "about six months after it closes."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.starter.choices = choices([("", _l("An empty survey"))]
                                       + [(key, spec["label"]) for key, spec in STARTERS.items()])


class SettingsForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the survey a title.")),
                                                 Length(max=200)])
    intro = TextAreaField(_l("Introduction"), validators=[Length(max=5000)],
                          description=_l("Shown above the questions. Markdown is allowed."))
    anonymous = BooleanField(_l("Anonymous answers"),
                             description=_l("Answers are stored without the person. Each link still "
                                            "answers once; answers cannot be changed afterwards."))
    audience = RadioField(_l("Who is asked"), default=SurveyAudience.REGISTERED.value)
    roles = MultiCheckboxField(_l("Only these roles"), description=_l("Leave all unticked to ask every role."))
    previous_survey = SelectField(_l("Second stage of"), validators=[Optional()],
                                  description=_l("A second stage goes to exactly the people invited to the "
                                                 "first; the audience above is then not used."))
    opens_at = DateTimeLocalField(_l("Opens"), validators=[InputRequired(message=_l("Give the opening time."))])
    closes_at = DateTimeLocalField(_l("Closes"), validators=[InputRequired(message=_l("Give the closing time."))])
    reminder_days = StringField(
        _l("Reminders, in days after opening"),
        validators=[Optional(), Regexp(r"^\s*\d{1,6}(\s*,\s*\d{1,6})*\s*$",
                                       message=_l("Write whole days separated by commas, for example 3, 7."))],
        description=_l("For example 3, 7. Only those who have not answered are reminded."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = choices(SurveyAudience.labels().items())
        self.roles.choices = choices((r.value, r.plural) for r in ParticipantRole)


class SectionForm(Form):
    # Own ids: the survey builder shows this form next to the settings form, which has a title too.
    title = StringField(_l("Section title"), id="section-title",
                        validators=[DataRequired(message=_l("Give the section a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), id="section-description", validators=[Length(max=2000)])


class QuestionForm(Form):
    section = SelectField(_l("Section"))
    kind = SelectField(_l("Type of answer"))
    text = StringField(_l("Question"), validators=[DataRequired(message=_l("Write the question.")),
                                                   Length(max=500)])
    help_text = TextAreaField(_l("Help text"), validators=[Length(max=1000)],
                              description=_l("Shown under the question, e.g. what the scale means."))
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options, one per line"),
                            description=_l("For single and multiple choice."))
    allow_other = BooleanField(_l("Add an \"Other\" option with a text box"))
    min_value = FloatField(_l("Lowest allowed number"), validators=[Optional()],
                           description=_l("For number questions; leave empty for no limit."))
    max_value = FloatField(_l("Highest allowed number"), validators=[Optional()])
    condition = SelectField(_l("Show this question only if"), validators=[Optional()],
                            description=_l("An answer to an earlier question. Leave as \"Always\" to always "
                                           "show it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(SurveyQuestionKind.labels().items())


def previous_survey_choices(event, survey=None) -> list:
    """The event's other surveys, for "follows up on": none, or any but the survey itself."""
    others = [(s.id, s.title) for s in list_surveys(event) if survey is None or s.id != survey.id]
    return choices([("", _("None: this is a first survey"))] + others)
