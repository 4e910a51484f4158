from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from dialogue.core.forms import Form


class EraseForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(message=_l("Enter your password."))])
    confirm = BooleanField(_l("I understand that my account and personal data will be erased"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
