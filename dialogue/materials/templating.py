"""Template helpers: what the event page's section and the materials pages call.

Registered as app-wide template globals so other features' templates (the event page, an intent's
page) can include ``materials/_event_section.html`` or ``materials/_intent_section.html``. An event's
listing is rendered once per version of its materials, language and audience (``event_materials_html``);
an intent's is computed once per request, with a constant number of queries.
"""

from __future__ import annotations

from flask import g, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from dialogue.core import cache
from dialogue.materials import access, bp, listing, services
from dialogue.materials.filetypes import FILE_TYPES
from dialogue.materials.forms import INTENT_VISIBILITY_LABELS, LANGUAGE_NAMES, VISIBILITY_LABELS
from dialogue.models import EventIntent, Intent, Material, MaterialVersion


def _user():
    return current_user if current_user.is_authenticated else None


def _once_per_request(name: str, owner, build):
    """What ``build`` gives for this event or intent, computed once per request however often a page asks."""
    cache = g.setdefault(name, {})
    if owner.id not in cache:
        cache[owner.id] = build(owner, _user())
    return cache[owner.id]


@bp.app_template_global()
def event_materials_html(event, template: str, organiser: bool | None = None, participant: bool | None = None,
                         speaker_sessions=None):
    """``template`` (given ``event`` and ``materials``) rendered for the current person, reused for
    everyone who would see the same: the key is the event's materials' versions, the language and the
    person's ``listing.audience``. The full listing is read only when the fragment is built. The event
    page passes whether the person organises or takes part and the sessions they speak in, which it has
    already looked up."""
    viewer = access.event_viewer(event, _user(), organiser=organiser, participant=participant,
                                 speaker_sessions=speaker_sessions)
    return cache.fragment(template, listing.event_scopes(event), lambda: render_template(
        template, event=event, materials=listing.list_event_materials(event, viewer)),
        audience=listing.audience(event, viewer))


@bp.app_template_global()
def intent_materials(intent):
    """The intent's materials as the current person may see them (for the intent page's section)."""
    return _once_per_request("_intent_materials", intent,
                             lambda i, user: listing.list_intent_materials(i, access.intent_viewer(i, user)))


@bp.app_template_global()
def material_language(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


@bp.app_template_global()
def material_visibility(material) -> str:
    labels = INTENT_VISIBILITY_LABELS if material.intent_id is not None else VISIBILITY_LABELS
    return str(labels[material.visibility])


@bp.app_template_global()
def material_kind(version) -> str:
    """'PDF, 1.2 MB' or 'Link': what a download link leads to."""
    if version is None:
        return ""
    if version.is_link:
        return _("Link")
    kind = FILE_TYPES.get(version.extension)
    return f"{kind.label if kind else version.extension.upper()}, {filesize(version.size)}"


@bp.app_template_filter("material_size")
def filesize(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", n)
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}" if n < 10 else f"{n:.0f} {unit}"
    return ""


@bp.app_template_global()
def material_zone(material) -> str:
    """Times of event materials in the event's zone; of intent documents in the reader's own."""
    if material.event is not None:
        return material.event.timezone
    return current_user.timezone if current_user.is_authenticated else "UTC"


@bp.app_template_global()
def material_accept() -> str:
    """The file input's accept list: a hint for the file picker; the server decides by content."""
    return ",".join(f".{t.extension}" for t in services.accepted())


def _material_scopes(material) -> list[tuple]:
    if material.event_id is not None:
        return [("event", material.event_id)]
    return [("intent", material.intent_id), ("intent-materials",)]


# What the cached materials sections show (dialogue.core.cache): an event's own items move ("event", id);
# documents of planned tenders, which every event presenting the tender shows, move ("intent-materials",).
cache.watch(Material, _material_scopes)
cache.watch(MaterialVersion, lambda version: _material_scopes(version.material))
cache.watch(EventIntent, lambda link: [("event", link.event_id), ("intent", link.intent_id)])
cache.watch(Intent, lambda intent: [("intent", intent.id), ("intent-materials",)]
            if cache.changed(intent, "title", "status", "buyer_id") else [])
