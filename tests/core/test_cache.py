import time

import pytest

from dialogue.core import cache
from dialogue.extensions import db


@pytest.fixture
def config_overrides():
    return {"PUBLIC_PAGE_CACHE_SECONDS": 10}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_public_pages_are_served_from_the_cache_for_a_few_seconds(client, auth, make_user, make_event,
                                                                            monkeypatch):
    event = make_event(title="Nordic Forum")
    first = client.get(f"/events/{event.slug}")
    assert first.status_code == 200 and "X-Cache" not in first.headers
    event.title = "Nordic Forum (moved)"
    db.session.commit()
    second = client.get(f"/events/{event.slug}")
    assert second.headers["X-Cache"] == "hit" and "Nordic Forum (moved)" not in second.get_data(as_text=True)
    assert second.headers["Content-Security-Policy"]  # security headers on cached pages too
    # Another language is another page.
    finnish = client.get(f"/events/{event.slug}", headers={"Accept-Language": "fi"})
    assert "X-Cache" not in finnish.headers
    # Signed-in people always see the current page.
    auth.login(make_user())
    assert "Nordic Forum (moved)" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    auth.logout()
    # After the lifetime the page is built again.
    later = time.monotonic() + 11
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    fresh = client.get(f"/events/{event.slug}")
    assert "X-Cache" not in fresh.headers and "Nordic Forum (moved)" in fresh.get_data(as_text=True)


def test_pages_that_set_a_cookie_or_fail_are_not_cached(app, client):
    @app.get("/_with_form")
    @cache.public_page
    def with_form():
        from flask import session

        session["csrf_token"] = "x"
        return "form"

    app.test_client().get("/_with_form")
    assert "X-Cache" not in app.test_client().get("/_with_form").headers  # a new visitor, no cookie
    client.get("/events/no-such-event")
    assert client.get("/events/no-such-event").status_code == 404
