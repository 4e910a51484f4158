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


def test_work_after_the_commit_runs_only_when_the_action_succeeded(app):
    done = []

    @app.post("/_try/after/<int:fail>")
    def after(fail: int):
        def action():
            if fail:
                raise Conflict("Kept.")
            return "purge me"
        return perform(action, to="/done", after=done.append)

    client = app.test_client()
    assert client.post("/_try/after/1").status_code == 303 and done == []
    assert client.post("/_try/after/0").status_code == 303 and done == ["purge me"]


def test_an_outcome_that_is_not_a_success_is_flashed_as_information(app):
    @app.post("/_try/info")
    def info():
        return perform(lambda: 0, to="/done", success=lambda n: ("Nobody is mailed again.", "info"))

    client = app.test_client()
    client.post("/_try/info")
    with client.session_transaction() as session:
        assert session["_flashes"] == [("info", "Nobody is mailed again.")]


def test_a_refusal_naming_several_fields_puts_each_message_next_to_its_field(app):
    from wtforms import StringField

    class TwoFields(ButtonForm):
        name = StringField()
        email = StringField()

    class Several(DialogueError):
        def __init__(self, errors):
            super().__init__(next(iter(errors.values()))[0])
            self.errors = errors

    @app.post("/_try/several")
    def several():
        form = TwoFields()

        def action():
            raise Several({"name": ["Enter a name."], "email": ["Enter an email address."], "rows": ["Too many."]})
        return perform(action, to="/done", form=form,
                       page=lambda: f"{form.name.errors} {form.email.errors} {form.form_errors}")

    body = app.test_client().post("/_try/several", data={"name": "", "email": ""}).get_data(as_text=True)
    assert body == "['Enter a name.'] ['Enter an email address.'] ['Too many.']"


def test_a_form_that_does_not_validate_can_get_more_messages_before_it_is_shown(app):
    from wtforms import StringField
    from wtforms.validators import InputRequired

    class NameForm(ButtonForm):
        name = StringField(validators=[InputRequired("Enter a name.")])

    @app.post("/_try/invalid")
    def invalid():
        form = NameForm()
        return perform(lambda: _org("Never"), to="/done", form=form, page=lambda: " ".join(form.form_errors),
                       invalid=lambda: form.form_errors.append("Also check the dates."))

    response = app.test_client().post("/_try/invalid", data={})
    assert response.status_code == 400 and response.get_data(as_text=True) == "Also check the dates."
    assert db.session.query(Organisation).count() == 0


@pytest.mark.parametrize("refusal, status", [(NotAllowed("not yours"), 403), (NotFound("not there"), 404),
                                             (Conflict("Pick other columns.", field="name"), 409)])
def test_attempt_answers_a_refusal_like_perform_for_views_that_answer_with_a_file(app, refusal, status):
    from wtforms import StringField

    from dialogue.core.actions import attempt

    class NameForm(ButtonForm):
        name = StringField()

    @app.get("/_try/file")
    def file():
        form = NameForm()

        def check():
            _org("Halfway")
            raise refusal
        attempt(check, form=form, page=lambda: f"errors: {form.name.errors}")
        return "the file"

    response = app.test_client().get("/_try/file")
    assert response.status_code == status and refusal.message in response.get_data(as_text=True)
    assert "the file" not in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 0


def test_attempt_gives_the_result_and_without_a_page_a_refusal_gets_the_error_page(app):
    from dialogue.core.actions import attempt

    @app.get("/_try/json/<int:fail>")
    def as_json(fail: int):
        def check():
            if fail:
                raise DialogueError("That is not a column.")
            return {"columns": 2}
        return attempt(check)

    client = app.test_client()
    assert client.get("/_try/json/0").get_json() == {"columns": 2}
    refused = client.get("/_try/json/1", headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.get_json()["message"] == "That is not a column."
