from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, URLField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from dialogue.core.forms import Form, SelectField, choices
from dialogue.core.timeutil import timezone_names
from dialogue.core.urls import HttpUrl
from dialogue.i18n import LANGUAGE_NAMES
from dialogue.models import OrganisationKind
from dialogue.organisations.services import country_choices

# Each language by its own name, as people look for it.
LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())


class PasswordFields:
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter a password."))],
                             description=_l("At least 10 characters. A few unrelated words work well."))
    password_confirm = PasswordField(_l("Confirm password"), validators=[
        DataRequired(message=_l("Enter the password again.")),
        EqualTo("password", message=_l("The two passwords do not match."))])


class SignupForm(PasswordFields, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    email = EmailField(_l("Work email address"), validators=[DataRequired(message=_l("Enter your email address.")),
                                                             Length(max=254)])
    org_name = StringField(_l("Organisation name"), validators=[Length(max=200)])
    org_kind = SelectField(_l("Kind of organisation"),
                           choices=choices((k.value, k.label) for k in OrganisationKind))
    country = SelectField(_l("Country"), choices=[])
    registration_number = StringField(_l("VAT or business registration number"),
                                      validators=[Optional(), Length(max=40)],
                                      description=_l("Optional. Checked against the country's format, "
                                                     "e.g. FI20774740."))
    website = URLField(_l("Website"), validators=[Optional(), HttpUrl(
        max_length=300, message=_l("Enter a full address such as https://example.org."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names in the reader's language, built per request.
        self.country.choices = choices([("", _l("Choose a country"))] + country_choices())


class InvitedSignupForm(PasswordFields, Form):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])


class LoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ResetRequestForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))])


class SignInLinkRequestForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address."))])


class SignInLinkForm(Form):
    remember = BooleanField(_l("Keep me signed in on this device"))


class ResetForm(PasswordFields, Form):
    pass


class ChangePasswordForm(PasswordFields, Form):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(message=_l("Enter your current password."))])
    password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Enter a new password."))],
                             description=_l("At least 10 characters."))


class ProfileForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)])
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    timezone = SelectField(_l("Time zone"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = choices((z, z.replace("_", " ")) for z in ["UTC", *timezone_names()])
