"""The event's and its agenda's texts in the further languages the event is held in."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from dialogue.core.actions import form_page
from dialogue.events import bp
from dialogue.events.access import organiser_event_or_404
from dialogue.i18n import LANGUAGE_NAMES
from dialogue.i18n.forms import texts_form
from dialogue.i18n.texts import further_languages, save_texts, texts_of
from dialogue.models import Event


@bp.get("/events/<slug>/texts")
@login_required
def texts_index(slug: str):
    event = organiser_event_or_404(slug)
    return render_template("events/texts.html", event=event, languages=further_languages(event), locale=None,
                           names=LANGUAGE_NAMES)


@bp.route("/events/<slug>/texts/<locale>", methods=["GET", "POST"])
@login_required
def texts(slug: str, locale: str):
    event = organiser_event_or_404(slug, selectinload(Event.sessions))
    languages = further_languages(event)
    if locale not in languages:
        abort(404)
    form = texts_form(event)()

    def page():
        return render_template("events/texts.html", event=event, languages=languages, locale=locale, form=form,
                               names=LANGUAGE_NAMES)

    return form_page(lambda: save_texts(event, locale, form.values()), form=form, page=page,
                     fill=lambda: form.fill(texts_of(event, locale)),
                     to=url_for("events.texts", slug=slug, locale=locale),
                     success=_("The texts in %(language)s are saved.", language=LANGUAGE_NAMES[locale]))
