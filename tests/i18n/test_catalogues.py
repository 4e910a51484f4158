"""Every catalogue is complete: every message in code and templates has a translation, in each language
the header offers."""

import re

import pytest
from babel.messages.mofile import read_mo

from dialogue.i18n import catalogues

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]")


@pytest.fixture(scope="module")
def extracted():
    return catalogues.extract()


@pytest.mark.parametrize("locale", catalogues.LOCALES)
def test_every_message_is_translated_with_its_placeholders(extracted, locale):
    catalogue = catalogues.load(locale)
    missing, broken = [], []
    for message in extracted:
        if not message.id:
            continue
        translated = catalogue.get(message.id, context=message.context)
        strings = translated.string if translated is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or "fuzzy" in translated.flags:
            missing.append(message.id)
            continue
        source = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        target = " ".join(strings) if isinstance(strings, tuple) else strings
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            broken.append(message.id)
    assert not missing, f"{len(missing)} message(s) without a {locale} translation, e.g. {missing[:5]} " \
                        "(run: flask --app wsgi translations update, translate, then compile)"
    assert not broken, f"placeholders differ in {broken[:5]}"


@pytest.mark.parametrize("locale", catalogues.LOCALES)
def test_compiled_catalogue_is_up_to_date(locale):
    # Compared message by message: the compiled file's bytes differ between Babel releases.
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    def messages(catalogue):
        return {(m.context, plain(m.id)): plain(m.string) for m in catalogue
                if m.id and m.string and all(plain(m.string)) and "fuzzy" not in m.flags}

    with catalogues.po_path(locale).with_suffix(".mo").open("rb") as compiled:
        assert messages(read_mo(compiled)) == messages(catalogues.load(locale)), \
            "run: flask --app wsgi translations compile"


def test_language_follows_the_person_then_the_browser_then_english(client, auth, make_user):
    assert "Upcoming events" in client.get("/").get_data(as_text=True)
    assert "Tulevat tapahtumat" in client.get("/", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Kommande evenemang" in client.get("/", headers={"Accept-Language": "sv,en;q=0.5"}).get_data(as_text=True)
    auth.login(make_user(locale="sv"))
    page = client.get("/", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Kommande evenemang" in page and '<html lang="sv">' in page


def test_dates_follow_the_locale(app):
    import datetime as dt

    from flask_babel import force_locale, format_date

    day = dt.date(2018, 10, 3)
    with app.test_request_context():
        with force_locale("fi"):
            finnish = format_date(day, "long")
        with force_locale("sv"):
            swedish = format_date(day, "long")
    assert "lokakuuta" in finnish and "oktober" in swedish


def test_every_offered_language_has_a_complete_catalogue(app):
    """The header offers every configured language; each must be one the catalogue test checks."""
    offered = set(app.config["LANGUAGES"]) - {"en"}
    assert offered <= set(catalogues.LOCALES), \
        f"offered without a catalogue: {sorted(offered - set(catalogues.LOCALES))}"
    for locale in offered:
        assert catalogues.po_path(locale).with_suffix(".mo").exists(), f"no compiled catalogue for {locale}"
