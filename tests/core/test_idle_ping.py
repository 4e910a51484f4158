"""Pooled connections are pinged only after sitting idle, and a dead one is replaced, not handed out."""

from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from dialogue.core.databases import install_idle_ping


def _engine(idle_seconds: float, pings: list, fail: list):
    engine = create_engine("sqlite://", poolclass=QueuePool, pool_size=1, max_overflow=0)
    dialect = engine.dialect

    def do_ping(dbapi_connection):
        pings.append(1)
        if fail:
            fail.pop()
            raise dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")
        return True

    dialect.do_ping = do_ping
    dialect.is_disconnect = lambda error, *_args: "closed the connection" in str(error)
    install_idle_ping(engine, idle_seconds=idle_seconds)
    return engine


def test_a_connection_just_returned_is_not_pinged():
    pings: list = []
    engine = _engine(60, pings, [])
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar() == 1
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced():
    pings: list = []
    fail = [True]
    engine = _engine(0, pings, fail)
    with engine.connect() as conn:  # the ping fails once: the pool connects anew and pings again
        assert conn.execute(text("select 1")).scalar() == 1
    assert len(pings) == 2
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    assert len(pings) == 3
