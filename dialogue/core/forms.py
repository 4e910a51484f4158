"""Form helpers shared by every feature."""

from __future__ import annotations

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
    """(value, label) pairs as WTForms select choices."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), str(label)) for value, label in pairs]
