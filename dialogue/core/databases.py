"""Scratch PostgreSQL databases, for tests and benchmarks that need a schema of their own."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy import create_engine, text


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
