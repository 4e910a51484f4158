import time

import pytest

from dialogue.core import cache
from dialogue.extensions import db
from tests.conftest import TEST_PASSWORD


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


def test_a_remember_me_cookie_alone_never_gets_the_anonymous_page(app, make_user, make_event):
    make_user(email="erik@malmo.example.org")
    event = make_event(title="Nordic Forum")
    path = f"/events/{event.slug}"
    app.test_client().get(path)
    assert app.test_client().get(path).headers["X-Cache"] == "hit"  # kept for anonymous visitors
    browser = app.test_client()
    browser.post("/login", data={"email": "erik@malmo.example.org", "password": TEST_PASSWORD, "remember": "y"})
    returning = app.test_client()  # the browser came back: its session cookie is gone, the remember cookie not
    returning.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    page = returning.get(path)
    assert "X-Cache" not in page.headers and 'action="/logout"' in page.get_data(as_text=True)


def test_each_language_and_query_is_a_page_of_its_own(app, make_event):
    event = make_event(title="Nordic Forum")
    path = f"/events/{event.slug}"
    assert 'lang="en"' in app.test_client().get(path).get_data(as_text=True)
    chose_finnish = app.test_client()
    chose_finnish.set_cookie("lang", "fi")  # the header's language switch
    first, again = chose_finnish.get(path), chose_finnish.get(path)
    assert "X-Cache" not in first.headers and 'lang="fi"' in first.get_data(as_text=True)
    assert again.headers["X-Cache"] == "hit" and 'lang="fi"' in again.get_data(as_text=True)
    browser_in_finnish = app.test_client().get(path, headers={"Accept-Language": "fi-FI, en;q=0.5"})
    assert browser_in_finnish.headers["X-Cache"] == "hit" and 'lang="fi"' in browser_in_finnish.get_data(as_text=True)
    unknown = app.test_client()
    unknown.set_cookie("lang", "xx")
    assert 'lang="en"' in unknown.get(path).get_data(as_text=True)
    assert "X-Cache" not in app.test_client().get(path + "?from=newsletter").headers


@pytest.fixture
def another_app(app):
    """``another_app(**settings)``: one more app instance on the test's database (another worker or host);
    its connections are closed afterwards."""
    from dialogue import create_app

    made = []

    def make(**settings):
        from sqlalchemy.pool import NullPool

        # No pool: each connection closes when its request ends, none is left open after the test.
        made.append(create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}, **settings}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


# --- fragments and versions ---------------------------------------------------------------------------

def test_a_fragment_is_reused_until_a_scope_it_names_moves(app):
    built = []

    def build():
        built.append(1)
        return f"<p>built {len(built)}</p>"

    with app.app_context(), app.test_request_context("/"):  # a request of its own, as in production
        assert cache.fragment("test/x", [("thing", 1)], build) == "<p>built 1</p>"
        assert cache.fragment("test/x", [("thing", 1)], build) == "<p>built 1</p>"
        assert cache.fragment("test/x", [("thing", 1)], build, audience=("organiser",)) == "<p>built 2</p>"
        cache.bump(("thing", 2))  # another scope: nothing to rebuild
        assert cache.fragment("test/x", [("thing", 1)], build) == "<p>built 1</p>"
        cache.bump(("thing", 1))
        assert cache.fragment("test/x", [("thing", 1)], build) == "<p>built 3</p>"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "fi"}):
        assert cache.fragment("test/x", [("thing", 1)], build) == "<p>built 4</p>"  # another language


def test_kept_data_is_read_once_per_version_language_and_audience(app, another_app):
    reads = []

    def read():
        reads.append(1)
        return (len(reads), "ten o'clock")

    with app.app_context(), app.test_request_context("/"):
        first = cache.kept("test/x", [("thing", 1)], read)
        assert first == (1, "ten o'clock")
        assert cache.kept("test/x", [("thing", 1)], read) is first  # the very value: no encoding, no copy
        assert cache.kept("test/x", [("thing", 1)], read, audience=(7,))[0] == 2
        cache.bump(("thing", 2))  # another scope: nothing to read again
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 1
    with app.app_context(), app.test_request_context("/"):
        cache.bump(("thing", 1))
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 3
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "fi"}):
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 4  # another language
    with app.app_context(), app.test_request_context("/"):
        cache.clear()
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 5
    # Each process keeps its own copy, but a change made through one moves the other's too.
    other = another_app()
    with other.app_context(), other.test_request_context("/"):
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 6
        cache.bump(("thing", 1))
    with app.app_context(), app.test_request_context("/"):
        assert cache.kept("test/x", [("thing", 1)], read)[0] == 7


def test_versions_move_after_a_commit_of_a_watched_row_and_not_after_a_rollback(app, make_event):
    event = make_event()
    scope = [("event", event.id)]

    def current():
        with app.test_request_context("/"):
            return cache.versions(scope)

    before = current()
    event.title = "Changed, then rolled back"
    db.session.flush()
    db.session.rollback()
    assert current() == before
    event.title = "Changed and committed"
    db.session.commit()
    after = current()
    assert after != before
    # A bulk update of a watched model cannot say which rows it touched: every fragment goes.
    from sqlalchemy import update

    from dialogue.models import Event

    db.session.execute(update(Event).where(Event.id == event.id).values(summary="bulk"))
    db.session.commit()
    assert current()[0] != after[0]


