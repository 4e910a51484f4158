"""The language switch in every page's header: named in itself, remembered, saved when signed in."""

import re

from dialogue.extensions import db
from dialogue.models import User

LANGUAGES = {"en": "English", "fi": "Suomi", "sv": "Svenska", "da": "Dansk", "nb": "Norsk bokmål"}


def test_every_page_offers_each_language_named_in_itself(client):
    page = client.get("/intents").get_data(as_text=True)
    for code, name in LANGUAGES.items():
        assert re.search(rf'<a href="/language/{code}\?next=/intents" lang="{code}" hreflang="{code}"[^>]*>{name}</a>',
                         page), code
    assert 'lang="en" hreflang="en" aria-current="true"' in page


def test_an_anonymous_choice_is_remembered_by_this_browser(client):
    response = client.get("/language/fi?next=/intents")
    assert response.status_code == 303 and response.headers["Location"].endswith("/intents")
    assert "lang=fi" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fi">' in page and "Tulevat tapahtumat" in page
    # the browser's own preference no longer overrides the choice
    assert "Tulevat tapahtumat" in client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)


def test_the_switch_never_sends_anyone_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.get("/language/sv", query_string={"next": target})
        assert response.status_code == 303 and response.headers["Location"] in ("/", "http://localhost/"), target


def test_a_language_that_is_not_offered_is_not_found(client):
    assert client.get("/language/de").status_code == 404
    assert client.get("/language/..").status_code == 404


def test_a_signed_in_choice_is_saved_to_the_profile(client, auth, make_user):
    user = make_user(locale="en")
    auth.login(user)
    page = client.get("/intents").get_data(as_text=True)
    assert 'action="/language"' in page and 'name="code" value="sv" lang="sv"' in page
    response = client.post("/language", data={"code": "sv", "next": "/intents"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/intents")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "sv"
    assert "Kommande evenemang" in client.get("/").get_data(as_text=True)
    assert client.post("/language", data={"code": "xx"}).status_code == 404
    assert db.session.get(User, user.id).locale == "sv"


def test_saving_a_language_needs_an_account(client):
    response = client.post("/language", data={"code": "fi"})
    assert response.status_code in (302, 303, 401) and "lang=fi" not in response.headers.get("Set-Cookie", "")


def test_a_control_character_in_next_is_refused_not_a_crash(client):
    response = client.get("/language/fi?next=/%0d%0aX-Injected:%201")
    assert response.status_code == 303 and "X-Injected" not in response.headers
