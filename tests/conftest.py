"""Fixtures shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when DIALOGUE_TEST_DATABASE_URL is set.
The schema is created once per session; each test starts from empty tables.
"""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from dialogue import create_app
from dialogue.config import normalise_database_url
from dialogue.core.databases import temporary_database  # noqa: F401  (used by test modules)
from dialogue.extensions import db
from dialogue.models import MemberRole, OrganisationKind

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
TEST_PASSWORD = "correct horse battery"


def shared_data(relative: str) -> Path:
    """A reference file from ../shared/data; skipped on a fresh clone, a failure in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        if os.environ.get("DIALOGUE_REQUIRE_SHARED_DATA"):
            pytest.fail(f"reference data missing: {path}")
        pytest.skip(f"reference data not present: {path}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client(FlaskClient):
    """Each request gets its own app context and database session, as in production.

    Before a request the test's own session is committed, so what the test set up is visible
    to the request and the test's next read sees what the request committed.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            db.session.commit()
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DIALOGUE_TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


def base_config(database_url: str, tmp_path: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 9,  # nothing listens: delivery tests start their own SMTP server
        "MAIL_SUPPRESS_SEND": False,
        "BASE_URL": "http://dialogue.test",
        "PUBLIC_PAGE_CACHE_SECONDS": 0,  # tests see every change at once; the cache has its own test
    }


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # A clean slate even when an earlier run, on another version of the schema, left tables.
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def config_overrides() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_url, _schema, tmp_path, config_overrides):
    app = create_app({**base_config(database_url, tmp_path), **config_overrides})
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


def keep_signed_in(client) -> None:
    """Have the signed-in person read and kept (``dialogue.auth.signed_in``) by a page that shows
    nothing else, so a count of the statements of the page that follows leaves the person out."""
    assert client.get("/accessibility").status_code == 200
_password_hash: dict[str, str] = {}


def password_hash() -> str:
    if "h" not in _password_hash:
        from dialogue.auth.services import hash_password

        _password_hash["h"] = hash_password(TEST_PASSWORD)
    return _password_hash["h"]


