from flask import Response, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm
from dialogue.extensions import limiter
from dialogue.gdpr import bp, retention, services
from dialogue.gdpr.forms import EraseForm
from dialogue.gdpr.names import person_name


@bp.app_template_filter("person_name")
def person_name_filter(user) -> str:
    """The person's name, or "(erased account)" once they erased it."""
    return person_name(user)


@bp.get("/account/data")
@login_required
def data():
    return render_template("gdpr/data.html", download_form=ButtonForm(), erase_form=EraseForm())


@bp.post("/account/data/download")
@login_required
@limiter.limit("10 per hour")
def download():
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("gdpr.data"), 303)
    payload = services.export_zip(current_user)
    return Response(payload, mimetype="application/zip", headers={
        "Content-Disposition": 'attachment; filename="dialogue-my-data.zip"', "Cache-Control": "no-store"})


@bp.post("/account/erase")
@login_required
def erase():
    form = EraseForm()
    return perform(lambda: services.erase_account(current_user._get_current_object(), form.password.data),
                   form=form, page=lambda: render_template("gdpr/data.html", download_form=ButtonForm(),
                                                           erase_form=form),
                   to=url_for("main.home"), after=lambda _result: logout_user(),
                   success=_("Your account and personal data have been erased."))


@bp.get("/privacy")
def privacy():
    return render_template("gdpr/privacy.html", rules=retention.rules(),
                           contact=current_app.config.get("PRIVACY_CONTACT"))
