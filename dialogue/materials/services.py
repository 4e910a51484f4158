"""The rules for adding, replacing, changing, removing and counting materials.

Services never commit; the view does, once. A refused upload leaves nothing behind: the file is
checked while still under its temporary name and discarded on any refusal or error, and no row is
written before the file is safely in place.
"""

from __future__ import annotations

from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from dialogue.audit.services import record_action
from dialogue.core.errors import DialogueError, NotAllowed
from dialogue.core.text import without_controls
from dialogue.core.urls import URL_MESSAGE, clean_http_url
from dialogue.extensions import db
from dialogue.materials import access
from dialogue.materials.filetypes import accepted_types, check_content, clean_filename, type_for_name
from dialogue.materials.storage import Storage, UploadTooLarge, get_storage
from dialogue.models import (
    AgendaSession,
    Event,
    Intent,
    Material,
    MaterialDownload,
    MaterialVersion,
    MaterialVisibility,
    User,
    utcnow,
)

# Removed content is purged at once unless it was written this recently: a concurrent upload of the
# same bytes may have just put it in place and not yet committed its row. ``flask materials gc``
# takes care of the rest. Configurable as MATERIAL_PURGE_GRACE_SECONDS.
PURGE_GRACE_SECONDS = 60


class UploadTooLargeError(DialogueError):
    status_code = 413


def accepted() -> list:
    return accepted_types(current_app.config.get("MATERIAL_TYPES"))


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_BYTES"])


def megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def clean_link(url: str | None) -> str:
    link = clean_http_url(url, "link", max_length=1000)
    if link is None:
        raise DialogueError(str(URL_MESSAGE), field="link")
    return link


def _clean_metadata(title: str | None, description: str | None, language: str | None,
                    visibility: MaterialVisibility | str | None, fallback_title: str | None = None):
    title = " ".join(without_controls(title or "").split()) or (fallback_title or "")
    if not title:
        raise DialogueError(_("Give the material a title."), field="title")
    if len(title) > 300:
        raise DialogueError(_("Keep the title under 300 characters."), field="title")
    description = (description or "").strip()
    if len(description) > 5000:
        raise DialogueError(_("Keep the description under 5,000 characters."), field="description")
    language = (language or "en").strip().lower()
    if not language.isalpha() or len(language) > 8:
        raise DialogueError(_("Choose a language."), field="language")
    try:
        visibility = MaterialVisibility(visibility)
    except ValueError:
        raise DialogueError(_("Choose who may see the material."), field="visibility") from None
    return title, description, language, visibility


def stage_upload(stream: BinaryIO, filename: str | None, *, types: list | None = None,
                 storage: Storage | None = None):
    """Receive and check one file; returns the staged file, its clean name and type. Nothing kept on refusal.

    Other features' uploads (an organisation's label evidence) take the same checks with their own
    accepted ``types`` and ``storage``; the defaults are the materials' own.
    """
    name = clean_filename(filename)
    kind = type_for_name(name, types or accepted())
    limit = max_upload_bytes()
    try:
        staged = (storage or get_storage()).receive(stream, limit)
    except UploadTooLarge:
        raise UploadTooLargeError(_("The file is larger than the limit of %(mb)s MB. Make it smaller (for "
                                    "example, export the slides as PDF) or share a link instead.",
                                    mb=megabytes(limit)), field="file") from None
    try:
        mime = check_content(staged.path, staged.head, staged.size, kind)
    except BaseException:
        staged.discard()
        raise
    return staged, name, mime


def _add_version(material: Material, user: User, *, filename: str | None, stream: BinaryIO | None,
                 link_url: str | None, note: str | None) -> MaterialVersion:
    has_file = stream is not None and bool(filename)
    has_link = bool((link_url or "").strip())
    if has_file and has_link:
        raise DialogueError(_("Choose a file or give a link, not both."), field="file")
    if not has_file and not has_link:
        raise DialogueError(_("Choose a file to upload, or give a link."), field="file")
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise DialogueError(_("Keep the note under 300 characters."), field="note")
    number = (max((v.number for v in material.versions), default=0)) + 1
    if has_link:
        version = MaterialVersion(number=number, link_url=clean_link(link_url), note=note, uploaded_by=user)
        material.versions.append(version)
        db.session.flush()
        return version
    staged, name, mime = stage_upload(stream, filename)
    try:
        version = MaterialVersion(number=number, sha256=staged.sha256, size=staged.size, content_type=mime,
                                  filename=name, note=note, uploaded_by=user)
        material.versions.append(version)
        db.session.flush()
        staged.keep()  # the row exists only in this transaction; the file is in place before it commits
    finally:
        staged.discard()
    return version


