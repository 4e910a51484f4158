from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired

from dialogue.core.forms import Form, MultiCheckboxField, choices
from dialogue.registrations.forms import role_choices, state_choices


class AttendanceExportForm(Form):
    """Sent by GET: choosing what to download changes nothing."""

    class Meta:
        csrf = False

    columns = MultiCheckboxField(_l("Columns"))
    roles = MultiCheckboxField(_l("Roles"), description=_l("None ticked: every role."))
    states = MultiCheckboxField(_l("States"), description=_l("None ticked: every state."))
    checked_in = SelectField(_l("Checked in"), default="")
    format = RadioField(_l("Format"), validators=[DataRequired(message=_l("Choose CSV or Excel."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from dialogue.exports.attendance import COLUMNS

        self.columns.choices = choices(COLUMNS.items())
        self.roles.choices = role_choices()
        self.states.choices = state_choices()
        self.checked_in.choices = choices([("", _l("Checked in or not")), ("yes", _l("Only those who came")),
                                           ("no", _l("Only those who did not come"))])
        self.format.choices = choices([("xlsx", _l("Excel (XLSX)")), ("csv", _l("CSV (UTF-8)"))])
