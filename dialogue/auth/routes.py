import unicodedata
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from dialogue.auth import bp, services, throttle
from dialogue.auth.forms import (ChangePasswordForm, InvitedSignupForm, LoginForm, ProfileForm,
                                 ResetForm, ResetRequestForm, SignInLinkForm, SignInLinkRequestForm, SignupForm)
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm, attach_error
from dialogue.core.security import personal_page
from dialogue.extensions import db, limiter


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a crafted ?next= must not send people elsewhere.

    Control characters (CR, LF, tab, ...) are refused outright: browsers drop some of them, so
    "/\t/evil.example" would become "//evil.example", and CR/LF have no business in a Location header.
    """
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc \
            and "\\" not in target and not any(unicodedata.category(ch) == "Cc" for ch in target):
        return target
    return url_for("main.home")


def _sign_in_link_email_key() -> str:
    return "sign-in-link:" + (request.form.get("email") or "").strip().lower()


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            services.sign_up(name=form.name.data, email=form.email.data, password=form.password.data,
                             locale=request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en",
                             organisation={"name": form.org_name.data, "kind": form.org_kind.data,
                                           "country": form.country.data,
                                           "registration_number": form.registration_number.data,
                                           "website": form.website.data})
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            session["signup_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("auth.check_email"), 303)
    return render_template("auth/signup.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.get("/signup/check-email")
@personal_page
def check_email():
    return render_template("auth/check_email.html", email=session.get("signup_email"))


@bp.get("/verify/<token>")
def verify(token: str):
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
    form = ButtonForm()
    if form.validate_on_submit() and not current_user.is_verified:
        services.send_verification(current_user)
        db.session.commit()
        flash(_("We sent a new confirmation link to your email address."), "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        if not throttle.allow_password_attempt(form.email.data):
            form.form_errors.append(_("Too many attempts to sign in with this address from your network. "
                                      "Wait a few minutes, or sign in with a link sent to your email address."))
            return render_template("auth/login.html", form=form, throttled=True), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            form.form_errors.append(_("The email address or password is not correct."))
            status = 400
        else:
            db.session.commit()
            session.clear()  # a fresh session on log-in: no fixation
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")), 303)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


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
    return render_template("auth/sign_in_link_request.html", form=form), 400 if form.errors else 200


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    # Opening the link only shows a button: mail scanners and link previews fetch links, and must not
    # spend a single-use link or sign anyone in.
    try:
        services.user_for_sign_in_link(token)
    except DialogueError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    form = SignInLinkForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in_by_link(token)
        except DialogueError as exc:
            db.session.rollback()
            return render_template("auth/link_invalid.html", message=exc.message), 400
        db.session.commit()
        session.clear()  # a fresh session on log-in: no fixation
        login_user(user, remember=form.remember.data)
        return redirect(url_for("main.home"), 303)
    return render_template("auth/sign_in_link.html", form=form)


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
    return redirect(url_for("main.home"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset(token: str):
    try:
        services.user_for_reset(token)
    except DialogueError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password has been changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"), 303)
    return render_template("auth/reset.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                    timezone=form.timezone.data)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.account"), 303)
    return render_template("auth/account.html", form=form, resend_form=ButtonForm()), \
        400 if form.errors or form.form_errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DialogueError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            # The session version moved on: sign this session in again, others stay signed out. The user
            # itself, not the proxy: a proxy stored as the current user would resolve to itself.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("auth.account"), 303)
    return render_template("auth/change_password.html", form=form), 400 if form.errors or form.form_errors else 200
