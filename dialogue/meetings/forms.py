from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from dialogue.core.forms import DateField, Form, IntegerField, MultiCheckboxField, choices
from dialogue.core.inputs import bounded_int
from dialogue.core.urls import HttpUrl
from dialogue.models import LocationKind, MeetingMode

PRIORITY_LABELS = [(3, _l("High")), (2, _l("Normal")), (1, _l("Low")), (0, _l("Only if there is room"))]


class SettingsForm(Form):
    mode = RadioField(_l("How meetings are arranged"), choices=choices(MeetingMode.labels().items()),
                      validators=[InputRequired(message=_l("Choose how meetings are arranged."))])
    slot_minutes = IntegerField(_l("Slot length (minutes)"), validators=[InputRequired(), NumberRange(5, 240)])
    break_minutes = IntegerField(_l("Break between slots (minutes)"), validators=[InputRequired(), NumberRange(0, 120)])
    request_expiry_hours = IntegerField(
        _l("Requests expire after (hours)"), validators=[InputRequired(), NumberRange(1, 24 * 60)],
        description=_l("A request nobody answers in this time expires, so it does not hold anyone back."))
    max_meetings_per_supplier = IntegerField(_l("Most meetings per supplier organisation"),
                                             validators=[Optional(), NumberRange(1, 500)],
                                             description=_l("Equal access: empty for no cap."))
    max_meetings_per_buyer = IntegerField(_l("Most meetings per buyer"), validators=[Optional(), NumberRange(1, 500)],
                                          description=_l("Per person. Empty for no cap."))
    max_requests_per_supplier = IntegerField(_l("Most open requests per supplier organisation"),
                                             validators=[Optional(), NumberRange(1, 500)],
                                             description=_l("Pending and accepted requests count. Empty for no cap."))
    max_supplier_staff = IntegerField(_l("Supplier people per meeting"),
                                      validators=[InputRequired(), NumberRange(1, 10)])
    reminder_minutes = IntegerField(_l("Reminder before a meeting (minutes)"),
                                    validators=[InputRequired(), NumberRange(0, 24 * 60)],
                                    description=_l("0 sends no reminder."))
    virtual = BooleanField(_l("Meetings are online (each gets its own room link instead of a table)"))
    virtual_link_template = StringField(_l("Room link pattern"), validators=[Optional(), Length(max=300)],
                                        description=_l("For example https://meet.example.org/dialogue-{code}; "
                                                       "{code} becomes each meeting's own secret code."))


class BlockForm(Form):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter the day."))])
    start = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter the start time."))])
    end = TimeField(_l("Until"), validators=[InputRequired(message=_l("Enter the end time."))])


class LocationForm(Form):
    label = StringField(_l("Name"), default="Table", validators=[DataRequired(), Length(max=90)],
                        description=_l("With a number above 1, places are numbered: Table 1, Table 2, ..."))
    count = IntegerField(_l("How many"), default=1, validators=[InputRequired(), NumberRange(1, 200)])
    capacity = IntegerField(_l("Seats"), default=4, validators=[InputRequired(), NumberRange(2, 100)])
    kind = SelectField(_l("Kind"), choices=choices([(LocationKind.TABLE.value, _l("Table")),
                                                    (LocationKind.ROOM.value, _l("Room"))]))


class RequestForm(Form):
    intent = SelectField(_l("Planned tender to discuss"), validate_choice=False)
    topic = StringField(_l("Or a general topic"), validators=[Optional(), Length(max=300)],
                        description=_l("Needed when no planned tender is chosen."))
    agenda = TextAreaField(_l("Short agenda"), validators=[Optional(), Length(max=2000)])
    preferred_slots = MultiCheckboxField(_l("Times that suit you"), coerce=bounded_int, validate_choice=False,
                                         description=_l("Optional. The buyer sees them first."))
    colleagues = MultiCheckboxField(_l("Colleagues who come along"), coerce=bounded_int, validate_choice=False)
    priority = SelectField(_l("How important is this meeting to you?"), coerce=bounded_int, default=2,
                           choices=choices(PRIORITY_LABELS[:3]))


class AcceptForm(Form):
    slot = RadioField(_l("Time"), coerce=bounded_int, validate_choice=False,
                      validators=[InputRequired(message=_l("Choose a time."))])
    buyers = MultiCheckboxField(_l("Buyers who attend besides you"), coerce=bounded_int, validate_choice=False,
                                description=_l("Colleagues or co-host buyers registered for the event."))


