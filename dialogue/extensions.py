"""Flask extensions, created once and bound to the app in the factory."""

from functools import lru_cache

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from dialogue.i18n.domain import RequestBabel
from dialogue.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()


class SharedLimiter(Limiter):
    """Counts in ``RATELIMIT_STORAGE_URI``, else in Redis when ``REDIS_URL`` is set, else in memory.

    With Redis every worker and every host counts the same attempts: a limit of 10 log-in attempts
    is 10 in all, not 10 per process.
    """

    def init_app(self, app, *args, **kwargs) -> None:
        config = app.config
        config["RATELIMIT_STORAGE_URI"] = (config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL")
                                           or "memory://")
        super().init_app(app, *args, **kwargs)


limiter = SharedLimiter(key_func=get_remote_address)
babel = RequestBabel()


def select_locale() -> str | None:
    """The account's language, then the one chosen in the header, then the browser's Accept-Language, then English."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return None  # commands and workers: the default, unless force_locale chose one
    languages = current_app.config["LANGUAGES"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    # the header's language switch (main.language), then the browser's
    return visitor_locale(request.cookies.get("lang"), request.headers.get("Accept-Language", ""), tuple(languages))


@lru_cache(maxsize=256)
def visitor_locale(chosen: str | None, accept_language: str, languages: tuple[str, ...]) -> str:
    """A signed-out visitor's language: the one chosen in the header, else the best of Accept-Language,
    else English. The page cache keys anonymous pages by it before the app runs."""
    if chosen in languages:
        return chosen
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages) or "en"


def select_timezone() -> str | None:
    from flask import has_request_context

    if not has_request_context():
        return None
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.timezone
    return None
