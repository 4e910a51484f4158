"""The language switch in every page's header.

A choice is a link, not a form, so public pages stay cacheable and carry no CSRF token: following it
sets a long-lived cookie that the locale selector reads after the account's own setting. Signed-in
people change their saved language with the small form beside it, which posts to ``main.set_language``
and saves it to their profile; the cookie follows, so the choice holds after signing out.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request
from flask_login import current_user, login_required

from dialogue.auth.services import choose_language
from dialogue.core.actions import perform
from dialogue.core.urls import safe_next
from dialogue.i18n import LANGUAGE_NAMES
from dialogue.main import bp

COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600



def offered_languages() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]


def _remember(response, code: str):
    response.set_cookie(COOKIE, code, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", True))
    return response


def _checked(code: str) -> str:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    return code


@bp.get("/language/<code>")
def language(code: str):
    """Choose a language for this browser; a signed-in person's saved language is changed by POST."""
    code = _checked(code)
    return _remember(redirect(safe_next(request.args.get("next")), 303), code)


@bp.post("/language")
@login_required
def set_language():
    """Save the language (the button pressed) to the signed-in person's profile, and remember it here."""
    code = _checked(request.form.get("code", ""))
    response = perform(lambda: choose_language(current_user, code), to=safe_next(request.form.get("next")))
    return _remember(response, code)