class NoteForm(Form):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class PriorityForm(Form):
    priority = SelectField(_l("Priority"), coerce=bounded_int, choices=choices(PRIORITY_LABELS))


class _ButtonLabel:
    __slots__ = ("field_id", "text")

    def __init__(self, field_id: str, text):
        self.field_id, self.text = field_id, text

    def __call__(self) -> Markup:
        return Markup(f'<label for="{escape(self.field_id)}">{escape(self.text)}</label>')

    __str__ = __html__ = __call__


class _Button:
    """One radio button of a ``TimesField``, as the field macro shows it: ``sub()`` and ``sub.label()``."""

    __slots__ = ("id", "data", "checked", "label", "_before", "_after")

    def __init__(self, field_id: str, value: str, label, checked: bool, before: str, after: str):
        self.id, self.data, self.checked, self._before, self._after = field_id, value, checked, before, after
        self.label = _ButtonLabel(field_id, label)

    def __call__(self) -> Markup:
        checked = "checked " if self.checked else ""
        return Markup(f'<input {checked}{self._before}id="{escape(self.id)}" {self._after} '
                      f'value="{escape(self.data)}">')


class TimesField(RadioField):
    """A radio button per time, written directly.

    WTForms makes a field, a label and two ``html_params`` for every button; a booking page offers
    every free slot of a calendar on each answer, a refusal too, and that was most of its time. The
    HTML is the same as the stock field's (a test compares them).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # what templates tell fields apart by

    def __iter__(self):
        choices = list(self._iter_choices_normalized())
        if self.render_kw or any(c.render_kw for c in choices):
            yield from super().__iter__()
            return
        # The attributes in html_params' (sorted) order: checked, disabled, id, name, required, type, value.
        before = "disabled " if getattr(self.flags, "disabled", False) else ""
        required = " required" if getattr(self.flags, "required", False) else ""
        after = f'name="{escape(self.name)}"{required} type="radio"'
        for i, choice in enumerate(choices):
            yield _Button(f"{self.id}-{i}", str(choice.value), choice.label or choice.value, choice.selected,
                          before, after)


class BookForm(Form):
    slot = TimesField(_l("Free time"), coerce=bounded_int, validate_choice=False,
                      validators=[InputRequired(message=_l("Choose a time."))])
    intent = SelectField(_l("Planned tender to discuss"), validate_choice=False)
    topic = StringField(_l("Or a general topic"), validators=[Optional(), Length(max=300)])
    agenda = TextAreaField(_l("Short agenda"), validators=[Optional(), Length(max=2000)])


class AvailabilityForm(Form):
    slots = MultiCheckboxField(_l("Times you are free for meetings"), coerce=bounded_int, validate_choice=False)
    intents = MultiCheckboxField(_l("Planned tenders you want to discuss"), coerce=bounded_int, validate_choice=False)


class RescheduleForm(Form):
    # Own ids: the meeting page also holds the cancel form (a note) and the organisers' move form (a slot).
    slot = SelectField(_l("New time"), id="reschedule-slot", coerce=bounded_int, validate_choice=False)
    note = TextAreaField(_l("Note (optional)"), id="reschedule-note", validators=[Optional(), Length(max=1000)])


class AddPersonForm(Form):
    person = SelectField(_l("Person"), coerce=bounded_int, validate_choice=False)


class MoveForm(Form):
    slot = SelectField(_l("Time"), id="move-slot", coerce=bounded_int, validate_choice=False)
    location = SelectField(_l("Table or room"), id="move-location", coerce=bounded_int, validate_choice=False,
                           description=_l("Keep it on “any free” to let the system choose."))


class LinkForm(Form):
    url = URLField(_l("Room link"), validators=[Optional(), HttpUrl(message=_l("Enter a full address such as "
                                                                                "https://meet.example.org/room."))])


class ScheduleForm(Form):
    time_limit = IntegerField(_l("Time limit (seconds)"), default=30, validators=[InputRequired(), NumberRange(1, 600)])


class MinutesForm(Form):
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(message=_l("Write a short summary of the "
                                                                              "meeting.")), Length(max=2000)],
                            description=_l("For the buyer's record: who said what, in a few lines. The supplier "
                                           "does not see it."))
    no_information_given = BooleanField(_l("No information about the procurement was given"))
    information_given = TextAreaField(
        _l("Information given about the procurement"), validators=[Optional(), Length(max=5000)],
        description=_l("Anything said about the planned tender: needs, quantities, dates, criteria. It must be "
                       "made available to every bidder."))

