"""A planned tender's title and description in further languages, given by its buyer's staff."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_page
from dialogue.i18n import LANGUAGE_NAMES
from dialogue.i18n.forms import texts_form
from dialogue.i18n.texts import further_languages, save_texts, texts_of
from dialogue.intents import bp
from dialogue.intents.access import get_intent_or_404, require_buyer_staff


@bp.route("/intents/<int:intent_id>/texts", defaults={"locale": None})
@bp.route("/intents/<int:intent_id>/texts/<locale>", methods=["GET", "POST"])
@login_required
def texts(intent_id: int, locale: str | None):
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    languages = further_languages(intent)
    if locale is None:
        return render_template("intents/texts.html", intent=intent, languages=languages, locale=None,
                               names=LANGUAGE_NAMES)
    if locale not in languages:
        abort(404)
    form = texts_form(intent)()

    def page():
        return render_template("intents/texts.html", intent=intent, languages=languages, locale=locale, form=form,
                               names=LANGUAGE_NAMES)

    return form_page(lambda: save_texts(intent, locale, form.values()), form=form, page=page,
                     fill=lambda: form.fill(texts_of(intent, locale)),
                     to=url_for("intents.texts", intent_id=intent_id, locale=locale),
                     success=_("The texts in %(language)s are saved.", language=LANGUAGE_NAMES[locale]))
