"""The migrations build the whole schema on an empty database and match the models exactly."""

import flask_migrate
import pytest
from sqlalchemy import inspect

from dialogue import create_app
from dialogue.extensions import db
from tests.conftest import temporary_database


@pytest.fixture
def empty_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with temporary_database(database_url, "dlg_migrations") as url:
        yield url


def test_upgrade_on_an_empty_database_then_check_reports_no_drift(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x", "TESTING": True,
                      "UPLOAD_DIR": str(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        flask_migrate.check()  # raises when the models and the migrations disagree
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
