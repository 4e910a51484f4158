"""The page where an event's or a planned tender's texts are given in further languages."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _

from dialogue.core.actions import form_page
from dialogue.i18n import LANGUAGE_NAMES
from dialogue.i18n.forms import texts_form
from dialogue.i18n.texts import further_languages, save_texts, texts_of


def texts_page(owner, locale: str | None, *, template: str, to: str, **context):
    """The list of further languages, and with ``locale`` the form for that language (GET shows it,
    POST saves it). The caller has checked who is asking."""
    languages = further_languages(owner)
    shown = {"languages": languages, "locale": locale, "names": LANGUAGE_NAMES, **context}
    if locale is None:
        return render_template(template, **shown)
    if locale not in languages:
        abort(404)
    form = texts_form(owner)()
    return form_page(lambda: save_texts(owner, locale, form.values()), form=form,
                     page=lambda: render_template(template, form=form, **shown),
                     fill=lambda: form.fill(texts_of(owner, locale)), to=to,
                     success=_("The texts in %(language)s are saved.", language=LANGUAGE_NAMES[locale]))
