"""Caches the pages share: whole public pages for anonymous visitors, and rendered fragments.

**Public pages** (``@public_page``): an anonymous visitor's page is kept for
PUBLIC_PAGE_CACHE_SECONDS (default 10), per address (path and query) and language, and answered
in front of the app by ``dialogue.core.pages.PageCache``; requests with a session or remember-me
cookie (signed-in people, visitors who were shown a form) and responses that set a cookie (a page
with a form carries a CSRF token) always go to the view. What an anonymous visitor sees may lag a
change by at most that many seconds. With a shared cache (Redis) a process keeps its own copy of a
page until the shared one expires.

**Fragments** (``fragment``): a piece of a page rendered once and reused, for signed-in people
too, until what it shows changes. Its key names what it shows:

    html = cache.fragment("events/agenda", [("event", event.id), ("people",)], build)
    html = cache.fragment("materials/event-section", [("event", event.id)], build, audience=("anonymous",))

- scopes, such as ``("event", 12)``: each has a version; a fragment is found only under the
  versions it was built with, so moving a scope's version drops every fragment that named it;
- the language of the request, always;
- ``audience``: everything about the person that changes what the fragment shows (anonymous, a
  participant, an organiser, a person's own items...). Two people get the same fragment only when
  their audience is equal, so a fragment never reaches someone it was not built for.

Versions move when the data changes. A feature declares which rows feed which scopes, once, at
import time: ``cache.watch(Material, lambda m: [("event", m.event_id)])``; every commit that
inserted, changed or deleted such a row moves those scopes right after the commit (never on a
rollback). ``bump(("event", 12))`` moves a scope at once, for changes made outside the ORM session.
An ORM bulk ``update()``/``delete()`` of a watched model moves the ``("all",)`` scope, which every
fragment names.

**Kept data** (``kept``): what a page reads rather than renders (a calendar's slot times, a buyer's
planned tenders for a choice list), under the same key as a fragment, but kept as Python values in
this process's memory: no round trip to a shared cache, nothing to encode or decode on each request.
Each process reads its own copy once per version.

**Backends.** With REDIS_URL empty (a fresh clone) fragments and pages live in each process's
memory, and versions in small files under CACHE_VERSION_DIR (default: instance/versions/, a folder
per database), which every worker of one machine reads, so a change made through one worker is seen
by the others at their next request. With REDIS_URL set, pages, fragments and versions live in Redis
under CACHE_KEY_PREFIX: several app machines share them, and a change made on one invalidates on
all; each process also keeps its own copy of a fragment it found there for NEAR_SECONDS (a minute),
under the same key. Fragments expire after FRAGMENT_CACHE_SECONDS (default one hour) in any case (a
process's copy a minute later at most), which bounds the harm of a lost version move.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from threading import Lock
from typing import TypeVar

from flask import Flask, current_app, g, has_app_context, make_response, request, session
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

MAX_ENTRIES = 2048
NEAR_SECONDS = 60  # a process's own copy of a fragment kept in a shared cache
EVERYTHING = ("all",)
Scope = tuple
T = TypeVar("T")


class Memory:
    """Values in this process's memory, each for a number of seconds, the least recently used dropped
    first."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str):
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] <= now:
                return None
            self._entries.move_to_end(key)
            return hit[1]

    def set(self, key: str, value, ttl: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class MemoryBackend(Memory):
    """Pages and fragments in this process's memory; versions in files that all processes of the
    machine share."""

    def __init__(self, version_dir: str, max_entries: int = MAX_ENTRIES):
        super().__init__(max_entries)
        self.version_dir = Path(version_dir)

    def versions(self, names: list[str]) -> list[str]:
        found = []
        for name in names:
            try:
                found.append((self.version_dir / name).read_text())
            except FileNotFoundError:
                found.append("0")
        return found

    def bump(self, names: Iterable[str]) -> None:
        self.version_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            temporary = self.version_dir / f".{name}.{uuid.uuid4().hex}"
            temporary.write_text(uuid.uuid4().hex)
            os.replace(temporary, self.version_dir / name)  # readers see the old token or the new one


class RedisBackend:
    """Everything in Redis, shared by every process and machine that names the same server and prefix.
    Versions are random tokens, so a token never comes back to meet a fragment built on older data."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self.client.set(self.prefix + key, value, ex=ttl)

    def versions(self, names: list[str]) -> list[str]:
        keys = [f"{self.prefix}v:{name}" for name in names]
        return [value.decode() if value is not None else "0" for value in self.client.mget(keys)]

    def bump(self, names: Iterable[str]) -> None:
        with self.client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.set(f"{self.prefix}v:{name}", uuid.uuid4().hex)
            pipe.execute()

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=500))
        for start in range(0, len(keys), 500):
            self.client.delete(*keys[start:start + 500])


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL") or ""
    if url:
        backend = RedisBackend(url, app.config.get("CACHE_KEY_PREFIX") or "dialogue:")
    else:
        # One folder per database: apps on other databases (a test run, a benchmark) never move these versions.
        database = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
        backend = MemoryBackend(app.config.get("CACHE_VERSION_DIR")
                                or os.path.join(app.instance_path, "versions", database))
    app.extensions["dialogue_cache"] = backend
    # Pages are looked up in this process first: a hit then costs no round trip to a cache server.
    from dialogue.core.pages import PageCache

    app.wsgi_app = PageCache(app)


def backend():
    return current_app.extensions["dialogue_cache"]


def clear() -> None:
    """Forget every cached page and fragment of the current app (versions stay); outside an app, nothing."""
    if has_app_context() and "dialogue_cache" in current_app.extensions:
        backend().clear()
        for kept_here in ("dialogue_pages", "dialogue_kept", "dialogue_near_fragments"):
            if kept_here in current_app.extensions:
                current_app.extensions[kept_here].clear()


# --- versions -----------------------------------------------------------------------------------------

def _name(scope: Scope) -> str:
    return ".".join(str(part) for part in scope)


def versions(scopes: Iterable[Scope]) -> tuple[str, ...]:
    """The current version of each scope (and of ``("all",)``), read once per request."""
    names = [_name(EVERYTHING)] + [_name(scope) for scope in scopes]
    known = g.setdefault("_cache_versions", {})
    missing = [name for name in names if name not in known]
    if missing:
        try:
            known.update(zip(missing, backend().versions(missing), strict=True))
        except Exception:  # an unreachable cache: versions nobody has, so everything is built afresh
            log.exception("cache versions unreachable")
            return tuple(uuid.uuid4().hex for _name in names)
    return tuple(known[name] for name in names)


def bump(*scopes: Scope) -> None:
    """Move the scopes' versions now: every fragment that names one of them is built afresh."""
    _bump_names({_name(scope) for scope in scopes})


def bump_on_commit(session: Session, *scopes: Scope) -> None:
    """Move the scopes' versions once ``session`` commits (nothing moves on a rollback): for changes no
    watched row shows, such as an event's texts in another language."""
    session.info.setdefault("dialogue_cache_bumps", set()).update(_name(scope) for scope in scopes)


def _bump_names(names: set[str]) -> None:
    if not names or not has_app_context() or "dialogue_cache" not in current_app.extensions:
        return
    g.pop("_cache_versions", None)
    try:
        backend().bump(sorted(names))
    except Exception:  # a cache that cannot be told must not fail a change that is already committed
        log.exception("could not move the cache versions %s", sorted(names))


_watchers: dict[type, list[Callable[[object], Iterable[Scope]]]] = {}


def watch(model: type, scopes: Callable[[object], Iterable[Scope]]) -> None:
    """After a commit that inserted, changed or deleted a ``model`` row, move ``scopes(row)``."""
    _watchers.setdefault(model, []).append(scopes)


def changed(row, *attributes: str) -> bool:
    """Whether the row is being inserted or deleted, or one of the attributes changed (in a watcher)."""
    state = inspect(row)
    if state.session is not None and (row in state.session.new or row in state.session.deleted):
        return True
    return any(state.attrs[name].history.has_changes() for name in attributes)


@sa_event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    if not _watchers:
        return
    pending = session.info.setdefault("dialogue_cache_bumps", set())
    for row in (*session.new, *session.dirty, *session.deleted):
        for scopes in _watchers.get(type(row), ()):
            if row in session.dirty and not session.is_modified(row):
                continue
            try:
                pending.update(_name(scope) for scope in scopes(row) if scope)
            except Exception:  # a row the watcher cannot read (e.g. deleted in the database): drop everything
                log.exception("cache watcher failed for %r", row)
                pending.add(_name(EVERYTHING))


@sa_event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _watchers:
        state.session.info.setdefault("dialogue_cache_bumps", set()).add(_name(EVERYTHING))


@sa_event.listens_for(Session, "after_commit")
def _bump_committed(session: Session) -> None:
    _bump_names(session.info.pop("dialogue_cache_bumps", set()))


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("dialogue_cache_bumps", None)


# --- fragments ----------------------------------------------------------------------------------------

def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def fragment(name: str, scopes: Iterable[Scope], build: Callable[[], str], audience: tuple = ()) -> Markup:
    """The HTML ``build()`` renders, reused while the scopes' versions, the language and the audience
    stay the same (see the module's docstring). Without a reachable cache it is simply built.

    With a shared cache (Redis) a process also keeps its own copy for NEAR_SECONDS, as it does pages:
    the key names the versions, so a copy is never stale while its key is the current one, and a page
    with several fragments does not pay a round trip for each."""
    scopes = list(scopes)
    key = _fragment_key(name, scopes, audience)
    near = None if isinstance(backend(), MemoryBackend) else _in_process("dialogue_near_fragments")
    if near is not None and (html := near.get(key)) is not None:
        return Markup(html)
    try:
        hit = backend().get(key)
    except Exception:
        log.exception("fragment cache unreachable; building %s", name)
        return Markup(build())
    if hit is not None:
        html = hit.decode()
    else:
        html = str(build())
        try:
            backend().set(key, html.encode(), current_app.config.get("FRAGMENT_CACHE_SECONDS", 3600))
        except Exception:
            log.exception("fragment cache unreachable; %s not kept", name)
            return Markup(html)
    if near is not None:
        near.set(key, html, NEAR_SECONDS)
    return Markup(html)


def _in_process(name: str) -> Memory:
    """A store in this process's memory, one per app and ``name`` (``clear()`` empties it)."""
    store = current_app.extensions.get(name)
    if store is None:
        store = current_app.extensions.setdefault(name, Memory())
    return store


def _fragment_key(name: str, scopes: list[Scope], audience: tuple) -> str:
    token = repr((versions(scopes), [_name(s) for s in scopes], _locale(), audience))
    return f"f:{name}:{hashlib.sha256(token.encode()).hexdigest()[:32]}"


# --- kept data ----------------------------------------------------------------------------------------

def kept(name: str, scopes: Iterable[Scope], build: Callable[[], T], audience: tuple = ()) -> T:
    """What ``build()`` reads, kept in this process's memory while the scopes' versions, the language
    and the audience stay the same (as a fragment is; see the module's docstring). Every request that
    finds it gets the same value: ``build`` gives tuples, never rows of a session, and callers do not
    change it. The value is read again after FRAGMENT_CACHE_SECONDS in any case."""
    scopes = list(scopes)
    key = _fragment_key(name, scopes, audience)  # versions read before ``build``: a change meanwhile moves them
    store = _in_process("dialogue_kept")
    hit = store.get(key)
    if hit is not None:
        return hit[0]
    value = build()
    store.set(key, (value,), current_app.config.get("FRAGMENT_CACHE_SECONDS", 3600))
    return value


# --- public pages (answered by dialogue.core.pages.PageCache) ----------------------------------------

PAGE = "dialogue.page"  # in the WSGI environ: (key, language) of a request the page cache may answer or keep
KEEP = "dialogue.keep_page"  # set by @public_page: keep the final response for this many seconds


def public_page(view):
    """Keep the view's page for anonymous visitors (see the module's docstring); ``PageCache`` answers
    from it. Kept only when the request reached the view as an anonymous visitor's and the page was
    built in the language its key names."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        asked = request.environ.get(PAGE)
        if asked is not None and response.status_code == 200 and not response.direct_passthrough \
                and not session and not current_user.is_authenticated and asked[1] == _locale():
            request.environ[KEEP] = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
        return response

    return wrapper
