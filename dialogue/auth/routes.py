from typing import Callable

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from dialogue.auth import bp, services, throttle
from dialogue.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetForm,
    ResetRequestForm,
    SignInLinkForm,
    SignInLinkRequestForm,
    SignupForm,
)
from dialogue.core.actions import form_page, form_status, perform
from dialogue.core.emails import normalise_email
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm
from dialogue.core.security import personal_page
from dialogue.core.urls import safe_next
from dialogue.extensions import db, limiter
from dialogue.models import User


def _invalid_link_page(check: Callable[[str], User], token: str):
    """A link that no longer works gets a page of its own, before any form: nothing to retry there."""
    try:
        check(token)
    except DialogueError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    return None


def _sign_in_link_email_key() -> str:
    return "sign-in-link:" + (request.form.get("email") or "").strip().lower()


def _signed_in(user: User, remember: bool, to: str) -> str:
    """Sign the person in on a fresh session (no fixation) and give where they go next."""
    session.clear()
    login_user(user, remember=remember)
    return to


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()

    def signed_up(_user) -> str:
        session["signup_email"] = normalise_email(form.email.data)
        return url_for("auth.check_email")

    return form_page(lambda: services.sign_up(
        name=form.name.data, email=form.email.data, password=form.password.data,
        locale=request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en",
        organisation={"name": form.org_name.data, "kind": form.org_kind.data, "country": form.country.data,
                      "registration_number": form.registration_number.data, "website": form.website.data}),
        form=form, page=lambda: render_template("auth/signup.html", form=form), to=signed_up)


@bp.get("/signup/check-email")
@personal_page
def check_email():
    return render_template("auth/check_email.html", email=session.get("signup_email"))


@bp.get("/verify/<token>")
def verify(token: str):
    # Opening the link is a GET that answers with a page, not a form: a bad link gets its own page.
    try:
        user = services.verify_email(token)
    except DialogueError as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=exc.message), 400
    db.session.commit()
    flash(_("Your email address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("auth.account"))
    return redirect(url_for("auth.login"))


@bp.post("/verify/resend")
@login_required
@limiter.limit("3 per hour")
def resend_verification():
    if current_user.is_verified:
        return redirect(url_for("auth.account"), 303)
    return perform(lambda: services.send_verification(current_user), form=ButtonForm(),
                   to=url_for("auth.account"),
                   success=_("We sent a new confirmation link to your email address."))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()

    def page():
        return render_template("auth/login.html", form=form)

    if request.method != "POST":
        return page()
    if form.validate_on_submit() and not throttle.allow_password_attempt(form.email.data):
        form.form_errors.append(_("Too many attempts to sign in with this address from your network. "
                                  "Wait a few minutes, or sign in with a link sent to your email address."))
        return render_template("auth/login.html", form=form, throttled=True), 429

    def authenticate() -> User:
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            raise DialogueError(_("The email address or password is not correct."))
        return user

    return perform(authenticate, form=form, page=page,
                   to=lambda user: _signed_in(user, form.remember.data, safe_next(request.args.get("next"))))


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LINK_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LINK_EMAIL_RATE_LIMIT"], methods=["POST"],
               key_func=_sign_in_link_email_key)
def sign_in_link_request():
    form = SignInLinkRequestForm()
    if form.validate_on_submit():
        services.request_sign_in_link(form.email.data)
        db.session.commit()
        return render_template("auth/sign_in_link_sent.html",
                               minutes=current_app.config["SIGN_IN_LINK_MAX_AGE"] // 60)
    return render_template("auth/sign_in_link_request.html", form=form), form_status(form)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    # Opening the link only shows a button: mail scanners and link previews fetch links, and must not
    # spend a single-use link or sign anyone in.
    invalid = _invalid_link_page(services.user_for_sign_in_link, token)
    if invalid is not None:
        return invalid
    form = SignInLinkForm()

    def page():
        if form.form_errors:  # the link was spent or expired since the page was opened
            return render_template("auth/link_invalid.html", message=form.form_errors[0])
        return render_template("auth/sign_in_link.html", form=form)

    return form_page(lambda: services.sign_in_by_link(token), form=form, page=page,
                     to=lambda user: _signed_in(user, form.remember.data, url_for("main.home")))


@bp.post("/logout")
def logout():
    form = ButtonForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.sign_out_everywhere(current_user)
            db.session.commit()
        logout_user()
        # logout_user() leaves "_remember" = "clear" in the session when a remember cookie came with the
        # request; Flask-Login deletes the cookie after the request only if that flag is still there.
        remember = session.get("_remember")
        session.clear()
        if remember:
            session["_remember"] = remember
        flash(_("You are signed out on every device."), "success")
        response = redirect(url_for("main.home"), 303)
        # The door's installed app keeps the check-in page and queued scans in this browser: not past sign-out.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
    return redirect(url_for("main.home"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset(token: str):
    invalid = _invalid_link_page(services.user_for_reset, token)
    if invalid is not None:
        return invalid
    form = ResetForm()

    def signed_out(_user) -> str:
        logout_user()
        return url_for("auth.login")

    return form_page(lambda: services.reset_password(token, form.password.data), form=form,
                     page=lambda: render_template("auth/reset.html", form=form),
                     to=signed_out, success=_("Your password has been changed. Sign in with the new one."))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    return form_page(lambda: services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                                     timezone=form.timezone.data),
                     form=form, page=lambda: render_template("auth/account.html", form=form, resend_form=ButtonForm()),
                     to=url_for("auth.account"), success=_("Your profile is saved."))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()

    def signed_in_again(_result) -> str:
        # The session version moved on: sign this session in again, others stay signed out. The user
        # itself, not the proxy: a proxy stored as the current user would resolve to itself.
        login_user(current_user._get_current_object())
        return url_for("auth.account")

    return form_page(lambda: services.change_password(current_user, form.current_password.data, form.password.data),
                     form=form, page=lambda: render_template("auth/change_password.html", form=form),
                     to=signed_in_again,
                     success=_("Your password has been changed. Other devices have been signed out."))
