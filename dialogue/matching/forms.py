from wtforms import HiddenField
from wtforms.validators import AnyOf

from dialogue.core.forms import Form


class MatchScoresForm(Form):
    """Turn the scheduler's use of match scores on ("1") or off ("0"): the wanted state, so a second click
    changes nothing."""

    on = HiddenField(validators=[AnyOf(("0", "1"))])