def test_the_version_files_are_shared_by_the_processes_of_one_machine(app, another_app, make_event):
    """Two workers (two apps here) without Redis: a change committed through one is seen by the other."""
    event = make_event()
    other = another_app()
    with other.test_request_context("/"):
        seen = cache.versions([("event", event.id)])
    event.title = "Moved"
    db.session.commit()
    with other.test_request_context("/"):
        assert cache.versions([("event", event.id)]) != seen


# --- Redis: several app machines ----------------------------------------------------------------------

def _redis_url() -> str:
    import os

    import redis

    url = os.environ.get("DIALOGUE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("DIALOGUE_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (DIALOGUE_REQUIRE_REDIS) but not reachable at {url}: {exc}")
        pytest.skip(f"Redis not reachable at {url}")
    return url


@pytest.fixture
def two_hosts(another_app):
    """Two app instances on one database and one Redis, as on two machines."""
    import uuid

    settings = {"REDIS_URL": _redis_url(), "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
                "PUBLIC_PAGE_CACHE_SECONDS": 10}
    host_a, host_b = another_app(**settings), another_app(**settings)
    yield host_a, host_b
    with host_a.app_context():
        cache.clear()  # the test's keys in Redis


def test_a_change_through_one_host_is_seen_through_the_other(two_hosts, make_event, make_user):
    import datetime as dt

    from dialogue.models import AgendaSession, SessionKind

    host_a, host_b = two_hosts
    event = make_event(title="Nordic Forum")
    session = AgendaSession(event=event, title="Opening of the forum", kind=SessionKind.OTHER,
                            starts_at=event.starts_at, ends_at=event.starts_at + dt.timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    path, session_id = f"/events/{event.slug}", session.id
    signed_in_b = host_b.test_client()
    with signed_in_b.session_transaction() as browser:
        browser["_user_id"] = make_user().get_id()
    assert "Opening of the forum" in signed_in_b.get(path).get_data(as_text=True)  # B builds the agenda
    assert isinstance(host_b.extensions["dialogue_cache"], cache.RedisBackend)

    db.session.commit()  # the test's own session holds no transaction while host A writes
    with host_a.test_request_context("/"):  # the change is made and committed on A
        db.session.get(AgendaSession, session_id).title = "Opening talks"
        db.session.commit()
    assert "Opening talks" in signed_in_b.get(path).get_data(as_text=True)

    # Anonymous pages: kept once for both hosts.
    first = host_a.test_client().get(path)
    assert first.status_code == 200 and "X-Cache" not in first.headers
    from_b = host_b.test_client().get(path)
    assert from_b.headers.get("X-Cache") == "hit" and from_b.get_data() == first.get_data()


def test_a_fragment_built_on_one_host_is_reused_by_the_other(two_hosts):
    host_a, host_b = two_hosts
    built = []
    for host in (host_a, host_b, host_a):
        with host.test_request_context("/"):
            cache.fragment("test/shared", [("thing", 7)], lambda: built.append(1) or "<p>x</p>")
    assert len(built) == 1
    with host_b.test_request_context("/"):
        cache.bump(("thing", 7))
    with host_a.test_request_context("/"):
        cache.fragment("test/shared", [("thing", 7)], lambda: built.append(1) or "<p>x</p>")
    assert len(built) == 2


def test_a_host_keeps_its_own_copy_of_a_shared_fragment_until_the_version_moves(two_hosts, monkeypatch):
    host_a, host_b = two_hosts
    asked = []
    shared = host_b.extensions["dialogue_cache"]
    ask = shared.get
    monkeypatch.setattr(shared, "get", lambda key: asked.append(key) or ask(key))

    def show(host):
        with host.test_request_context("/"):
            return str(cache.fragment("test/near", [("thing", 8)], lambda: f"<p>{host.name} {len(asked)}</p>"))

    first = show(host_a)
    assert show(host_b) == first and len(asked) == 1  # B found A's fragment in Redis
    assert show(host_b) == first and len(asked) == 1  # then its own copy: no round trip
    with host_a.test_request_context("/"):
        cache.bump(("thing", 8))  # a change through A
    assert show(host_b) != first and len(asked) == 2  # B's copy is under the old versions: not used


def test_pages_are_still_built_when_the_cache_server_is_unreachable(another_app, make_event):
    down = another_app(REDIS_URL="redis://127.0.0.1:1/0", PUBLIC_PAGE_CACHE_SECONDS=10)
    event = make_event(title="Nordic Forum")
    page = down.test_client().get(f"/events/{event.slug}")
    assert page.status_code == 200 and "Nordic Forum" in page.get_data(as_text=True)
    with down.test_request_context("/"):
        cache.bump(("event", event.id))  # logged, never raised: the change it follows is committed already
