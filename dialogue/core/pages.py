"""Whole public pages answered in front of the app, before Flask opens a request.

``@public_page`` (dialogue.core.cache) marks an anonymous visitor's page as one to keep; ``PageCache``,
the app's outermost WSGI layer, keeps it with the headers the app finally sent (security headers
included) and answers the next anonymous GET of the same address and language from it, for
PUBLIC_PAGE_CACHE_SECONDS. A hit needs no routing, session, user, locale selector or hooks: it is a
look-up in this process's memory, then (with Redis) in the shared cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import NamedTuple

from flask import Flask
from werkzeug.http import parse_cookie

from dialogue.core.cache import KEEP, PAGE, Memory, MemoryBackend

log = logging.getLogger(__name__)

MAX_PAGES = 512  # whole pages are large: fewer of them than fragments


class Page(NamedTuple):
    status: str
    headers: list[tuple[str, str]]  # as sent on a hit: the view's final headers with X-Cache
    body: bytes
    expires: float  # wall clock, so that hosts sharing a cache agree

    def dumped(self) -> bytes:
        return json.dumps([self.status, self.headers, self.expires]).encode() + b"\n" + self.body

    @classmethod
    def loaded(cls, stored: bytes) -> Page:
        head, body = stored.split(b"\n", 1)
        status, headers, expires = json.loads(head)
        return cls(status, [tuple(header) for header in headers], body, expires)


def _page_key(app_name: str, environ: dict, language: str) -> str:
    token = repr((app_name, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                  environ.get("QUERY_STRING", ""), language))
    return "p:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200 "):
        return False
    for name, value in headers:
        name = name.lower()
        if name == "set-cookie" or name == "cache-control" and ("no-store" in value or "private" in value):
            return False
    return True


class PageCache:
    """WSGI middleware in front of the app: answers a kept page before Flask opens a request (no routing,
    session, user, locale look-up or hooks), so a hit costs a dictionary look-up. Only a GET without a
    session or remember-me cookie and without credentials is answered here; every other request goes to
    the app untouched. A page is kept with the headers the app finally sent, once ``@public_page`` has
    marked it and nothing set a cookie or forbade storing it."""

    def __init__(self, app: Flask):
        from flask_login.config import COOKIE_NAME

        from dialogue.extensions import visitor_locale

        self.app, self.wsgi_app, self.visitor_locale = app, app.wsgi_app, visitor_locale
        self.personal_cookies = (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))
        self.pages = Memory(MAX_PAGES)
        app.extensions["dialogue_pages"] = self.pages  # cache.clear() empties it
        shared = app.extensions["dialogue_cache"]
        self.shared = None if isinstance(shared, MemoryBackend) else shared

    def asked(self, environ: dict) -> tuple[str, str] | None:
        """The page's key and language, when the request is an anonymous visitor's GET."""
        config = self.app.config
        if environ.get("REQUEST_METHOD") != "GET" or config.get("PUBLIC_PAGE_CACHE_SECONDS", 0) <= 0 \
                or "HTTP_AUTHORIZATION" in environ:
            return None
        cookies = environ.get("HTTP_COOKIE", "")
        if any(name in cookies for name in self.personal_cookies):  # a name inside another only costs a hit
            return None
        chosen = parse_cookie(cookies).get("lang") if "lang" in cookies else None
        language = self.visitor_locale(chosen, environ.get("HTTP_ACCEPT_LANGUAGE", ""), tuple(config["LANGUAGES"]))
        return _page_key(self.app.name, environ, language), language

    def __call__(self, environ: dict, start_response):
        asked = self.asked(environ)
        if asked is None:
            return self.wsgi_app(environ, start_response)
        page = self.find(asked[0])
        if page is not None:
            start_response(page.status, list(page.headers))  # a server may add to the list it is given
            return [page.body]
        environ[PAGE] = asked
        sent = []

        def start(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, start)
        ttl = environ.get(KEEP)
        if not ttl or not sent or not _keepable(*sent):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = [(k, v) for k, v in sent[1] if k.lower() not in ("content-length", "x-cache")]
        self.keep(asked[0], Page(sent[0], [*headers, ("Content-Length", str(len(data))), ("X-Cache", "hit")],
                                 data, time.time() + ttl), ttl)
        return [data]

    def find(self, key: str) -> Page | None:
        """This process's copy, else the shared one (kept here until the moment it expires there)."""
        page = self.pages.get(key)
        if page is not None or self.shared is None:
            return page
        try:
            stored = self.shared.get(key)
        except Exception:
            log.exception("page cache unreachable")
            return None
        page = Page.loaded(stored) if stored is not None else None
        if page is None or page.expires <= time.time():
            return None
        self.pages.set(key, page, page.expires - time.time())
        return page

    def keep(self, key: str, page: Page, ttl: int) -> None:
        self.pages.set(key, page, ttl)
        if self.shared is not None:
            try:
                self.shared.set(key, page.dumped(), ttl)
            except Exception:
                log.exception("page cache unreachable; page not shared")