@pytest.fixture
def make_org(app):
    from dialogue.models import Organisation, OrganisationKind

    def make(**overrides) -> Organisation:
        n = next(_counter)
        values = {"name": f"Organisation {n}", "slug": f"org-{n}", "kind": OrganisationKind.PUBLIC_BUYER,
                  "country": "FI"}
        values.update(overrides)
        org = Organisation(**values)
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_user(app, make_org):
    from dialogue.models import MemberRole, Membership, User, utcnow

    def make(org=None, *, role=MemberRole.MEMBER, verified=True, admin=False, with_org=True,
             **overrides) -> User:
        n = next(_counter)
        values = {"email": f"person{n}@example.org", "name": f"Person {n}", "password_hash": password_hash(),
                  "email_verified_at": utcnow() if verified else None, "is_admin": admin}
        values.update(overrides)
        user = User(**values)
        db.session.add(user)
        if org is None and with_org:
            org = make_org()
        if org is not None:
            db.session.add(Membership(user=user, organisation=org, role=role))
        db.session.commit()
        return user

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user) -> None:
        """Sign in by the session cookie, as Flask-Login would after a real log-in."""
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    def login_form(self, email: str, password: str = TEST_PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def outbox(app):
    """Read the outbox rows as a test would read a mailbox."""
    from sqlalchemy import select

    from dialogue.models import OutboxMessage

    def read(category: str | None = None, to: str | None = None):
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if category:
            query = query.where(OutboxMessage.category == category)
        messages = list(db.session.scalars(query))
        if to:
            messages = [m for m in messages if to.lower() in m.recipients]
        return messages

    return read


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port; yields the list of received messages."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(envelope.original_content, policy=policy.default)
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": msg})
            return "250 Message accepted for delivery"

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


def postgres_only(is_postgres: bool) -> None:
    """For tests that prove row locking or true concurrency: PostgreSQL is the production database."""
    if not is_postgres:
        pytest.skip("runs against PostgreSQL (set DIALOGUE_TEST_DATABASE_URL)")


@pytest.fixture
def make_event(app, make_org, make_user):
    """An event co-hosted by a public buyer; ``organiser`` (a user) gets the organiser role."""
    import datetime as dt

    from dialogue.models import Event, EventCoHost, EventStaff, EventStatus, StaffRole, utcnow

    def make(*, organiser=None, cohosts=(), **overrides) -> Event:
        n = next(_counter)
        start = (utcnow() + dt.timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        values = {"slug": f"event-{n}", "title": f"Market dialogue {n}", "summary": "Joint market dialogue",
                  "timezone": "Europe/Helsinki", "starts_at": start, "ends_at": start + dt.timedelta(hours=8),
                  "status": EventStatus.PUBLISHED, "languages": ["en"]}
        values.update(overrides)
        event = Event(**values)
        db.session.add(event)
        hosts = list(cohosts) or ([organiser.organisation] if organiser is not None and organiser.organisation
                                  else [make_org()])
        for org in hosts:
            event.cohosts.append(EventCoHost(organisation=org))
        if organiser is not None:
            event.staff.append(EventStaff(user=organiser, role=StaffRole.ORGANISER))
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_registration(app, make_user, make_org):
    from dialogue.models import OrganisationKind, ParticipantRole, Registration, RegistrationState, utcnow

    def make(event, user=None, *, role=ParticipantRole.SUPPLIER, state=RegistrationState.CONFIRMED,
             **overrides) -> Registration:
        if user is None:
            kind = {ParticipantRole.BUYER: OrganisationKind.PUBLIC_BUYER,
                    ParticipantRole.RESELLER: OrganisationKind.RESELLER,
                    ParticipantRole.OBSERVER: OrganisationKind.CIVIL_SOCIETY}.get(role, OrganisationKind.SUPPLIER)
            user = make_user(make_org(kind=kind))
        values = {"event": event, "user": user, "organisation": user.organisation, "role": role, "state": state,
                  "confirmed_at": utcnow() if state == RegistrationState.CONFIRMED else None}
        values.update(overrides)
        registration = Registration(**values)
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


# A public buyer with an admin, and a supplier and a reseller, for the features of planned tenders.
@pytest.fixture
def buyer_org(make_org):
    return make_org(name="City of Testholm", kind=OrganisationKind.PUBLIC_BUYER, country="FI")


@pytest.fixture
def staff(make_user, buyer_org):
    return make_user(buyer_org, role=MemberRole.ADMIN, name="Bea Buyer")


@pytest.fixture
def supplier(make_user, make_org):
    return make_user(make_org(name="Fair Devices Ltd", kind=OrganisationKind.SUPPLIER, country="SE"),
                     name="Sid Supplier")


@pytest.fixture
def reseller(make_user, make_org):
    return make_user(make_org(name="Nordic Resale AB", kind=OrganisationKind.RESELLER, country="SE"),
                     name="Rita Reseller")


@pytest.fixture
def make_intent(app, make_org):
    """An announced intent of a public buyer (laptops, CPV 30213100-6 by default)."""
    import datetime as dt
    from decimal import Decimal

    from dialogue.models import Intent, IntentStatus, ProcedureType, utcnow

    def make(buyer=None, **overrides) -> Intent:
        n = next(_counter)
        values = {"buyer": buyer or make_org(), "title": f"ICT equipment tender {n}",
                  "description": "Laptops for staff", "cpv_main": "30213100-6",
                  "estimated_value": Decimal("2000000"), "currency": "EUR",
                  "procedure_type": ProcedureType.OPEN,
                  "planned_notice_date": (utcnow() + dt.timedelta(days=120)).date(),
                  "status": IntentStatus.ANNOUNCED, "announced_at": utcnow()}
        values.update(overrides)
        intent = Intent(**values)
        db.session.add(intent)
        db.session.commit()
        return intent

    return make

