"""A short-lived cache of public pages as an anonymous visitor sees them.

When an event or a planned tender is announced, most visitors are not signed in and see the same
page. Each process keeps such a page for PUBLIC_PAGE_CACHE_SECONDS (default 10), per address and
language; signed-in people, requests with a session, and responses that set a cookie (a page
with a form carries a CSRF token) always go to the view. What an anonymous visitor sees may
therefore lag a change by at most that many seconds.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from functools import wraps
from threading import Lock

from flask import current_app, make_response, request, session
from flask_login import current_user

MAX_ENTRIES = 512
_entries: OrderedDict[tuple, tuple[float, int, list, bytes]] = OrderedDict()
_lock = Lock()


def _key() -> tuple:
    from flask_babel import get_locale

    return (current_app.name, request.full_path, str(get_locale()))


def clear() -> None:
    with _lock:
        _entries.clear()


def public_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        ttl = current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 0)
        if ttl <= 0 or request.method != "GET" or session or current_user.is_authenticated:
            return view(*args, **kwargs)
        key = _key()
        now = time.monotonic()
        with _lock:
            hit = _entries.get(key)
            if hit is not None and hit[0] > now:
                _entries.move_to_end(key)
        if hit is not None and hit[0] > now:
            response = current_app.response_class(hit[3], status=hit[1], headers=hit[2])
            response.headers["X-Cache"] = "hit"
            return response
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough and not session.modified \
                and "Set-Cookie" not in response.headers:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length",)]
            with _lock:
                _entries[key] = (now + ttl, response.status_code, headers, response.get_data())
                _entries.move_to_end(key)
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
        return response

    return wrapper
