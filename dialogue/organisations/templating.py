"""Template helpers for profiles and the directory: CPV labels, country names, labels in words."""

from __future__ import annotations

import datetime as dt

from flask import g

from dialogue.core.countries import country_name
from dialogue.intents import cpv
from dialogue.organisations import bp
from dialogue.organisations.labels import describe


@bp.app_template_global()
def cpv_label(code: str) -> str:
    """A CPV code's label; the labels of every code a page shows are read in one query per request."""
    cache = g.setdefault("_profile_cpv_labels", {})
    if code not in cache:
        cache.update(cpv.labels(set(g.get("_profile_cpv_wanted", ())) | {code}))
        cache.setdefault(code, "")
    return cache[code]


@bp.app_template_global()
def want_cpv_labels(codes) -> str:
    """Announce the codes a page will show, so ``cpv_label`` reads them all at once."""
    g._profile_cpv_wanted = set(g.get("_profile_cpv_wanted", ())) | set(codes)
    return ""


@bp.app_template_filter("country_name")
def country_name_filter(code: str | None) -> str:
    return country_name(code)


@bp.app_template_global()
def label_words(label) -> str:
    return describe(label)


@bp.app_template_global()
def label_is_valid(label) -> bool:
    return label.is_valid(dt.date.today())
