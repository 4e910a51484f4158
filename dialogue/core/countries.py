"""Countries by ISO 3166-1 alpha-2 code, named in the reader's language, and short URL names.

Shared by every feature that shows or checks a country (organisations, intents, profiles), so none
of them needs another feature for it.
"""

from __future__ import annotations

import re
import unicodedata

import pycountry
from flask_babel import get_locale
from flask_babel import gettext as _

from dialogue.core.errors import DialogueError


def _territory_names() -> dict[str, str]:
    """Country names in the current language; English keeps the ISO 3166 names."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return {}
    return locale.territories


def country_choices() -> list[tuple[str, str]]:
    names = _territory_names()
    return sorted(((c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries),
                  key=lambda pair: pair[1])


def country_name(code: str | None) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return _territory_names().get(country.alpha_2, country.name) if country else (code or "")


def validate_country(code: str, field: str = "country") -> str:
    code = (code or "").strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise DialogueError(_("Choose a country from the list."), field=field)
    return code


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "org"
