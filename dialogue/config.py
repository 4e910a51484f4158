"""Settings read from the environment, with defaults that are safe on a fresh clone.

The defaults give a working site with no server to install: SQLite in ``instance/``,
a secret key generated once and kept in ``instance/secret_key``, mail to a local SMTP
port and rate limits held in memory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


def persistent_secret_key(instance_path: Path) -> str:
    """Return the key stored in the instance folder, creating it on first use.

    A generated key survives restarts so sessions and signed links stay valid, and no
    key is ever written into the code.
    """
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Let operators paste the usual ``postgres://`` URLs; we drive PostgreSQL with psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_config(instance_path: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if env is None else env
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'dialogue.db'}"
    redis_url = env.get("REDIS_URL") or None
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or None,  # filled from instance/ by the factory
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # No ping on every checkout: core.databases.install_idle_ping checks the connections that sat idle.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SERVER_NAME": env.get("SERVER_NAME") or None,
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "https"),
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000"),
        # Cookies: HttpOnly and SameSite always; Secure unless explicitly turned off for plain-HTTP dev.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), True),
        "PERMANENT_SESSION_LIFETIME": _int(env, "SESSION_LIFETIME_SECONDS", 14 * 24 * 3600),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 55 * 1024 * 1024),
        "MAX_UPLOAD_BYTES": _int(env, "MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        # Uploads in an S3-compatible bucket (s3://bucket/prefix) that every app host shares; empty: UPLOAD_DIR.
        "STORAGE_URL": env.get("STORAGE_URL", ""),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),  # empty: AWS itself
        "S3_ADDRESSING_STYLE": env.get("S3_ADDRESSING_STYLE", ""),  # "path" for servers without bucket DNS
        "AWS_REGION": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION", ""),
        "AWS_ACCESS_KEY_ID": env.get("AWS_ACCESS_KEY_ID", ""),
        "AWS_SECRET_ACCESS_KEY": env.get("AWS_SECRET_ACCESS_KEY", ""),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Mail: flask-mail settings; the outbox worker is the only sender.
        "MAIL_SERVER": env.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _int(env, "MAIL_PORT", 1025),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL"), False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Dialogue <no-reply@dialogue.localhost>"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 20),
        "OUTBOX_MAX_ATTEMPTS": _int(env, "OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_BATCH_SIZE": _int(env, "OUTBOX_BATCH_SIZE", 50),
        "OUTBOX_LEASE_SECONDS": _int(env, "OUTBOX_LEASE_SECONDS", 300),
        # Rate limits: in Redis when REDIS_URL is set (shared by every worker and host), else per process.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", ""),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Password attempts per address from one network (/24 or /64): a stranger elsewhere cannot lock
        # the owner out. The emailed sign-in link is limited per address and per IP instead.
        "LOGIN_ADDRESS_NETWORK_RATE_LIMIT": env.get("LOGIN_ADDRESS_NETWORK_RATE_LIMIT", "5 per minute;20 per hour"),
        "SIGN_IN_LINK_RATE_LIMIT": env.get("SIGN_IN_LINK_RATE_LIMIT", "10 per hour"),
        "SIGN_IN_LINK_EMAIL_RATE_LIMIT": env.get("SIGN_IN_LINK_EMAIL_RATE_LIMIT", "3 per 15 minutes;10 per day"),
        "RESET_RATE_LIMIT": env.get("RESET_RATE_LIMIT", "5 per 15 minutes"),
        "SIGNUP_RATE_LIMIT": env.get("SIGNUP_RATE_LIMIT", "10 per hour"),
        # Signed links
        "VERIFY_LINK_MAX_AGE": _int(env, "VERIFY_LINK_MAX_AGE", 3 * 24 * 3600),
        "RESET_LINK_MAX_AGE": _int(env, "RESET_LINK_MAX_AGE", 3600),
        "SIGN_IN_LINK_MAX_AGE": _int(env, "SIGN_IN_LINK_MAX_AGE", 15 * 60),
        "INVITATION_DAYS": _int(env, "INVITATION_DAYS", 14),
        "PASSWORD_MIN_LENGTH": _int(env, "PASSWORD_MIN_LENGTH", 10),
        "LANGUAGES": ["en", "fi", "sv", "da", "nb"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "OCID_PREFIX": env.get("OCID_PREFIX", "ocds-dlg000"),
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT") or None,
        # Redis, where every process and app host must share: rate limits, caches, the task queue.
        "REDIS_URL": redis_url or "",
        # The task queue (huey): a SQLite file in instance/ on a fresh clone, Redis in production.
        "TASK_QUEUE_URL": env.get("TASK_QUEUE_URL") or redis_url or f"sqlite:///{instance_path / 'tasks.db'}",
        "PUBLIC_PAGE_CACHE_SECONDS": _int(env, "PUBLIC_PAGE_CACHE_SECONDS", 10),
        # Page and fragment caches (dialogue/core/cache.py): in each process's memory with versions in
        # files under CACHE_VERSION_DIR (default instance/versions/<database>); in Redis when REDIS_URL is set,
        # shared by every app machine that names the same server and CACHE_KEY_PREFIX (one prefix per database).
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "dialogue:"),
        "CACHE_VERSION_DIR": env.get("CACHE_VERSION_DIR") or None,
        "FRAGMENT_CACHE_SECONDS": _int(env, "FRAGMENT_CACHE_SECONDS", 3600),
        # Retention periods in days (RETENTION_*_DAYS); each rule has its default where it is defined.
        **{key: int(value) for key, value in env.items() if key.startswith("RETENTION_") and key.endswith("_DAYS")},
    }
