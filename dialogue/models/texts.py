"""Texts of an event, its agenda and a planned tender in further languages.

The columns of ``events``, ``agenda_sessions`` and ``intents`` hold the text as first given; a row here
gives the same field in another language. A reader gets the text in their language where one is
given, else the first given (``dialogue.i18n.texts``).
"""

from __future__ import annotations

__all__ = ["EventText", "IntentText", "SessionText"]

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.models.base import PkModel


class InLanguage:
    """What every texts table holds: the language, and the title and description in it."""

    locale: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class EventText(InLanguage, PkModel):
    __tablename__ = "event_texts"
    __table_args__ = (UniqueConstraint("event_id", "locale"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")


class SessionText(InLanguage, PkModel):
    __tablename__ = "agenda_session_texts"
    __table_args__ = (UniqueConstraint("session_id", "locale"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)


class IntentText(InLanguage, PkModel):
    __tablename__ = "intent_texts"
    __table_args__ = (UniqueConstraint("intent_id", "locale"),)

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
