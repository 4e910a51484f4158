from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length

from dialogue.core.forms import choices
from dialogue.models import MemberRole

ROLE_CHOICES = [(MemberRole.MEMBER.value, "Member"), (MemberRole.ADMIN.value, "Administrator")]



class InviteForm(FlaskForm):
    email = EmailField("Colleague's email address", validators=[DataRequired(message="Enter an email address."),
                                                                Length(max=254)])
    role = SelectField("Role", choices=choices(ROLE_CHOICES))


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=choices(ROLE_CHOICES))
