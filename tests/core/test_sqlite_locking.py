"""SQLite: when a transaction takes the write lock (see dialogue/core/databases.py)."""

import sqlite3

import pytest
from sqlalchemy import select

from dialogue.core.databases import holds_write_lock, lock_row, write_transaction
from dialogue.extensions import db
from dialogue.models import Event, Organisation, OrganisationKind


@pytest.fixture
def sqlite_file(app, is_postgres):
    if is_postgres:
        pytest.skip("SQLite's database-wide write lock")
    return db.engine.url.database


def other_writer_is_blocked(path: str) -> bool:
    """Whether another connection (another worker process) could write right now."""
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


def test_a_changing_request_holds_the_lock_from_its_first_read_and_a_page_never(app, sqlite_file):
    with app.test_request_context("/", method="POST"):
        db.session.scalars(select(Event)).all()
        assert holds_write_lock(db.session) and other_writer_is_blocked(sqlite_file)
        db.session.commit()
        assert not other_writer_is_blocked(sqlite_file)
        db.session.remove()
    with app.test_request_context("/", method="GET"):
        db.session.scalars(select(Event)).all()
        assert not holds_write_lock(db.session) and not other_writer_is_blocked(sqlite_file)
        db.session.remove()


def test_locking_the_event_row_takes_the_lock_before_places_are_counted(app, sqlite_file, make_event):
    event = make_event()
    db.session.scalars(select(Event)).all()  # reads before the lock wait for nobody
    assert not other_writer_is_blocked(sqlite_file)
    lock_row(event)
    assert other_writer_is_blocked(sqlite_file)
    db.session.rollback()
    assert not other_writer_is_blocked(sqlite_file)


def test_savepoints_roll_back_alone(app, sqlite_file):
    db.session.add(Organisation(name="Kept", slug="kept", kind=OrganisationKind.SUPPLIER, country="FI"))
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            db.session.add(Organisation(name="Undone", slug="undone", kind=OrganisationKind.SUPPLIER,
                                        country="FI"))
            db.session.flush()
            raise RuntimeError("refused")
    db.session.commit()
    assert db.session.scalars(select(Organisation.slug)).all() == ["kept"]


def test_write_transaction_commits_under_the_lock_and_needs_a_fresh_session(app, sqlite_file):
    with write_transaction():
        assert other_writer_is_blocked(sqlite_file)
        db.session.add(Organisation(name="Written", slug="written", kind=OrganisationKind.SUPPLIER,
                                    country="FI"))
    assert not other_writer_is_blocked(sqlite_file)
    assert db.session.scalars(select(Organisation.slug)).all() == ["written"]
    with pytest.raises(RuntimeError, match="no open transaction"):
        with write_transaction():
            pass
