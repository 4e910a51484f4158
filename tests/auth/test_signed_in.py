"""The signed-in person is kept between requests, and every change to them, their membership or their
organisation shows on the very next page; the shared header never shows one person's things to another."""

import re

import pytest
from flask import url_for
from sqlalchemy import event

from dialogue.extensions import db
from dialogue.models import MemberRole, Organisation, User
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def statements(app):
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", count)


def _page(client, statements, path="/accessibility"):
    """A page that reads nothing but the person, seen by a request with a fresh session."""
    db.session.remove()
    statements.clear()
    response = client.get(path)
    return response, list(statements)


def _header(response) -> str:
    return re.search(r'<header class="site-header">.*?</header>', response.get_data(as_text=True), re.S).group()


def test_the_person_is_read_once_and_again_after_each_change(client, auth, make_org, make_user, statements):
    org = make_org(name="Malmö stad", slug="malmo")
    user = make_user(org, role=MemberRole.MEMBER)
    user_id, org_id = user.id, org.id
    auth.login(user)
    first, read = _page(client, statements)
    assert len(read) == 1 and "Malmö stad" in _header(first) and "Mail status" not in _header(first)
    again, read = _page(client, statements)
    assert read == [] and _header(again) == _header(first)

    steps = [
        (lambda: setattr(db.session.get(Organisation, org_id), "name", "Malmö kommun"),
         lambda header: "Malmö kommun" in header and "Malmö stad" not in header),
        (lambda: setattr(db.session.get(Organisation, org_id), "slug", "malmo-kommun"),
         lambda header: 'href="/organisations/malmo-kommun"' in header),
        (lambda: setattr(db.session.get(User, user_id), "is_admin", True),
         lambda header: "Mail status" in header),
        (lambda: db.session.delete(db.session.get(User, user_id).membership),
         lambda header: "Malmö" not in header and "Account" in header),
    ]
    for change, shows in steps:
        change()
        db.session.commit()
        response, read = _page(client, statements)
        assert len(read) == 1 and shows(_header(response)), _header(response)
        response, read = _page(client, statements)
        assert read == [] and shows(_header(response))


def test_a_kept_person_is_signed_out_at_once(client, auth, make_user, statements):
    user = make_user()
    user_id = user.id
    auth.login(user)
    assert _page(client, statements, "/account")[0].status_code == 200
    assert _page(client, statements, "/account")[0].status_code == 200
    db.session.get(User, user_id).session_version += 1
    db.session.commit()
    response, _read = _page(client, statements, "/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_erased_person_is_signed_out_at_once(client, auth, make_user, statements):
    user = make_user()
    user_id = user.id
    auth.login(user)
    assert _page(client, statements, "/account")[0].status_code == 200
    db.session.delete(db.session.get(User, user_id))
    db.session.commit()
    response, _read = _page(client, statements, "/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_kept_person_behaves_as_a_loaded_one(app, client, auth, make_user):
    user = make_user(locale="en")
    user_id = user.id
    auth.login(user)
    client.get("/accessibility")
    db.session.remove()
    # Saving the language changes the kept person's row.
    assert client.post("/language", data={"code": "fi", "next": "/"}).status_code == 303
    db.session.remove()
    assert db.session.get(User, user_id).locale == "fi"
    assert '<html lang="fi">' in client.get("/accessibility").get_data(as_text=True)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    db.session.remove()
    # The password hash is not kept: it is read when the change checks the current password.
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                                      "password": "plenty of new words",
                                                      "password_confirm": "plenty of new words"})
    assert response.status_code == 303
    db.session.remove()
    assert client.get("/account").status_code == 200
    db.session.remove()
    assert copy.get("/account").status_code == 302


def test_the_header_belongs_to_its_reader(app, make_org, make_user):
    first = make_user(make_org(name="Helsingin kaupunki", slug="helsinki")).get_id()
    second = make_user(make_org(name="Circular Computing", slug="circular"), admin=True).get_id()
    pages = {}
    for user in (first, second, first):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user
        db.session.remove()
        pages.setdefault(user, []).append(_header(client.get("/intents")))
    one, two = pages[first], pages[second]
    without_tokens = [re.sub(r'name="csrf_token" value="[^"]+"', "", header) for header in one]
    assert without_tokens[0] == without_tokens[1] and "Helsingin kaupunki" in one[0] and "Circular" not in one[0]
    assert "Mail status" not in one[0] and "Mail status" in two[0] and "Circular Computing" in two[0]
    assert 'href="/intents" aria-current="page"' in one[0]
    # Each carries its own CSRF token, never a kept one.
    tokens = [re.findall(r'name="csrf_token" value="([^"]+)"', header) for header in (one[0], two[0])]
    assert tokens[0] and tokens[1] and set(tokens[0]).isdisjoint(tokens[1])


def test_the_language_switch_returns_to_the_very_page(app, client):
    path = "/intents?q=a b&x='<\">&y=ü"
    page = client.get(path).get_data(as_text=True)
    with app.test_request_context(path):
        from flask import request

        here = request.full_path.rstrip("?")
        expected = url_for("main.language", code="sv", next=here)
    from markupsafe import escape

    assert f'<a href="{escape(expected)}" lang="sv"' in page
    assert 'value="en" lang="en"' not in page  # anonymous: links, not the signed-in form


def test_a_kept_person_is_read_again_after_a_while(client, auth, make_user, statements, monkeypatch):
    from dialogue.auth import signed_in

    auth.login(make_user())
    _page(client, statements)
    assert _page(client, statements)[1] == []
    monkeypatch.setattr(signed_in, "KEEP_SECONDS", -1)  # every kept person is already too old
    assert len(_page(client, statements)[1]) == 1
    assert len(_page(client, statements)[1]) == 1
