"""Form helpers shared by every feature."""

from __future__ import annotations

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm

from dialogue.core.errors import DialogueError


class ButtonForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token and nothing else."""


def attach_error(form: FlaskForm, exc: DialogueError) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def choices(pairs) -> list:
    """(value, label) pairs as WTForms select choices.

    A lazy_gettext label stays lazy, so choices declared on a form class are shown in the language of
    each request, not in the one current when the module was imported.
    """
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), label if isinstance(label, LazyString) else str(label))
            for value, label in pairs]
