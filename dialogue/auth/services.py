"""Accounts: sign-up, verification, log-in, password reset and change.

Nothing here tells a stranger whether an address has an account: sign-up with a known
address, a reset request for an unknown one and a wrong password all answer the same way
and take the same path through the password hasher.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from dialogue.core.emails import normalise_email
from dialogue.core.errors import DialogueError
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.models import MemberRole, Organisation, User, utcnow
from dialogue.organisations import services as organisations
from dialogue.outbox.services import enqueue_mail

PASSWORD_METHOD = "scrypt"

# The commonest passwords of at least ten characters; any of them is refused outright.
COMMON_PASSWORDS = {
    "1234567890", "0123456789", "qwertyuiop", "1q2w3e4r5t", "password12", "password123",
    "iloveyou12", "qwerty1234", "1qaz2wsx3e", "abcdefghij", "passw0rd12", "welcome123",
    "letmein123", "administrator", "changeme12", "dialogue123", "0987654321", "1111111111",
    "asdfghjkl1", "zaq12wsxcd", "qwertyuiop1", "trustno1234", "football12", "baseball12",
}


class InvalidLink(DialogueError):
    pass


def check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise DialogueError(_("Use at least %(n)d characters.", n=minimum), field="password")
    if len(password) > 256:
        raise DialogueError(_("Use at most %(n)d characters.", n=256), field="password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise DialogueError(_("This password is too easy to guess. Try a few unrelated words."), field="password")
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower().replace(" ", "") == lowered):
        raise DialogueError(_("Do not use your name or email address in your password."), field="password")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


# A real hash to compare against when the account does not exist, so both paths cost the same.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password-0")
    return _DUMMY_HASH


def get_user_by_email(email: str) -> User | None:
    try:
        email = normalise_email(email)
    except DialogueError:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def authenticate(email: str, password: str) -> User | None:
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    user.last_login_at = utcnow()
    return user


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"dialogue.{purpose}")


def _password_fingerprint(user: User) -> str:
    # Part of the reset token: once the password changes, every earlier reset link is dead.
    return hmac.new(current_app.config["SECRET_KEY"].encode(), user.password_hash.encode(),
                    hashlib.sha256).hexdigest()[:16]


def make_verify_token(user: User) -> str:
    return _serializer("verify").dumps({"uid": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    return _serializer("reset").dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def _load(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidLink(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidLink(_("This link is not valid. Check that you copied all of it, or ask for a new one.")) \
            from None


def send_verification(user: User) -> None:
    enqueue_mail([user.email], _l("Confirm your email address for Dialogue"), "verify", category="auth.verify",
                 locale=user.locale,
                 user=user, link=external_url("auth.verify", token=make_verify_token(user)),
                 hours=current_app.config["VERIFY_LINK_MAX_AGE"] // 3600)


def verify_email(token: str) -> User:
    data = _load("verify", token, current_app.config["VERIFY_LINK_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidLink(_("This link is not valid. Ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def sign_up(*, name: str, email: str, password: str, locale: str = "en", timezone: str = "Europe/Helsinki",
            organisation: dict | None = None, invitation=None) -> User | None:
    """Create a person with a new organisation (they become its admin) or through an invitation.

    Returns None when the address already has an account: the owner is told by mail instead,
    so the page a stranger sees is the same either way.
    """
    name = " ".join((name or "").split())
    if not name:
        raise DialogueError(_("Enter your name."), field="name")
    email = normalise_email(email)
    check_password_strength(password, email=email, name=name)
    if invitation is not None and invitation.email != email:
        raise DialogueError(_("Use the address the invitation was sent to."), field="email")
    if invitation is None and not organisation:
        raise DialogueError(_("Enter your organisation."), field="org_name")
    org: Organisation | None = None
    if invitation is None:
        # Validate the organisation before looking at the address, so bad input is reported the same way.
        org = organisations.create_organisation(**organisation)
    with db.session.no_autoflush:
        existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        if org is not None:
            db.session.expunge(org)
        # The hash is thrown away, but computing it makes this path cost what creating an account costs:
        # the time an answer takes must not tell a stranger that the address has an account.
        hash_password(password)
        enqueue_mail([email], _l("Someone tried to sign up with your address"), "account_exists",
                     category="auth.exists", locale=existing.locale, user=existing,
                     login_link=external_url("auth.login"),
                     reset_link=external_url("auth.reset_request"))
        return None
    user = User(email=email, name=name, password_hash=hash_password(password), locale=locale, timezone=timezone)
    db.session.add(user)
    if invitation is not None:
        organisations.accept_invitation(invitation, user)
    else:
        organisations.add_member(org, user, MemberRole.ADMIN)
    db.session.flush()
    if not user.is_verified:
        send_verification(user)
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    user = get_user_by_email(email)
    if user is None:
        return
    enqueue_mail([user.email], _l("Reset your Dialogue password"), "reset", category="auth.reset", user=user,
                 locale=user.locale,
                 link=external_url("auth.reset", token=make_reset_token(user)),
                 minutes=current_app.config["RESET_LINK_MAX_AGE"] // 60)


def sign_out_everywhere(user: User) -> None:
    """Sign-out ends every session and "keep me signed in" cookie of the person, copies included.

    Sessions live in signed cookies, so the only way to make a copied cookie worthless is to move the
    version they all carry; that signs the person out on all their devices at once.
    """
    user.session_version += 1


def user_for_reset(token: str) -> User:
    data = _load("reset", token, current_app.config["RESET_LINK_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or not hmac.compare_digest(data.get("pw", ""), _password_fingerprint(user)):
        raise InvalidLink(_("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    set_password(user, password)
    # The link reached the inbox, so the address is proven.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    user.session_version += 1
    enqueue_mail([user.email], _l("Your Dialogue password was changed"), "password_changed",
                 category="auth.password_changed", locale=user.locale, user=user,
                 reset_link=external_url("auth.reset_request"))


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise DialogueError(_("Your current password is not correct."), field="current_password")
    set_password(user, new)


def _sign_in_fingerprint(user: User) -> str:
    # A sign-in link works once: signing in (by it or by password) moves last_login_at, and a sign-out
    # or password change moves the session version or the hash; any of these kills every earlier link.
    last = user.last_login_at.isoformat() if user.last_login_at else ""
    material = f"{user.session_version}|{last}|{user.password_hash}"
    return hmac.new(current_app.config["SECRET_KEY"].encode(), material.encode(), hashlib.sha256).hexdigest()[:16]


def make_sign_in_token(user: User) -> str:
    return _serializer("sign-in").dumps({"uid": user.id, "fp": _sign_in_fingerprint(user)})


def request_sign_in_link(email: str) -> None:
    """Mail a sign-in link if the address has an account; say nothing either way.

    The link is the way in for someone whose password attempts are throttled because others tried
    their address: it does not count against the per-address sign-in limit.
    """
    user = get_user_by_email(email)
    if user is None:
        return
    enqueue_mail([user.email], _l("Your Dialogue sign-in link"), "sign_in_link", category="auth.sign_in_link",
                 locale=user.locale, user=user,
                 link=external_url("auth.sign_in_link", token=make_sign_in_token(user)),
                 minutes=current_app.config["SIGN_IN_LINK_MAX_AGE"] // 60,
                 reset_link=external_url("auth.reset_request"))


def user_for_sign_in_link(token: str) -> User:
    data = _load("sign-in", token, current_app.config["SIGN_IN_LINK_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or not hmac.compare_digest(str(data.get("fp", "")), _sign_in_fingerprint(user)):
        raise InvalidLink(_("This link has already been used or is no longer valid. Ask for a new one."))
    return user


def sign_in_by_link(token: str) -> User:
    """The person proved they read the address's mail: they are signed in, and the link is spent."""
    user = user_for_sign_in_link(token)
    user.last_login_at = utcnow()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def update_profile(user: User, *, name: str, locale: str, timezone: str) -> None:
    from dialogue.core.timeutil import is_timezone

    name = " ".join((name or "").split())
    if not name:
        raise DialogueError(_("Enter your name."), field="name")
    if locale not in current_app.config["LANGUAGES"]:
        raise DialogueError(_("Choose a language from the list."), field="locale")
    if not is_timezone(timezone):
        raise DialogueError(_("Choose a time zone from the list."), field="timezone")
    user.name, user.locale, user.timezone = name, locale, timezone


def choose_language(user: User, locale: str) -> None:
    """The language of the person's pages and mail, from the switch in every page's header."""
    if locale not in current_app.config["LANGUAGES"]:
        raise DialogueError(_("Choose a language from the list."), field="locale")
    user.locale = locale


def load_user(identifier: str) -> User | None:
    """Flask-Login loader: the id carries the session version.

    A password change or a sign-out moves the version, which ends every session and remember cookie
    issued before it. The person comes from ``signed_in.person`` (kept between requests until their
    row, their membership or an organisation changes).
    """
    from dialogue.auth.signed_in import person

    user_id, _sep, version = (identifier or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = person(int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
