"""Races for places against a real server: gunicorn with several worker processes, on both databases.

Each person is a separate HTTP client with their own signed-in session; they fetch the form (and its
CSRF token) as a browser would, then all post their registrations to the same events at the same
time. However the requests interleave across the worker processes, no event may confirm more
people than it has places, and the waiting list holds everyone else in the order they got in.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogue import create_app
from dialogue.extensions import db
from dialogue.models import (
    Event,
    EventCoHost,
    EventStatus,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
    Registration,
    User,
    utcnow,
)
from tests.conftest import ROOT, free_port, temporary_database

EVENTS = 8
PEOPLE = 10
CAPACITY = 2
WORKERS = 4
SECRET = "race-test-secret"


@pytest.fixture
def race_database(tmp_path):
    url = os.environ.get("DIALOGUE_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'race.db'}"
        return
    with temporary_database(url, "dlg_race") as database:
        yield database


def _setup_app(database_url: str, tmp_path: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                       "UPLOAD_DIR": str(tmp_path / "uploads")})


@pytest.fixture
def world(race_database, tmp_path):
    """The schema, events of two places each and signed-in people (their session cookies)."""
    app = _setup_app(race_database, tmp_path)
    with app.app_context():
        db.create_all()
        host = Organisation(name="Host city", slug="host-city", kind=OrganisationKind.PUBLIC_BUYER, country="FI")
        start = (utcnow() + dt.timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        events = []
        for n in range(EVENTS):
            event = Event(slug=f"race-{n}", title=f"Market dialogue {n}", summary="Joint market dialogue",
                          timezone="Europe/Helsinki", starts_at=start, ends_at=start + dt.timedelta(hours=8),
                          status=EventStatus.PUBLISHED, languages=["en"], capacity=CAPACITY)
            event.cohosts.append(EventCoHost(organisation=host))
            db.session.add(event)
            events.append(event)
        people = []
        for n in range(PEOPLE):
            org = Organisation(name=f"Supplier {n}", slug=f"supplier-{n}", kind=OrganisationKind.SUPPLIER,
                               country="FI")
            user = User(email=f"racer{n}@example.org", name=f"Racer {n}", password_hash="not-used",
                        email_verified_at=utcnow())
            db.session.add_all([org, user, Membership(user=user, organisation=org, role=MemberRole.MEMBER)])
            people.append(user)
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": user.get_id(), "_fresh": True}) for user in people]
        slugs = [event.slug for event in events]
        db.session.remove()
        db.engine.dispose()
    return {"database": race_database, "slugs": slugs, "cookies": cookies, "app": app}


@pytest.fixture
def server(world, tmp_path):
    """gunicorn with several sync workers on a free port; always stopped afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": world["database"], "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", "MAIL_PORT": "9", "UPLOAD_DIR": str(tmp_path / "uploads"),
           "BASE_URL": f"http://127.0.0.1:{port}"}
    log_path = tmp_path / "gunicorn.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync", "--preload",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the answer itself (303) is what the test reads


class Browser:
    """One person: their own cookies, the form's CSRF token, requests without following redirects."""

    def __init__(self, base: str, session_cookie: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        host = urllib.parse.urlsplit(base).hostname
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, "session", session_cookie, None, False, host, False, False, "/", True, False, None, False,
            None, None, {}))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.token = None

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def fetch_form(self, slug: str) -> None:
        status, html = self.open(f"/events/{slug}/register?role=supplier")
        assert status == 200, html[:2000]
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def register(self, slug: str) -> int:
        status, _html = self.open(f"/events/{slug}/register", {"csrf_token": self.token, "role": "supplier"})
        return status


def test_concurrent_registrations_never_overbook(world, server):
    browsers = [Browser(server, cookie) for cookie in world["cookies"]]
    for browser in browsers:
        browser.fetch_form(world["slugs"][0])
    barrier = threading.Barrier(len(browsers))
    answers: dict[tuple[int, str], int] = {}
    errors: list[BaseException] = []

    def run(i: int, browser: Browser) -> None:
        try:
            barrier.wait(timeout=30)
            for slug in world["slugs"]:
                answers[i, slug] = browser.register(slug)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    # Everyone got in (a place or the waiting list); none saw an error page.
    assert sorted(set(answers.values())) == [303], answers

    with world["app"].app_context():
        try:
            for slug in world["slugs"]:
                event = db.session.scalar(select(Event).where(Event.slug == slug))
                rows = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)
                                               .order_by(Registration.id)))
                states = [r.state.value for r in rows]
                assert len(rows) == PEOPLE, slug
                assert states.count("confirmed") == CAPACITY, (slug, states)
                # First come, first served: the places went to the first two in, the rest wait in order.
                assert states == ["confirmed"] * CAPACITY + \
                    ["waitlisted"] * (PEOPLE - CAPACITY), (slug, states)
        finally:
            db.session.remove()
            db.engine.dispose()
