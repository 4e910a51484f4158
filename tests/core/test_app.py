import pytest
from flask import abort

from dialogue import create_app
from dialogue.extensions import db
from dialogue.models import Organisation, User


def test_security_headers_and_cookie_flags(app, client, make_user):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    secure = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["SESSION_COOKIE_HTTPONLY"] is True
    assert secure.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_every_post_endpoint_refuses_a_missing_csrf_token(app, client, auth, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(make_user(admin=True))
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.build({arg: ("1" if arg.endswith("id") else "x") for arg in rule.arguments},
                         append_unknown=False)[1]
        response = client.post(url, data={})
        assert response.status_code == 400, rule.rule
        assert "form expired" in response.get_data(as_text=True), rule.rule
        checked += 1
    assert checked >= 8


def test_error_pages_are_readable_and_roll_back(app, client):
    @app.get("/_boom")
    def boom():
        db.session.add(Organisation(name="Half", slug="half", kind="other", country="FI"))
        db.session.flush()
        raise RuntimeError("secret internals")

    @app.get("/_forbidden")
    def forbidden():
        abort(403)

    response = client.get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret internals" not in body and "Traceback" not in body
    assert db.session.query(Organisation).count() == 0
    assert client.get("/_forbidden").status_code == 403
    assert "Page not found" in client.get("/no/such/page").get_data(as_text=True)


def test_oversized_request_gets_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)


def test_secret_key_is_generated_once_and_kept(tmp_path):
    from pathlib import Path

    from dialogue.config import persistent_secret_key

    first = persistent_secret_key(Path(tmp_path))
    assert len(first) > 40
    assert persistent_secret_key(Path(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_demo_is_idempotent_and_creates_one_login_per_role(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    users = db.session.query(User).count()
    orgs = db.session.query(Organisation).count()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert db.session.query(User).count() == users
    assert db.session.query(Organisation).count() == orgs
    for role in ("admin", "organiser", "buyer", "supplier", "reseller", "observer"):
        assert role in first.output
    names = {o.name for o in db.session.query(Organisation)}
    assert {"City of Helsinki", "City of Malmö", "City of Oslo", "City of Copenhagen", "Circular Computing",
            "Electronics Watch", "Aalborg Municipality", "APUC Scotland"} <= names


def test_create_admin_command(app, runner):
    result = runner.invoke(args=["create-admin", "Root@Example.org", "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).one()
    assert user.is_admin and user.email == "root@example.org"
    weak = runner.invoke(args=["create-admin", "other@example.org", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output


@pytest.mark.parametrize("url", ["/", "/login", "/signup", "/reset", "/accessibility"])
def test_public_pages_have_landmarks_and_a_skip_link(client, url):
    html = client.get(url).get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html and 'aria-label="Main"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_the_site_icon_is_served_where_browsers_look_for_it(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_a_page_with_many_forms_repeats_no_id(client, auth, make_user, make_event):
    import re
    from collections import Counter

    organiser = make_user()
    event = make_event(organiser=organiser)
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/manage").get_data(as_text=True)
    assert page.count('name="csrf_token"') > 4
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]
    assert not repeated, repeated
