from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class MatchScoresForm(FlaskForm):
    """Turn the scheduler's use of match scores on ("1") or off ("0"): the wanted state, so a second click
    changes nothing."""

    on = HiddenField(validators=[AnyOf(("0", "1"))])