def _check_target(user: User, event: Event | None, session: AgendaSession | None, intent: Intent | None):
    if sum(x is not None for x in (event, intent)) != 1:
        raise ValueError("a material belongs to one event (optionally one of its sessions) or one intent")
    if session is not None and session.event_id != event.id:
        raise ValueError("the session is not part of the event")
    if intent is not None:
        if not access.can_upload_to_intent(intent, access.intent_viewer(intent, user)):
            raise NotAllowed(_("Only the staff of %(buyer)s can add documents to this planned tender.",
                               buyer=intent.buyer.name))
        return
    viewer = access.event_viewer(event, user)
    allowed = (access.can_upload_to_session(session, viewer) if session is not None
               else access.can_upload_to_event(event, viewer))
    if not allowed:
        raise NotAllowed(_("Only the organisers, and speakers for their own session, can add materials here."))


def upload_material(user: User, *, event: Event | None = None, session: AgendaSession | None = None,
                    intent: Intent | None = None, title: str | None = None, description: str | None = "",
                    language: str | None = "en", visibility: MaterialVisibility | str | None = None,
                    filename: str | None = None, stream: BinaryIO | None = None, link_url: str | None = None,
                    note: str | None = "") -> Material:
    """Add a material with its first version (a file or a link).

    Organisers may add to the event and any session, speakers to their own session, a buyer's staff
    to their intents. Event materials default to registered participants, so every participant gets
    the same material; intent documents default to public.
    """
    _check_target(user, event, session, intent)
    if visibility is None or visibility == "":
        visibility = MaterialVisibility.PUBLIC if intent is not None else MaterialVisibility.PARTICIPANTS
    fallback = None
    if filename and "." in filename and "\x00" not in filename and "/" not in filename and "\\" not in filename:
        fallback = filename.rsplit(".", 1)[0].replace("_", " ").strip()
    title, description, language, visibility = _clean_metadata(title, description, language, visibility,
                                                               fallback_title=fallback)
    material = Material(event=event, session=session, intent=intent, title=title, description=description,
                        language=language, visibility=visibility, uploaded_by=user,
                        organisation_id=user.membership.organisation_id if user.membership else None)
    db.session.add(material)
    version = _add_version(material, user, filename=filename, stream=stream, link_url=link_url, note=note)
    _audit(user, "material.upload", f"Published “{material.title}” for {material.visibility.value}: "
           f"{_describe(version)}", material)
    return material


def _describe(version: MaterialVersion) -> str:
    if version.is_link:
        return f"link {version.link_url}"
    return f"{version.filename} ({version.size} bytes, sha256 {version.sha256[:12]}…)"


def _audit(user: User | None, action: str, summary: str, material: Material, **details) -> None:
    record_action(user, action, summary, event=material.event, intent=material.intent, material_id=material.id,
                  visibility=material.visibility.value, **details)


def _require_manage(material: Material, user: User) -> None:
    if material.is_removed:
        raise DialogueError(_("This material has been removed."))
    if not access.can_manage(material, access.viewer_for(material, user)):
        raise NotAllowed(_("Only the person who added this material, their organisation's administrators "
                           "and the organisers can change it."))


def replace_material(material: Material, user: User, *, filename: str | None = None,
                     stream: BinaryIO | None = None, link_url: str | None = None,
                     note: str | None = "") -> MaterialVersion:
    """Add a new current version; earlier versions stay listed and downloadable."""
    _require_manage(material, user)
    # Serialise concurrent replacements of one item so version numbers stay unique (PostgreSQL).
    db.session.execute(select(Material.id).where(Material.id == material.id).with_for_update())
    version = _add_version(material, user, filename=filename, stream=stream, link_url=link_url, note=note)
    material.updated_at = utcnow()
    _audit(user, "material.replace", f"Replaced “{material.title}” with version {version.number}: "
           f"{_describe(version)}", material, version=version.number)
    return version


