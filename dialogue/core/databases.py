"""How transactions take the database's write lock, and scratch PostgreSQL databases for tests.

The rules that count places (registration, promotion, bookings, acceptances, scheduler runs) read
what is free and then write. On PostgreSQL they lock the rows they count (``SELECT ... FOR UPDATE``,
READ COMMITTED takes a fresh snapshot per statement), so the reads that decide see every commit
before them.

SQLite has one lock for the whole database and no row locks. A transaction that reads first and
writes later would decide on a snapshot that another writer may have changed in between (WAL mode
keeps that old snapshot for it), and two of them could both see "one place left". Here is how the
SQLite connections are run instead (``install_sqlite_transactions``):

- pysqlite's own transaction handling is switched off (``isolation_level = None``) and we emit
  ``BEGIN`` ourselves, so savepoints (``begin_nested``) and migrations' DDL are real parts of
  the transaction.
- **On this engine, a database transaction is open only while it holds the write lock.** Every
  ``BEGIN`` is ``BEGIN IMMEDIATE``: it waits (``busy_timeout``) until no other writer is active,
  and from then on nobody else can commit until we do, so each read inside sees the latest data.
- A request whose method changes things (anything but GET, HEAD, OPTIONS) begins with
  ``BEGIN IMMEDIATE``: the whole POST, including the reads that decide, runs under the lock.
  SQLite runs one writer at a time anyway; this only moves the wait to the start.
- Elsewhere (GET pages, commands, workers) reads run on their own, each seeing the latest commit,
  and never wait: WAL readers do not block. The first statement that writes (or a savepoint) is
  preceded by ``BEGIN IMMEDIATE``, as pysqlite itself used to begin before the first write.
- ``hold_write_lock`` (what ``lock_row`` calls before places are counted) and
  ``write_transaction`` (for commands and workers that check then write) take the lock at once if
  the transaction does not hold it yet. Because an open transaction always holds the lock, this
  cannot be too late: everything read after it is current, and nothing can change until commit.

So no rule can count places on a stale snapshot: the worst a busy site sees is a wait, or after
``busy_timeout`` (10 s) a "database is locked" error and nothing written.
"""

from __future__ import annotations

import contextlib
import time
import uuid

from sqlalchemy import create_engine, event, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that may run outside a transaction on SQLite; anything else begins one first.
_READS = ("SELECT", "PRAGMA", "EXPLAIN")


def _request_writes() -> bool:
    from flask import has_request_context, request

    return has_request_context() and request.method not in READ_ONLY_METHODS


def install_idle_ping(engine: Engine, idle_seconds: float = 10.0) -> None:
    """Check a pooled connection with a round trip only when it has sat idle for ``idle_seconds``.

    ``pool_pre_ping`` pings on every checkout: one extra round trip per request, even for a
    connection handed back a millisecond ago. The connections that go stale (a database restart,
    a firewall dropping quiet connections) are the ones that sat in the pool; those are still
    pinged, and a dead one is replaced before the request gets it (``DisconnectionError`` makes
    the pool discard it and connect anew). A busy worker's connections skip the round trip.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection, record) -> None:
        record.info["dialogue_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["dialogue_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("dialogue_idle_since")
        if since is not None and time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError() from error
            raise


def install_sqlite_transactions(engine: Engine, busy_timeout_ms: int = 10_000) -> None:
    """Run the engine's SQLite connections as the module docstring describes."""

    @event.listens_for(engine, "connect")
    def sqlite_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say when a transaction begins
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def sqlite_begin(conn):
        dbapi_connection = conn.connection.dbapi_connection
        if _request_writes() and not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def sqlite_begin_before_write(conn, cursor, statement, parameters, context, executemany):
        if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        dbapi_connection = cursor.connection
        if not dbapi_connection.in_transaction and not statement.lstrip().upper().startswith(_READS):
            dbapi_connection.execute("BEGIN IMMEDIATE")


def hold_write_lock(session: Session) -> None:
    """Make sure the session's transaction holds the database's write lock from here to its end.

    PostgreSQL locks rows, not the database: nothing to do there (lock the rows you count). On
    SQLite an open transaction already holds the lock (see the module docstring); otherwise
    ``BEGIN IMMEDIATE`` takes it now, waiting for the current writer to finish.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def lock_row(instance, session: Session | None = None) -> None:
    """Hold the row of ``instance`` until the transaction ends: changes that count on it happen one at a time.

    PostgreSQL locks the row (``SELECT ... FOR UPDATE``); reads after the lock see what the previous
    holder committed (READ COMMITTED takes a new snapshot per statement). SQLite has no row locks:
    the transaction holds the database's write lock from here on (``hold_write_lock``), so no other
    writer commits in between and every read after it is current. The row's columns are reloaded.
    """
    if session is None:
        from dialogue.extensions import db

        session = db.session()
    mapper = sa_inspect(instance).mapper
    key = mapper.primary_key_from_instance(instance)
    match = (column == value for column, value in zip(mapper.primary_key, key, strict=True))
    query = select(mapper.class_).where(*match).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    else:
        hold_write_lock(session)
    session.scalars(query).one()


def holds_write_lock(session: Session) -> bool:
    """True when the session's SQLite transaction holds the write lock (always True elsewhere)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return True
    return connection.connection.dbapi_connection.in_transaction


def flush_unique(message: str, *rows, field: str | None = None) -> None:
    """Add ``rows`` and flush in a savepoint. When a unique index refuses (another request got there
    first, between our check and our write), only the savepoint is undone and the person is told
    ``message`` as a ``Conflict``: the index is the backstop of the rule the service checked."""
    from sqlalchemy.exc import IntegrityError

    from dialogue.core.errors import Conflict
    from dialogue.extensions import db

    try:
        with db.session.begin_nested():
            db.session.add_all(rows)
            db.session.flush()
    except IntegrityError:
        raise Conflict(message, field=field) from None


@contextlib.contextmanager
def write_transaction(session: Session | None = None):
    """Run the block in one transaction that holds the write lock from its first statement.

    For commands and workers that read, decide and write. Commits when the block ends, rolls back
    if it raises. The session must have no transaction open: what it read before would predate
    the lock (commit or roll back first).
    """
    if session is None:
        from dialogue.extensions import db

        session = db.session()  # the request's or app context's own Session, not the registry
    if session.in_transaction():
        raise RuntimeError("write_transaction() needs a session with no open transaction")
    with session.begin():
        hold_write_lock(session)
        yield session


@contextlib.contextmanager
def temporary_database(server_url: str, prefix: str):
    """A new, empty database on the server of ``server_url``, dropped afterwards; yields its URL."""
    from dialogue.config import normalise_database_url

    server_url = normalise_database_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
