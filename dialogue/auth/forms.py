from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional

from dialogue.core.forms import choices
from dialogue.core.timeutil import timezone_names
from dialogue.models import OrganisationKind
from dialogue.organisations.services import country_choices

LANGUAGE_CHOICES = [("en", "English"), ("fi", "Suomi"), ("sv", "Svenska"), ("da", "Dansk"), ("nb", "Norsk bokmål")]


class PasswordFields:
    password = PasswordField("Password", validators=[DataRequired(message="Enter a password.")],
                             description="At least 10 characters. A few unrelated words work well.")
    password_confirm = PasswordField("Confirm password", validators=[
        DataRequired(message="Enter the password again."),
        EqualTo("password", message="The two passwords do not match.")])


class SignupForm(PasswordFields, FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Enter your name."), Length(max=200)])
    email = EmailField("Work email address", validators=[DataRequired(message="Enter your email address."),
                                                         Length(max=254)])
    org_name = StringField("Organisation name", validators=[Length(max=200)])
    org_kind = SelectField("Kind of organisation", choices=choices((k.value, k.label) for k in OrganisationKind))
    country = SelectField("Country", choices=choices([("", "Choose a country")] + country_choices()))
    registration_number = StringField("VAT or business registration number", validators=[Optional(), Length(max=40)],
                                      description="Optional. Checked against the country's format, e.g. FI20774740.")
    website = URLField("Website", validators=[Optional(), URL(message="Enter a full address such as "
                                                                       "https://example.org."), Length(max=300)])


class InvitedSignupForm(PasswordFields, FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Enter your name."), Length(max=200)])


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter your email address.")])


class ResetForm(PasswordFields, FlaskForm):
    pass


class ChangePasswordForm(PasswordFields, FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(message="Enter your current password.")])
    password = PasswordField("New password", validators=[DataRequired(message="Enter a new password.")],
                             description="At least 10 characters.")


class ProfileForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Enter your name."), Length(max=200)])
    locale = SelectField("Language", choices=choices(LANGUAGE_CHOICES))
    timezone = SelectField("Time zone", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((z, z.replace("_", " ")) for z in ["UTC", *timezone_names()])
