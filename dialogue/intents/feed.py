"""An Atom (RFC 4287) feed of announced intents, with the list's filters."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask_babel import gettext as _
from markupsafe import escape

from dialogue.core.text import render_markdown
from dialogue.intents.criteria import criterion_title
from dialogue.intents.ocds import iso
from dialogue.models import Intent, utcnow

ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def build(intents: list[Intent], *, title: str, self_url: str, html_url: str, entry_url,
          labels: dict[str, str]) -> bytes:
    """``entry_url(intent)`` gives each intent's page. Text is escaped by the XML writer; the
    summary is the sanitised HTML of the description, sent as escaped ``type="html"``."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    updated = max((i.updated_at for i in intents), default=None) or utcnow()
    _sub(feed, "updated", iso(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    _sub(feed, "generator", "Dialogue")
    for intent in intents:
        url = entry_url(intent)
        entry = _sub(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", f"{intent.title} ({intent.buyer.name})")
        _sub(entry, "updated", iso(intent.updated_at))
        _sub(entry, "published", iso(intent.announced_at or intent.created_at))
        author = _sub(entry, "author")
        _sub(author, "name", intent.buyer.name)
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        for code in intent.all_cpv_codes:
            _sub(entry, "category", term=code, scheme="https://simap.ted.europa.eu/cpv", label=labels.get(code))
        lines = []
        if intent.planned_notice_date:
            lines.append(f"<p>{escape(_('Planned contract notice'))}: {intent.planned_notice_date.isoformat()}</p>")
        criteria = ", ".join(criterion_title(c) for c in intent.criteria)
        summary = str(render_markdown(intent.description))
        if criteria:
            lines.append(f"<p>{escape(_('Intended criteria'))}: {escape(criteria)}</p>")
        _sub(entry, "summary", "".join(lines) + summary, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
