"""Form helpers shared by every feature."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable

from flask import current_app, g
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms import fields, widgets
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from dialogue.core import cache
from dialogue.core.errors import DialogueError
from dialogue.core.inputs import MAX_INT
from dialogue.core.timeutil import FIRST_YEAR, LAST_YEAR, is_timezone


class Form(FlaskForm):
    """The base of every form here: hidden fields carry no ``id``.

    A page often shows several forms (a button per row, each with its CSRF token), and ids must be
    unique in a page; nothing labels or scripts a hidden field by its id.
    """

    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if isinstance(field, fields.HiddenField):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


class ButtonForm(Form):
    """A form that is only a button: it carries the CSRF token and nothing else."""


def _csrf_placeholder() -> str:
    """What stands for the CSRF token in a kept fragment: the same in every process of the site, and not
    guessable from outside, so no text a person typed can be taken for it."""
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key or ""
    return "csrf-" + hashlib.sha256(f"csrf placeholder {secret}".encode()).hexdigest()[:40]


def form_fragment(name: str, scopes: Iterable[tuple], build: Callable[[], str], audience: tuple = ()) -> Markup:
    """``cache.fragment`` for HTML that holds forms. Their CSRF tokens belong to one session, so the
    fragment is built (forms too: create them inside ``build``) with a placeholder where each token goes,
    kept like that, and given the request's own token on the way out."""
    placeholder = _csrf_placeholder()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    def built() -> str:
        own = g.pop(field, None)
        setattr(g, field, placeholder)  # what generate_csrf, hence csrf_token() and hidden_tag(), hands out
        try:
            html = str(build())
        finally:
            g.pop(field, None)
            if own is not None:
                setattr(g, field, own)
        if own is not None and own in html:
            raise RuntimeError(f"{name}: a form made outside the fragment's build carries this session's token")
        return html

    # Kept under its placeholder too: a fragment made under another secret key is never handed out here.
    html = cache.fragment(name, scopes, built, (*audience, placeholder))
    return Markup(html.replace(placeholder, generate_csrf())) if placeholder in html else html


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


class Select(widgets.Select):
    """WTForms' select, with the common option (a text value, no attributes of its own) written directly.

    The stock widget builds each option through ``html_params`` and ``Markup.format``: for the 600 time
    zones or 250 countries of a form that is most of the page's time. The HTML is the same.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class SelectField(fields.SelectField):
    """A select for long lists of choices (countries, time zones): see ``Select``."""

    widget = Select()


class SelectMultipleField(fields.SelectMultipleField):
    widget = Select(multiple=True)


class MultiCheckboxField(fields.SelectMultipleField):
    """Several choices as checkboxes in a fieldset (rendered by the field macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _YearRange:
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_("Enter a date between the years %(first)s and %(last)s.", first=FIRST_YEAR,
                               last=LAST_YEAR))


class DateField(_YearRange, fields.DateField):
    """A date from FIRST_YEAR to LAST_YEAR; any other is the field's error."""


class DateTimeLocalField(_YearRange, fields.DateTimeLocalField):
    """A wall-clock date and time from FIRST_YEAR to LAST_YEAR; any other is the field's error."""


class IntegerField(fields.IntegerField):
    """A whole number that fits an ``integer`` column: a larger one is the field's error, not a 500."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_INT - 1 <= self.data <= MAX_INT:
            self.data = None
            raise ValueError(_("Enter a number of at most %(high)s.", high=MAX_INT))


class TimeZoneField(SelectField):
    """An IANA time zone chosen from the list; the empty "Choose a time zone" option is the field's error."""

    def pre_validate(self, form):
        if not self.data or not is_timezone(self.data):
            raise ValidationError(_("Choose a time zone from the list."))


class FloatField(fields.FloatField):
    """A finite number of sane size: "nan", "inf" and 1e400 are the field's error, not a stored value."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not (math.isfinite(self.data) and abs(self.data) <= 1e12):
            self.data = None
            raise ValueError(_("Enter a number, for example 12 or 3.5."))
