"""The booking form's times are written without WTForms' per-button machinery: the HTML must stay the
stock radio field's, button for button, with a choice selected, labels to escape and the field
rendered whole or through the field macro."""

import pytest
from flask import render_template_string
from wtforms import RadioField
from wtforms.validators import InputRequired

from dialogue.core.forms import Form, choices
from dialogue.core.inputs import bounded_int
from dialogue.meetings.forms import BookForm, TimesField

PAGE = ('{% from "_macros.html" import field %}'
        '{{ field(form.slot) }}|{{ form.slot() }}|{{ field(form.slot, class_="x") }}')


def _form(field_class, **kwargs):
    class TimesForm(Form):
        slot = field_class("Time", coerce=bounded_int, validate_choice=False,
                           validators=[InputRequired(message="Choose a time.")], **kwargs)
    form = TimesForm()
    form.slot.choices = choices([(5, "09:00 <b>"), (7, 'Tue "10:00" & more'), (9, "11:00 / 12:00")])
    form.validate()
    return form


@pytest.mark.parametrize("posted", [{"slot": "7"}, {"slot": "4"}, {}])
@pytest.mark.parametrize("kwargs", [{}, {"render_kw": {"class": "wide"}}])
def test_the_times_are_the_stock_radio_buttons(app, posted, kwargs):
    with app.test_request_context(method="POST", data=posted):
        fast, stock = (render_template_string(PAGE, form=_form(cls, **kwargs)) for cls in (TimesField, RadioField))
    assert fast == stock
    checked = [tag for tag in fast.split("<input")[1:] if " checked" in tag.split(">")[0] or tag.startswith(" checked")]
    assert all('id="slot-1"' in tag for tag in checked) and bool(checked) == (posted.get("slot") == "7")
    assert "&lt;b&gt;" in fast and "<b>" not in fast


def test_the_booking_form_uses_the_times_field():
    assert BookForm.slot.field_class is TimesField
