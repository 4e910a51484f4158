from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
LOCALES = ("fi", "sv", "da", "nb")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "lazy_pgettext": ((1, "c"), 2),
            "_p": ((1, "c"), 2), "deferred": None, "ndeferred": (1, 2)}


def extract() -> Catalog:
    """Every translatable message in dialogue/ and templates/ (patterns in dialogue/babel.cfg)."""
    with open(PACKAGE / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    for pattern in list(options_map):
        options_map[pattern] = {**options_map[pattern], "extensions": "jinja2.ext.i18n",
                                "trimmed": "true"} if pattern.startswith("templates") else options_map[pattern]
    catalog = Catalog(project="Dialogue", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    with open(po_path(locale), "rb") as fh:
        return read_po(fh, locale=locale)


def update() -> dict[str, int]:
    """Merge newly extracted messages into each catalogue; returns untranslated counts."""
    template = extract()
    missing = {}
    for locale in LOCALES:
        path = po_path(locale)
        if path.exists():
            catalog = load(locale)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, project="Dialogue", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, ignore_obsolete=True)
        missing[locale] = sum(1 for m in catalog if m.id and not m.string)
    return missing


def compile_all() -> None:
    for locale in LOCALES:
        catalog = load(locale)
        with open(po_path(locale).with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog)
