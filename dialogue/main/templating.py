"""The parts every page shares: the links in the head, the site header and the footer.

They are the same for everyone who reads the same language with the same rights, so each is rendered
once per language and audience and kept in this process; every request then fills in only what is its
own: the CSRF token, its own address (for the language switch) and the person's organisation (its
name and address, escaped as the template would). The audience names all else the header shows of
the person (signed in, an administrator, with an organisation or without), so a kept header only
ever goes to someone it was rendered for. A crowd of people from different organisations signing in
at once (a booking window opening) thus shares one header instead of rendering one each.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from dialogue.main import bp
from dialogue.main.language_routes import offered_languages

# Main navigation: (endpoint, label). A feature's entry shows once its blueprint is registered.
NAV_ITEMS = [
    ("main.home", _l("Events")),
    ("events.mine", _l("My events")),
    ("intents.index", _l("Planned tenders")),
    ("groups.index", _l("Buyer groups")),
    ("meetings.my_agenda", _l("My meetings")),
    ("organisations.directory_index", _l("Directory")),
]
# The pages the header marks as the current one (aria-current).
MARKED_ENDPOINTS = frozenset(endpoint for endpoint, _label in NAV_ITEMS) | {"auth.account"}
MAX_KEPT = 512

# Stand-ins for what differs from request to request, replaced in the kept HTML. Letters only: they
# come out of url_for and escaping unchanged, and no label or address contains them.
_CSRF, _HERE, _HERE_IN_QUERY = "dlgpieceCSRF", "dlgpieceHERE", "dlgpieceHEREQ"
_ORG_SLUG, _ORG_NAME = "dlgpieceORGSLUG", "dlgpieceORGNAME"
_STAND_INS = re.compile(f"{_HERE_IN_QUERY}|{_HERE}|{_CSRF}|{_ORG_SLUG}|{_ORG_NAME}")
# What url_for leaves unquoted in a query value (werkzeug's urlencode).
_QUERY_SAFE = "!$'()*,/:;?@"


def _nav_items() -> list:
    return [(endpoint, label) for endpoint, label in NAV_ITEMS if endpoint in current_app.view_functions]


def _audience() -> tuple:
    """(signed in, an administrator, with an organisation): all the kept header depends on."""
    if not current_user or not current_user.is_authenticated:
        return (False, False, False)
    return (True, bool(current_user.is_admin), current_user.organisation is not None)


def _render(name: str, locale: str, audience: tuple, here_endpoint: str | None) -> str:
    signed_in, is_admin, has_organisation = audience
    template = current_app.jinja_env.get_template(f"_site_{name}.html")
    return template.render(nav_items=_nav_items(), languages=offered_languages(), locale=locale,
                           signed_in=signed_in, is_admin=is_admin,
                           organisation=(_ORG_SLUG, _ORG_NAME) if has_organisation else None,
                           here_endpoint=here_endpoint, csrf=_CSRF, here=_HERE, here_in_query=_HERE_IN_QUERY)


def site_piece(name: str) -> Markup:
    """``head``, ``header`` or ``footer`` of the page, for this request."""
    locale = str(get_locale() or "en")
    if name == "header":
        audience = _audience()
        here_endpoint = request.endpoint if request.endpoint in MARKED_ENDPOINTS else None
    else:
        audience, here_endpoint = (False, False, False), None
    key = (name, locale, request.script_root, audience, here_endpoint)
    kept = current_app.extensions.setdefault("dialogue_site_pieces", {})
    html = kept.get(key)
    if html is None:
        html = _render(name, locale, audience, here_endpoint)
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = html
    if name != "header":
        return Markup(html)
    here = request.full_path.rstrip("?")
    own = {_CSRF: generate_csrf() if audience[0] else "", _HERE: str(escape(here)),
           _HERE_IN_QUERY: str(escape(quote_plus(here, safe=_QUERY_SAFE)))}
    if audience[2]:
        organisation = current_user.organisation
        own[_ORG_SLUG] = str(escape(quote(organisation.slug, safe="")))
        own[_ORG_NAME] = str(escape(organisation.name))
    return Markup(_STAND_INS.sub(lambda found: own[found.group()], html))


@bp.app_context_processor
def site_pieces():
    return {"site_piece": site_piece}
