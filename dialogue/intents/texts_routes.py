"""A planned tender's title and description in further languages, given by its buyer's staff."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from dialogue.i18n.pages import texts_page
from dialogue.intents import bp
from dialogue.intents.access import get_intent_or_404, require_buyer_staff


@bp.route("/intents/<int:intent_id>/texts", defaults={"locale": None})
@bp.route("/intents/<int:intent_id>/texts/<locale>", methods=["GET", "POST"])
@login_required
def texts(intent_id: int, locale: str | None):
    intent = get_intent_or_404(intent_id, current_user)
    require_buyer_staff(intent, current_user)
    return texts_page(intent, locale, template="intents/texts.html", intent=intent,
                      to=url_for("intents.texts", intent_id=intent_id, locale=locale or "en"))
