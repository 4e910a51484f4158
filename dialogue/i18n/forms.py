"""The form for an event's or a planned tender's texts in one further language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from dialogue.core.forms import Form
from dialogue.i18n.texts import KINDS, LIMITS
from dialogue.models import Event

LABELS = {"title": _l("Title"), "summary": _l("Summary"), "description": _l("Description")}


def _field(name: str):
    kind = TextAreaField if name == "description" else StringField
    return kind(LABELS[name], validators=[Length(max=LIMITS[name])])


def texts_form(owner) -> type[Form]:
    """Fields of the owner (``title``, ...) and, for an event, of each session (``s12_title``, ...)."""

    class TextsForm(Form):
        def values(self) -> dict:
            found = {name: getattr(self, name).data or "" for name in KINDS[type(owner)].fields}
            if isinstance(owner, Event):
                found["sessions"] = {s.id: {name: getattr(self, f"s{s.id}_{name}").data or ""
                                            for name in ("title", "description")} for s in owner.sessions}
            return found

        def fill(self, given: dict) -> None:
            for name in KINDS[type(owner)].fields:
                getattr(self, name).data = given.get(name, "")
            for session_id, texts in given.get("sessions", {}).items():
                for name, value in texts.items():
                    if hasattr(self, f"s{session_id}_{name}"):
                        getattr(self, f"s{session_id}_{name}").data = value

    for name in KINDS[type(owner)].fields:
        setattr(TextsForm, name, _field(name))
    if isinstance(owner, Event):
        for session in owner.sessions:
            setattr(TextsForm, f"s{session.id}_title", _field("title"))
            setattr(TextsForm, f"s{session.id}_description", _field("description"))
    return TextsForm
