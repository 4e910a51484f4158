from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from dialogue.core.forms import Form


class SeriesForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the series a title.")), Length(max=300)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=120)],
                       description=_l("The end of the page's address, e.g. ict-interest-group. Left empty, it "
                                      "is made from the title."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)],
                                description=_l("Who meets, why, and how often. Markdown is allowed."))


class SubscribeForm(Form):
    email = EmailField(_l("Your email address"), validators=[DataRequired(_l("Give your email address.")),
                                                             Length(max=254)])


class AttachForm(Form):
    series_id = SelectField(_l("Series"), validators=[DataRequired(_l("Choose a series."))])
