"""The message catalogue, found once per request and language instead of once per message.

flask-babel looks the catalogue up anew for every message it translates: the request's babel state
through ``g`` (three times), the domain, the locale, the locale's identifier written out as text,
then a dictionary. That is about ten microseconds a message, and a page shows a hundred of them
(every ``_()`` in a template, every lazy label). ``RequestDomain`` keeps the catalogue in the
request's babel state next to the locale it was found for; ``force_locale`` (a mail in its
recipient's language) puts another locale there, so the catalogue follows it and comes back after.

Templates take ``_()`` and ``ngettext`` from ``install_gettext``: Jinja's own newstyle wrappers around
the same catalogue, without flask-babel's look-ups in between and without formatting a message that
has no ``%`` and no variables (which would give the message itself).
"""

from __future__ import annotations

from flask import g
from flask_babel import Babel, Domain, get_translations
from jinja2 import Environment, pass_context
from markupsafe import Markup
from werkzeug.utils import cached_property


class RequestDomain(Domain):
    def get_translations(self):
        state = g.get("_flask_babel") if g else None
        kept = getattr(state, "dialogue_catalogue", None)
        if kept is not None and kept[0] is self and kept[1] is getattr(state, "babel_locale", None):
            return kept[2]
        translations = super().get_translations()
        state = g.get("_flask_babel") if g else None
        if state is not None and getattr(state, "babel_locale", None) is not None:
            state.dialogue_catalogue = (self, state.babel_locale, translations)
        return translations


class RequestBabel(Babel):
    """flask-babel with the catalogue kept per request (``RequestDomain``)."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


def catalogue():
    """The request's catalogue for its locale (flask-babel's ``get_translations``, found once)."""
    state = g.get("_flask_babel") if g else None
    kept = getattr(state, "dialogue_catalogue", None)
    if kept is not None and kept[0] is getattr(state, "babel_domain", None) \
            and kept[1] is getattr(state, "babel_locale", None):
        return kept[2]
    return get_translations()


@pass_context
def _gettext(context, string: str, **variables):
    rv = catalogue().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    # Jinja treats every message as a format string ("%%" is "%"); without a "%" that changes nothing.
    return rv % variables if variables or "%" in rv else rv


@pass_context
def _ngettext(context, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    rv = catalogue().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def install_gettext(env: Environment) -> None:
    """After flask-babel has set up the environment: ``_``/``gettext`` and ``ngettext`` through ``catalogue``."""
    env.globals.update(gettext=_gettext, ngettext=_ngettext)
