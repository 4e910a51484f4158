from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from dialogue.core.countries import country_choices
from dialogue.core.forms import DateField, Form, SelectField, SelectMultipleField, choices
from dialogue.core.urls import HttpUrl
from dialogue.intents.validation import parse_code_list
from dialogue.models import ElectronicsWatchStatus, FieldVisibility, LabelScheme, MemberRole, OrganisationKind
from dialogue.organisations.profiles import ProfileInput

ROLE_CHOICES = [(MemberRole.MEMBER.value, _l("Member")), (MemberRole.ADMIN.value, _l("Administrator"))]


class InviteForm(Form):
    email = EmailField(_l("Colleague's email address"),
                       validators=[DataRequired(message=_l("Enter an email address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))


SME_CHOICES = [("", _l("Not stated")), ("yes", _l("Yes, an SME")), ("no", _l("No, a large enterprise"))]


class ProfileForm(Form):
    description = TextAreaField(_l("About the organisation"), validators=[Length(max=5000)],
                                description=_l("Markdown: **bold**, lists and links work."))
    offering = TextAreaField(_l("Products and services"), validators=[Length(max=5000)])
    cpv_codes = TextAreaField(_l("CPV codes"), validators=[Length(max=1000)],
                              description=_l("One per line, e.g. 30213100-6. Buyers: the codes you buy."))
    cpv_add = StringField(_l("Add a CPV code"), validators=[Length(max=100)],
                          description=_l("Type a word or the first digits and choose from the list."))
    countries_served = SelectMultipleField(_l("Countries served"), validate_choice=False,
                                           description=_l("Hold Ctrl (or ⌘) to choose several."))
    # Buyers' forms leave out what only suppliers say: a missing value is "not stated", and the service
    # checks the values, so these fields do not refuse one themselves.
    sme = SelectField(_l("Small or medium-sized enterprise (SME)"), choices=choices(SME_CHOICES),
                      validate_choice=False)
    electronics_watch = SelectField(_l("Electronics Watch disclosure"), validate_choice=False,
                                    choices=choices((s.value, s.label) for s in ElectronicsWatchStatus))
    take_back = BooleanField(_l("We take back used products"))
    refurbishment = BooleanField(_l("We refurbish or remanufacture products"))
    repair = BooleanField(_l("We repair products"))
    circularity_note = TextAreaField(_l("How (take-back, refurbishment, repair)"), validators=[Length(max=2000)])
    resold_ids = SelectMultipleField(_l("Manufacturers you resell (on Dialogue)"), coerce=int, validate_choice=False)
    resold_names = TextAreaField(_l("Other manufacturers you resell"), validators=[Length(max=3000)],
                                 description=_l("One name per line."))
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[Length(max=254)])
    contact_visibility = RadioField(_l("Who may see the contact"), default=FieldVisibility.PARTICIPANTS.value,
                                    validate_choice=False,
                                    choices=choices((v.value, v.label) for v in FieldVisibility))

    def to_input(self) -> ProfileInput:
        codes = parse_code_list(self.cpv_codes.data) + parse_code_list(self.cpv_add.data)
        return ProfileInput(
            description=self.description.data or "", offering=self.offering.data or "",
            sme={"yes": True, "no": False}.get(self.sme.data), countries_served=self.countries_served.data or [],
            electronics_watch=self.electronics_watch.data or ElectronicsWatchStatus.NOT_STATED.value,
            take_back=self.take_back.data, refurbishment=self.refurbishment.data, repair=self.repair.data,
            circularity_note=self.circularity_note.data or "", contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_visibility=self.contact_visibility.data or FieldVisibility.PARTICIPANTS.value,
            cpv_codes=codes, resold_ids=self.resold_ids.data or [],
            resold_names=(self.resold_names.data or "").splitlines())

    def fill(self, profile) -> None:
        """Show the saved profile in the form."""
        self.description.data, self.offering.data = profile.description, profile.offering
        self.cpv_codes.data = "\n".join(c.code for c in profile.cpv_codes)
        self.countries_served.data = list(profile.countries_served or [])
        self.sme.data = {True: "yes", False: "no"}.get(profile.sme, "")
        self.electronics_watch.data = profile.electronics_watch.value
        self.take_back.data, self.refurbishment.data = profile.take_back, profile.refurbishment
        self.repair.data, self.circularity_note.data = profile.repair, profile.circularity_note
        self.resold_ids.data = [r.manufacturer_id for r in profile.resold if r.manufacturer_id]
        self.resold_names.data = "\n".join(r.name for r in profile.resold if not r.manufacturer_id)
        self.contact_name.data, self.contact_email.data = profile.contact_name, profile.contact_email
        self.contact_visibility.data = profile.contact_visibility.value


class LabelForm(Form):
    scheme = SelectField(_l("Label"), choices=choices((s.value, s.label) for s in LabelScheme))
    name = StringField(_l("Name of the label (for another label)"), validators=[Length(max=200)])
    level = StringField(_l("Generation, tier or criteria"), validators=[Length(max=40)],
                        description=_l("TCO Certified: the generation, e.g. 10. EPEAT: bronze, silver or gold. "
                                       "Blue Angel: the criteria, e.g. DE-UZ 78."))
    scope = StringField(_l("Products it covers"), validators=[Length(max=300)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    evidence_url = URLField(_l("Link to the certificate or registry entry"),
                            validators=[Optional(), HttpUrl(max_length=500)])
    file = FileField(_l("Or upload the certificate"), description=_l("PDF, PNG or JPEG."))


class DirectoryForm(Form):
    """Sent by GET: filtering changes nothing."""

    class Meta:
        csrf = False

    cpv = StringField(_l("CPV code or its first digits"), description=_l("e.g. 3021 for computers"))
    label = SelectField(_l("Label held"))
    country = SelectField(_l("Country (based or served)"))
    kind = SelectField(_l("Kind"))
    sme = SelectField(_l("SME"), choices=choices([("", _l("Any")), ("yes", _l("SMEs only")),
                                                  ("no", _l("Large enterprises only"))]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _l("Any"))]
        self.label.choices = choices(any_ + [(s.value, s.label) for s in LabelScheme])
        self.country.choices = choices(any_ + country_choices())
        self.kind.choices = choices(any_ + [(k.value, k.label) for k in OrganisationKind])
