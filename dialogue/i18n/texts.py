"""Event, agenda and planned-tender texts in several languages: each reader gets theirs, or the first given.

The event's, session's or tender's own columns hold the text as first given. Organisers (and a
tender's buyer staff) may give the same fields in further languages: for an event, the languages it is
held in after the first; for a planned tender, any offered language. A reader whose language has a
text gets it, field by field; an empty field falls back to the first given.

Reading costs at most one statement per kind of text on a page, whatever the number of items shown:
the titles and summaries of the reader's language, one event's agenda, or the one description a page
is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select

from dialogue.core import cache
from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import AgendaSession, Event, EventText, Intent, IntentText, SessionText


@dataclass(frozen=True)
class Kind:
    model: type
    key: str
    fields: tuple[str, ...]


EVENT = Kind(EventText, "event_id", ("title", "summary", "description"))
SESSION = Kind(SessionText, "session_id", ("title", "description"))
INTENT = Kind(IntentText, "intent_id", ("title", "description"))
KINDS = {Event: EVENT, AgendaSession: SESSION, Intent: INTENT}
KINDS_BY_NAME = {"event": EVENT, "session": SESSION, "intent": INTENT}
LIMITS = {"title": 300, "summary": 500, "description": 20000}


def reader_locale() -> str:
    return str(get_locale() or "en")


def further_languages(owner) -> list[str]:
    """The languages texts may be given in beside the first: an event's after its first, any offered
    language for a planned tender."""
    if isinstance(owner, Event):
        return [code for code in (owner.languages or [])[1:] if code in current_app.config["LANGUAGES"]]
    return list(current_app.config["LANGUAGES"])


def _given(kind: Kind, locale: str, *, event_id: int | None = None,
           owner_id: int | None = None) -> dict[int, dict[str, str]]:
    """The texts given in ``locale``: one event's agenda (``event_id``), one owner's every field
    (``owner_id``), or the short fields (titles, summaries) of every event or tender, which list pages
    show; descriptions, which can be long, only for the one owner a page is about."""
    cache = g.setdefault("_localised_texts", {})
    key = (kind.key, locale, event_id, owner_id)
    if key not in cache:
        model = kind.model
        fields = kind.fields if event_id is not None or owner_id is not None else \
            tuple(f for f in kind.fields if f != "description")
        query = select(getattr(model, kind.key), *(getattr(model, f) for f in fields)).where(model.locale == locale)
        if event_id is not None:  # one event's agenda, not every session ever translated
            agenda = select(AgendaSession.id).where(AgendaSession.event_id == event_id)
            query = query.where(model.session_id.in_(agenda))
        if owner_id is not None:
            query = query.where(getattr(model, kind.key) == owner_id)
        cache[key] = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in db.session.execute(query)}
    return cache[key]


def localised(owner, field: str, kind: str | None = None) -> str:
    """``owner.field`` in the reader's language where given, else as first given. ``owner`` is a model
    object, or a row a page reads (with ``id``, and ``event_id`` for a session) named by ``kind``:
    "event", "session" or "intent"."""
    found = KINDS_BY_NAME[kind] if kind else KINDS.get(type(owner))
    base = getattr(owner, field)
    if found is None or field not in found.fields:
        return base
    locale = reader_locale()
    languages = getattr(owner, "languages", None) if found is EVENT else None
    if languages and languages[0] == locale:
        return base
    if found is SESSION:
        given = _given(found, locale, event_id=owner.event_id)
    elif field == "description":
        given = _given(found, locale, owner_id=owner.id)
    else:
        given = _given(found, locale)
    given = given.get(owner.id, {})
    return given.get(field) or base


def texts_of(owner, locale: str) -> dict:
    """What is given in ``locale``: for an event also each session's, by session id."""
    kind = KINDS[type(owner)]
    row = db.session.scalar(select(kind.model).where(getattr(kind.model, kind.key) == owner.id,
                                                     kind.model.locale == locale))
    found = {f: getattr(row, f) if row else "" for f in kind.fields}
    if isinstance(owner, Event):
        found["sessions"] = {
            r.session_id: {"title": r.title, "description": r.description}
            for r in db.session.scalars(select(SessionText).join(AgendaSession).where(
                AgendaSession.event_id == owner.id, SessionText.locale == locale))}
    return found


def _store(kind: Kind, owner_id: int, locale: str, values: dict[str, str]) -> None:
    model = kind.model
    values = {f: " ".join((values.get(f) or "").split()) if f != "description" else (values.get(f) or "").strip()
              for f in kind.fields}
    values = {f: v[:LIMITS[f]] for f, v in values.items()}
    where = (getattr(model, kind.key) == owner_id, model.locale == locale)
    if not any(values.values()):
        db.session.execute(delete(model).where(*where))
        return
    row = db.session.scalar(select(model).where(*where))
    if row is None:
        row = model(**{kind.key: owner_id, "locale": locale})
        db.session.add(row)
    for field, value in values.items():
        setattr(row, field, value)


def save_texts(owner, locale: str, values: dict) -> None:
    """Give (or, with every field empty, take back) the texts of ``owner`` in ``locale``; for an event,
    ``values["sessions"]`` holds its sessions' texts by session id. Only a further language is taken."""
    if locale not in further_languages(owner):
        raise DialogueError(_("Texts can be given only in the languages offered here."))
    kind = KINDS[type(owner)]
    _store(kind, owner.id, locale, values)
    if isinstance(owner, Event):
        ids = {s.id for s in owner.sessions}
        for session_id, texts in (values.get("sessions") or {}).items():
            if session_id in ids:
                _store(SESSION, session_id, locale, texts)
    db.session.flush()
    g.pop("_localised_texts", None)
    # Cached parts of the pages show these texts: the event's own, or planned tenders' titles anywhere.
    cache.bump_on_commit(db.session(), ("event", owner.id) if isinstance(owner, Event) else ("intents",))
