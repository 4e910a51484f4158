from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from dialogue.core.forms import Form, MultiCheckboxField, choices
from dialogue.core.inputs import bounded_int
from dialogue.models import Attendance, ParticipantRole, QuestionKind, RegistrationQuestion, RegistrationState


def role_choices(roles=None):
    """Every role, or those given, as choices."""
    return choices((role.value, role.label) for role in (ParticipantRole if roles is None else roles))


def attendance_choices():
    return choices((a.value, a.label) for a in Attendance)


def state_choices():
    return choices((state.value, state.label) for state in RegistrationState)


class RoleForm(Form):
    """Step one of registering: the role decides which questions follow. Sent by GET."""

    class Meta:
        csrf = False

    role = RadioField(_l("Your organisation takes part as"), validate_choice=False,
                      description=_l("The roles your organisation's kind allows. To take part in another "
                                     "role, write to the organisers: they can change your role."))

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(roles)


class RegisterForm(Form):
    role = HiddenField()
    attendance = RadioField(_l("You take part"), validate_choice=False,
                            validators=[InputRequired(message=_l("Choose in person or online."))],
                            description=_l("In person and online each have their own places and waiting list."))
    consent = BooleanField(_l("List me in the participant list"))

    def question_fields(self):
        return [getattr(self, name) for name in self._question_names]


def registration_form(questions: list[RegistrationQuestion], *args, hybrid: bool = False, **kwargs) -> RegisterForm:
    """The form for one role, with a field per organiser question (checked by the service), and the
    choice of in person or online at a hybrid event."""

    class Form(RegisterForm):
        _question_names = [f"q_{q.id}" for q in questions]

    for q in questions:
        options = {"description": _l("Required.") if q.required else _l("Optional.")}
        if q.kind == QuestionKind.TEXT:
            field = TextAreaField(q.text, validators=[Optional(), Length(max=2000)], **options)
        elif q.kind == QuestionKind.CHOICE:
            field = RadioField(q.text, choices=choices((c, c) for c in q.choices), validate_choice=False, **options)
        else:
            field = RadioField(q.text, choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
                               validate_choice=False, **options)
        setattr(Form, f"q_{q.id}", field)
    form = Form(*args, **kwargs)
    if hybrid:
        form.attendance.choices = attendance_choices()
    else:
        del form.attendance
    return form


class AttendanceForm(Form):
    attendance = RadioField(_l("You take part"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance.choices = attendance_choices()


class ConsentForm(Form):
    consent = HiddenField(validators=[AnyOf(("give", "withdraw"))])


class OrganiserCancelForm(Form):
    reason = TextAreaField(_l("Reason, sent to the person"), validators=[Length(max=2000)])


class ChangeRoleForm(Form):
    role = SelectField(_l("Role"))
    reason = TextAreaField(_l("Reason, shown to the person"),
                           validators=[DataRequired(message=_l("Give the reason: the person sees it with their "
                                                               "registration.")), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class DecisionForm(Form):
    registration_ids = SelectMultipleField(_l("Registrations"), coerce=bounded_int, validate_choice=False)
    action = SelectField(_l("Decision"))
    reason = TextAreaField(_l("Reason, sent to each person"), validators=[Length(max=2000)],
                           description=_l("Required to reject."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration_ids.choices = []
        self.action.choices = choices([("approve", _l("Approve")), ("reject", _l("Reject"))])


class QuestionForm(Form):
    text = StringField(_l("Question"), validators=[DataRequired(message=_l("Enter the question.")),
                                                   Length(max=500)])
    kind = SelectField(_l("Kind of answer"))
    role = SelectField(_l("Asked of"))
    choices = TextAreaField(_l("Options"), validators=[Length(max=10_000)],
                            description=_l("For a choice: one option per line."))
    required = BooleanField(_l("An answer is required"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.kind.choices = choices([(QuestionKind.TEXT.value, _l("Text")),
                                     (QuestionKind.CHOICE.value, _l("One of several options")),
                                     (QuestionKind.YES_NO.value, _l("Yes or no"))])
        self.role.choices = choices([("", _l("Everyone"))] +
                                    [(role.value, role.plural) for role in ParticipantRole])


class MessageForm(Form):
    roles = MultiCheckboxField(_l("Roles"), description=_l("None ticked: every role."))
    states = MultiCheckboxField(_l("Registration states"), description=_l("None ticked: confirmed only."))
    checked_in = SelectField(_l("Checked in"))
    subject = StringField(_l("Subject"), validators=[DataRequired(message=_l("Enter a subject.")),
                                                     Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(message=_l("Write the message.")),
                                                    Length(max=20_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()
        self.states.choices = state_choices()
        self.checked_in.choices = choices([("", _l("Checked in or not")), ("yes", _l("Only those checked in")),
                                           ("no", _l("Only those not checked in"))])


class ScanForm(Form):
    code = StringField(_l("Ticket code"), validators=[DataRequired(message=_l("Scan or type the ticket code.")),
                                                      Length(max=500)],
                       description=_l("Scan the QR code into this field, or type the code under it."))
