from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from dialogue.core.forms import (
    DateField,
    DateTimeLocalField,
    Form,
    IntegerField,
    MultiCheckboxField,
    TimeZoneField,
    choices,
)
from dialogue.core.inputs import bounded_int
from dialogue.core.timeutil import local_to_utc, timezone_names, to_zone
from dialogue.core.urls import HttpUrl
from dialogue.models import EventFormat, ParticipantRole, SessionKind, StaffRole

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(label, required: bool = True, description=None):
    # InputRequired, not DataRequired: DataRequired would replace the field's own message about a date it
    # could not read (or one outside the years it accepts) with "Enter a date and time."
    validators = [InputRequired(message=_l("Enter a date and time."))] if required else [Optional()]
    return DateTimeLocalField(label, format=DATETIME_FORMAT, validators=validators, description=description)


def local_value(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """A stored UTC time as the wall-clock time in the event's zone, for a form field."""
    return to_zone(value, zone).replace(tzinfo=None) if value else None


def utc_value(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    return local_to_utc(value, zone) if value else None


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=300)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=120)],
                       description=_l("The last part of the event's address, e.g. nordic-forum-2026. Leave empty "
                                      "to make one from the title. It cannot change once published."))
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)],
                            description=_l("One or two sentences for the list of events."))
    description = TextAreaField(_l("Description"), validators=[Length(max=50_000)],
                                description=_l("Markdown: **bold**, *italic*, lists, links."))
    format = SelectField(_l("Format"))
    venue = StringField(_l("Venue"), validators=[Length(max=300)])
    address = TextAreaField(_l("Address"), validators=[Length(max=500)])
    online_url = URLField(_l("Online link"), validators=[HttpUrl(message=_l("Enter a full web address starting "
                                                                             "with https://."))],
                          description=_l("Shown only to registered participants."))
    timezone = TimeZoneField(_l("Time zone"), description=_l("Times below are in this zone."))
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    registration_opens_at = _when(_l("Registration opens"), required=False,
                                  description=_l("Leave empty to open registration when you publish."))
    registration_closes_at = _when(_l("Registration closes"), required=False,
                                   description=_l("Leave empty to keep it open until the event ends."))
    cancellation_deadline = _when(_l("Participants can cancel until"), required=False,
                                  description=_l("Leave empty to allow cancelling until the event starts."))
    languages = MultiCheckboxField(_l("Languages"))
    contact_email = EmailField(_l("Contact email"), validators=[Length(max=254)],
                               description=_l("Where participants write with questions. Replies to the "
                                              "event's mail go here."))
    moderated = BooleanField(_l("Organisers approve each registration"))
    cohosts = MultiCheckboxField(_l("Co-hosts"), coerce=bounded_int,
                                 description=_l("The public buyers and networks hosting the event together."))

    def __init__(self, *args, cohost_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        from dialogue.events.services import LANGUAGES

        self.format.choices = choices((f.value, f.label) for f in EventFormat)
        self.timezone.choices = choices([("", _l("Choose a time zone"))] +
                                        [(z, z.replace("_", " ")) for z in ["UTC", *timezone_names()]])
        self.languages.choices = choices((code, name) for code, name in LANGUAGES.items())
        if cohost_choices is None:
            del self.cohosts
        else:
            self.cohosts.choices = choices((org.id, org.name) for org in cohost_choices)

    def fill_from(self, event) -> None:
        for name in ("title", "slug", "summary", "description", "venue", "address", "online_url", "timezone",
                     "contact_email", "moderated", "languages"):
            getattr(self, name).data = getattr(event, name)
        self.format.data = event.format.value
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at",
                     "cancellation_deadline"):
            getattr(self, name).data = local_value(getattr(event, name), event.timezone)

    def details(self):
        from dialogue.events.services import EventDetails

        zone = self.timezone.data
        return EventDetails(
            title=self.title.data, timezone=zone, summary=self.summary.data or "",
            description=self.description.data or "", format=self.format.data, venue=self.venue.data,
            address=self.address.data, online_url=self.online_url.data,
            starts_at=utc_value(self.starts_at.data, zone), ends_at=utc_value(self.ends_at.data, zone),
            registration_opens_at=utc_value(self.registration_opens_at.data, zone),
            registration_closes_at=utc_value(self.registration_closes_at.data, zone),
            cancellation_deadline=utc_value(self.cancellation_deadline.data, zone),
            languages=self.languages.data or [], contact_email=self.contact_email.data,
            moderated=self.moderated.data)


class StatusForm(Form):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Message to the registrants"), validators=[Length(max=2000)],
                           description=_l("Sent with the cancellation to everyone registered."))


class CoHostForm(Form):
    organisation = SelectField(_l("Public buyer or network"), coerce=bounded_int)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = choices((o.id, o.name) for o in organisations)


class StaffForm(Form):
    email = EmailField(_l("Email address of a colleague at a co-host"),
                       validators=[DataRequired(message=_l("Enter an email address.")), Length(max=254)])
    role = SelectField(_l("Role on this event"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices([(StaffRole.ORGANISER.value, _l("Organiser: manages everything")),
                                     (StaffRole.CHECKIN.value, _l("Check-in: runs the door only"))])


def _places(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=1_000_000,
                                                                   message=_l("Enter zero or more places."))])


class CapacityForm(Form):
    capacity = IntegerField(_l("Places in total"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter zero or more places."))],
        description=_l("Leave any of these empty for no limit."))
    online_capacity = _places(_l("Places online"))
    cap_buyer = _places(_l("Places for buyers"))
    cap_supplier = _places(_l("Places for suppliers"))
    cap_reseller = _places(_l("Places for resellers"))
    cap_observer = _places(_l("Places for observers"))
    cap_speaker = _places(_l("Places for speakers"))

    def fill_from(self, event) -> None:
        self.capacity.data = event.capacity
        self.online_capacity.data = event.online_capacity
        if event.format == EventFormat.HYBRID:
            self.capacity.label.text = _l("Places in person")
        for rc in event.role_capacities:
            getattr(self, f"cap_{rc.role}").data = rc.capacity

    def role_fields(self):
        return [getattr(self, f"cap_{role.value}") for role in ParticipantRole]

    def per_role(self) -> dict[str, int | None]:
        return {role.value: getattr(self, f"cap_{role.value}").data for role in ParticipantRole}


class SessionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title.")), Length(max=300)])
    kind = SelectField(_l("Kind"))
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    room = StringField(_l("Room"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)],
                                description=_l("Markdown."))
    speakers = TextAreaField(_l("Speakers"), validators=[Length(max=5000)],
                             description=_l("Email addresses of the speakers' accounts, one per line."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.kind.choices = choices((k.value, k.label) for k in SessionKind)


class CloneForm(Form):
    starts_on = DateField(_l("New start date"), validators=[InputRequired(message=_l("Enter the day."))],
                          description=_l("Sessions, meeting slots and survey dates move by the same number of "
                                         "days and keep their local times."))
    slug = StringField(_l("Web address of the new event"),
                       validators=[DataRequired(message=_l("Enter the address of the new event.")), Length(max=120)],
                       description=_l("E.g. nordic-forum-2027."))
