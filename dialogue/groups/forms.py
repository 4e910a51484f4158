from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dialogue.core.forms import DateField, Form, choices
from dialogue.groups.library import KINDS, SUBJECTS
from dialogue.intents.forms import MultiCheckboxField
from dialogue.models import Verification

LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}


class GroupForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the group a name.")), Length(max=200)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=120)],
                       description=_l("Lower-case letters, digits and hyphens; left empty, it is made from the name."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)],
                                description=_l("Who the group is and what it buys together. Markdown."))


class MemberForm(Form):
    organisation = SelectField(_l("Organisation"), validators=[DataRequired(_l("Choose an organisation."))])


class CoordinatorForm(Form):
    coordinator = HiddenField()


class StatementForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the statement a title.")), Length(max=300)])
    text_fi = TextAreaField(_l("Text in Finnish"), validators=[Optional(), Length(max=20000)])
    text_sv = TextAreaField(_l("Text in Swedish"), validators=[Optional(), Length(max=20000)])
    text_en = TextAreaField(_l("Text in English"), validators=[Optional(), Length(max=20000)])

    def texts(self) -> dict[str, str]:
        return {code: getattr(self, f"text_{code}").data or "" for code in LANGUAGE_NAMES}


class SignForm(Form):
    signed_on = DateField(_l("Date of signing"), validators=[Optional()],
                          description=_l("Leave empty for today."))


class CriterionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the criterion a title.")), Length(max=200)])
    text = TextAreaField(_l("Text"), validators=[DataRequired(_l("Write the criterion's text.")), Length(max=2000)],
                         description=_l("The wording a tender adopts."))
    kind = SelectField(_l("Kind"), choices=choices([(k.value, label) for k, label in KINDS.items()]))
    verification = SelectField(_l("Verification"), choices=choices([(v.value, v.label) for v in Verification]))
    subject = SelectField(_l("Label or subject"), validators=[Optional()],
                          choices=choices([("", _l("None"))] + list(SUBJECTS.items())),
                          description=_l("Where the criterion is about a label, an affiliation or circularity."))


class AdoptForm(Form):
    criteria = MultiCheckboxField(_l("Criteria to adopt"), coerce=int, validators=[Optional()])
