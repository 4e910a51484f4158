from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length

from dialogue.core.forms import choices
from dialogue.models import MemberRole

ROLE_CHOICES = [(MemberRole.MEMBER.value, _l("Member")), (MemberRole.ADMIN.value, _l("Administrator"))]


class InviteForm(FlaskForm):
    email = EmailField(_l("Colleague's email address"),
                       validators=[DataRequired(message=_l("Enter an email address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
