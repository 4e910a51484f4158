"""Text written now for a person who reads it later, in their own language.

A worker has no reader: what it writes for people (a job's progress, result and failure) is kept
as the message's source (the msgid the catalogues know, a plural and its number) with its
parameters, and translated when a page shows it. Write such a text with ``deferred``/``ndeferred``
as you would with ``gettext``/``ngettext`` (the catalogue extraction knows both names), keep
``as_data()`` in a JSON column, and show it with ``shown``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext, ngettext


@dataclass(frozen=True)
class Deferred:
    msgid: str
    plural: str | None = None
    num: int | None = None
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        """The text in the current reader's language (the app's default outside a request)."""
        if self.plural is not None:
            return ngettext(self.msgid, self.plural, self.num, **self.params)
        return gettext(self.msgid, **self.params)

    def as_data(self) -> dict:
        data: dict = {"msgid": self.msgid}
        if self.plural is not None:
            data.update(plural=self.plural, num=self.num)
        if self.params:
            data["params"] = self.params
        return data


def deferred(msgid: str, **params) -> Deferred:
    return Deferred(msgid, params={k: _plain(v) for k, v in params.items()})


def ndeferred(singular: str, plural: str, num: int, **params) -> Deferred:
    return Deferred(singular, plural, num, {k: _plain(v) for k, v in params.items()})


def _plain(value):
    """Parameters are kept as JSON: numbers and text as they are, anything else as its text now."""
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def source_of(text) -> dict | None:
    """What a JSON column keeps of a text: its source for a deferred text, nothing for plain text."""
    return text.as_data() if isinstance(text, Deferred) else None


def kept(source: dict | None, fallback: str) -> Deferred | str:
    """A kept text back as it was written: its source when there is one, else the plain text."""
    if not source:
        return fallback
    return Deferred(source["msgid"], source.get("plural"), source.get("num"), source.get("params") or {})


def shown(source: dict | None, fallback: str | None) -> str | None:
    """A kept text in the reader's language; the plain text kept beside it when there is no source
    (or it cannot be read: the text is never lost for a bad translation)."""
    try:
        return str(kept(source, fallback)) if source else fallback
    except (KeyError, TypeError, ValueError):
        return fallback