def update_material(material: Material, user: User, *, title: str | None, description: str | None,
                    language: str | None, visibility: MaterialVisibility | str | None) -> None:
    _require_manage(material, user)
    before = material.visibility
    material.title, material.description, material.language, material.visibility = _clean_metadata(
        title, description, language, visibility)
    if material.visibility != before:
        _audit(user, "material.visibility", f"Changed who sees “{material.title}” from {before.value} to "
               f"{material.visibility.value}", material, previous=before.value)


def remove_material(material: Material, user: User) -> list[str]:
    """Remove an item from view. The record of what was published stays; the returned hashes are
    the stored files to purge after the commit (see ``purge_files``)."""
    _require_manage(material, user)
    material.removed_at = utcnow()
    material.removed_by_id = user.id
    _audit(user, "material.delete", f"Removed “{material.title}” ({len(material.versions)} versions); the "
           "record of its publication stays", material)
    return sorted({v.sha256 for v in material.versions if v.sha256})


def referenced_hashes(hashes: list[str] | None = None) -> set[str]:
    """Stored files still used by a version of an item that has not been removed."""
    query = (select(MaterialVersion.sha256).join(Material, Material.id == MaterialVersion.material_id)
             .where(Material.removed_at.is_(None), MaterialVersion.sha256.is_not(None)))
    if hashes is not None:
        query = query.where(MaterialVersion.sha256.in_(hashes))
    return set(db.session.scalars(query))


def _grace() -> float:
    return float(current_app.config.get("MATERIAL_PURGE_GRACE_SECONDS", PURGE_GRACE_SECONDS))


def purge_files(hashes: list[str], grace_seconds: float | None = None) -> int:
    """Delete stored files no live item uses any more. Call after the commit that removed them."""
    if not hashes:
        return 0
    grace_seconds = _grace() if grace_seconds is None else grace_seconds
    storage = get_storage()
    keep = referenced_hashes(hashes)
    return sum(storage.delete(h, older_than=grace_seconds) for h in hashes if h not in keep)


def collect_garbage(partial_age_seconds: float = 3600) -> tuple[int, int]:
    """Remove stored files nothing references and temporary files of interrupted uploads."""
    storage = get_storage()
    keep = referenced_hashes()
    removed = sum(storage.delete(h, older_than=_grace()) for h in list(storage.hashes())
                  if h not in keep)
    return removed, storage.sweep_partials(partial_age_seconds)


def record_download(material: Material, version: MaterialVersion | None, user: User | None,
                    via_package: bool = False) -> None:
    organisation_id = user.membership.organisation_id if (
        user is not None and user.is_authenticated and user.membership) else None
    db.session.add(MaterialDownload(material_id=material.id, version_id=version.id if version else None,
                                    organisation_id=organisation_id, via_package=via_package))


def record_downloads(materials: list[Material], user: User | None) -> None:
    for material in materials:
        record_download(material, material.current, user, via_package=True)


def download_counts(material_ids: list[int]) -> dict[int, int]:
    if not material_ids:
        return {}
    return dict(db.session.execute(
        select(MaterialDownload.material_id, func.count()).where(MaterialDownload.material_id.in_(material_ids))
        .group_by(MaterialDownload.material_id)).all())


def downloads_by_organisation(material_ids: list[int]) -> list[tuple[str, int]]:
    """(organisation name, downloads), most first; downloads by people without one are grouped."""
    from dialogue.models import Organisation

    if not material_ids:
        return []
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, func.count(MaterialDownload.id))
        .select_from(MaterialDownload)
        .outerjoin(Organisation, Organisation.id == MaterialDownload.organisation_id)
        .where(MaterialDownload.material_id.in_(material_ids))
        .group_by(Organisation.id, Organisation.name)).all()
    result = [(name or _("No organisation or not signed in"), count) for _id, name, count in rows]
    return sorted(result, key=lambda row: (-row[1], row[0]))
