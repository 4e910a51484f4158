"""The same refusal gets the same answer in every feature, through the one POST path."""

import pytest

from dialogue.core.actions import form_status, perform
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.forms import ButtonForm
from dialogue.extensions import db
from dialogue.models import Organisation, OrganisationKind


def _org(name: str) -> None:
    db.session.add(Organisation(name=name, slug=name.lower(), kind=OrganisationKind.SUPPLIER, country="FI"))
    db.session.flush()


@pytest.mark.parametrize("refusal, status", [(NotAllowed("not yours"), 403), (NotFound("not there"), 404)])
def test_access_refusals_become_the_error_pages_and_nothing_is_written(app, refusal, status):
    @app.post("/_try/access")
    def access():
        def action():
            _org("Halfway")
            raise refusal
        return perform(action, to="/done")

    response = app.test_client().post("/_try/access")
    assert response.status_code == status and refusal.message in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 0


@pytest.mark.parametrize("refusal, status", [(DialogueError("Enter a name.", field="name"), 400),
                                             (Conflict("Already taken.", field="name"), 409)])
def test_other_refusals_show_next_to_the_form_with_their_status(app, refusal, status):
    from wtforms import StringField

    class NameForm(ButtonForm):
        name = StringField()

    @app.post("/_try/form")
    def with_form():
        form = NameForm()

        def action():
            _org("Halfway")
            raise refusal
        return perform(action, to="/done", form=form, page=lambda: f"errors: {form.name.errors}")

    response = app.test_client().post("/_try/form", data={"name": "x"})
    assert response.status_code == status
    assert refusal.message in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 0


def test_without_a_form_a_refusal_is_flashed_and_goes_back(app):
    @app.post("/_try/button")
    def button():
        return perform(lambda: (_ for _ in ()).throw(Conflict("Too late.")), to="/done", back="/event")

    client = app.test_client()
    response = client.post("/_try/button")
    assert response.status_code == 303 and response.headers["Location"] == "/event"
    with client.session_transaction() as session:
        assert ("error", "Too late.") in session["_flashes"]


def test_success_commits_once_flashes_and_redirects(app):
    @app.post("/_try/ok")
    def ok():
        return perform(lambda: _org("Circular"), to=lambda _result: "/organisations/circular", success="Saved.")

    client = app.test_client()
    response = client.post("/_try/ok")
    assert response.status_code == 303 and response.headers["Location"] == "/organisations/circular"
    assert db.session.query(Organisation).filter_by(slug="circular").count() == 1


def test_a_success_message_may_tell_what_the_action_made(app):
    @app.post("/_try/made")
    def made():
        return perform(lambda: 3, to="/done", success=lambda n: f"{n} meeting places added.")

    client = app.test_client()
    assert client.post("/_try/made").status_code == 303
    with client.session_transaction() as session:
        assert ("success", "3 meeting places added.") in session["_flashes"]


def test_form_status(app):
    with app.test_request_context(method="POST", data={}):
        form = ButtonForm()
        assert form_status(form) == 200
        form.form_errors.append("Wrong.")
        assert form_status(form) == 400
