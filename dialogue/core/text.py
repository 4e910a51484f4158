"""User-written text: Markdown rendered and then sanitised, so no script ever reaches a page."""

from __future__ import annotations

import html
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from dialogue.core.errors import DialogueError

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(source: str | None) -> Markup:
    if not source:
        return Markup("")
    html = _md.render(source)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"align"},
                                                           "td": {"align"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def plain_text(source: str | None) -> str:
    """Strip every tag, for places that show text only (mail subjects, exports, calendar files).

    The result is text, not HTML: "R&D" stays "R&D" (nh3 answers "R&amp;D"), so whatever writes it
    (icalendar, a CSV writer, a Jinja template) escapes it once, for its own format.
    """
    if not source:
        return ""
    return html.unescape(nh3.clean(source, tags=set()))


def without_controls(text: str) -> str:
    """``text`` with no invisible characters: controls (Cc) and line breaks become a space, format
    characters (Cf: bidi overrides such as U+202E, zero-width spaces, byte-order marks) are dropped.

    For names shown as one line (file names, titles): a right-to-left override before "fdp.exe" makes
    a program's name read as a PDF's, and a zero-width character hides a difference between two names.
    """
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in text if unicodedata.category(c) != "Cf")


def bounded_text(value: str | None, *, field: str, limit: int, too_long: str) -> str:
    """``value`` without invisible characters and surrounding space; refused for ``field`` past ``limit``."""
    text = without_controls(value or "").strip()
    if len(text) > limit:
        raise DialogueError(too_long, field=field)
    return text
