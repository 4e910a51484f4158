from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Length, Optional

from dialogue.core.forms import Form, choices
from dialogue.core.urls import HttpUrl
from dialogue.models import MaterialVisibility

# ISO 639-1 codes: the Nordic working languages and English first, then other EU languages.
LANGUAGES = [
    ("en", _l("English")), ("fi", _l("Finnish")), ("sv", _l("Swedish")), ("da", _l("Danish")),
    ("nb", _l("Norwegian")), ("is", _l("Icelandic")), ("de", _l("German")), ("nl", _l("Dutch")),
    ("fr", _l("French")), ("es", _l("Spanish")), ("ca", _l("Catalan")), ("it", _l("Italian")),
    ("pt", _l("Portuguese")), ("pl", _l("Polish")), ("et", _l("Estonian")), ("lv", _l("Latvian")),
    ("lt", _l("Lithuanian")), ("cs", _l("Czech")), ("sk", _l("Slovak")), ("sl", _l("Slovenian")),
    ("hu", _l("Hungarian")), ("ro", _l("Romanian")), ("bg", _l("Bulgarian")), ("hr", _l("Croatian")),
    ("el", _l("Greek")), ("ga", _l("Irish")), ("mt", _l("Maltese")),
]
LANGUAGE_NAMES = dict(LANGUAGES)

VISIBILITY_LABELS = MaterialVisibility.labels()
# On a planned tender the same choices read as the buyer's staff and the events' participants.
INTENT_VISIBILITY_LABELS = {
    MaterialVisibility.PUBLIC: MaterialVisibility.PUBLIC.label,
    MaterialVisibility.PARTICIPANTS: _l("Participants of the events presenting this planned tender"),
    MaterialVisibility.ORGANISERS: _l("Staff of our organisation only"),
}


class _Metadata(Form):
    title = StringField(_l("Title"), validators=[Length(max=300)],
                        description=_l("For example “Helsinki ICT plan 2026”. Left empty, the file name is used."))
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=5000)])
    language = SelectField(_l("Language"), choices=choices(LANGUAGES), default="en")
    visibility = RadioField(_l("Who may see it"), default=MaterialVisibility.PARTICIPANTS.value,
                            choices=choices((v.value, label) for v, label in VISIBILITY_LABELS.items()))

    def for_intent(self) -> None:
        self.visibility.choices = choices((v.value, label) for v, label in INTENT_VISIBILITY_LABELS.items())
        self.visibility.label.text = _l("Who may see it")


class _Content(Form):
    file = FileField(_l("File"))
    link = URLField(_l("Or a link instead of a file"), validators=[Optional(), HttpUrl(max_length=1000)],
                    description=_l("For example a video or a page on your own site. Starts with https://."))


class IntentUploadForm(_Metadata, _Content):
    pass


class UploadForm(_Metadata, _Content):
    target = SelectField(_l("Attach to"), choices=[],
                         description=_l("Slides belong to the session where they were shown."))


class ReplaceForm(_Content):
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=300)],
                       description=_l("Shown in the list of versions, e.g. “Corrected figures on slide 4”."))


class EditForm(_Metadata):
    pass


class RemindForm(Form):
    session_id = HiddenField()
