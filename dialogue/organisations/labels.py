"""Labels an organisation holds (TCO Certified, EPEAT, Blue Angel, ...), each with evidence and a validity date.

Evidence is a link or a file. A file goes through the same checks as materials (a safe name, content
that is what the name says, the same size limit) but only PDF and images are taken: a certificate or
a registry page saved as PDF. Evidence files are kept in their own store, apart from materials, so
the materials' clean-up never takes a file a label still points to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.core.errors import DialogueError, NotFound
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.materials.filetypes import accepted_types
from dialogue.materials.services import UploadTooLargeError, max_upload_bytes, megabytes, stage_upload
from dialogue.materials.storage import Storage, get_storage
from dialogue.models import LabelScheme, Organisation, OrganisationProfile, ProfileLabel, User
from dialogue.organisations.profiles import get_or_create_profile, record_version
from dialogue.organisations.services import require_org_admin

EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg")
EPEAT_TIERS = ("bronze", "silver", "gold")


@dataclass
class LabelInput:
    scheme: str
    level: str = ""
    name: str = ""
    scope: str = ""
    valid_until: dt.date | None = None
    evidence_url: str = ""
    filename: str | None = None
    stream: BinaryIO | None = None


def evidence_storage() -> Storage:
    """Label evidence, kept apart from materials (``UPLOAD_DIR/evidence``)."""
    return get_storage("evidence")


def _stage_evidence(filename: str | None, stream: BinaryIO):
    try:
        return stage_upload(stream, filename, types=accepted_types(EVIDENCE_TYPES), storage=evidence_storage())
    except UploadTooLargeError:
        raise UploadTooLargeError(_("The evidence file is larger than the limit of %(mb)s MB. Save a smaller "
                                    "PDF, or give a link to the certificate instead.",
                                    mb=megabytes(max_upload_bytes())), field="file") from None


def _clean(data: LabelInput, today: dt.date) -> dict:
    try:
        scheme = LabelScheme(data.scheme)
    except ValueError:
        raise DialogueError(_("Choose a label from the list."), field="scheme") from None
    level = " ".join((data.level or "").split()) or None
    if level and len(level) > 40:
        raise DialogueError(_("Keep the generation, tier or criteria under 40 characters."), field="level")
    if scheme == LabelScheme.EPEAT and level:
        level = level.lower()
        if level not in EPEAT_TIERS:
            raise DialogueError(_("An EPEAT tier is bronze, silver or gold."), field="level")
    name = " ".join((data.name or "").split()) or None
    if scheme == LabelScheme.OTHER and not name:
        raise DialogueError(_("Give the label's name."), field="name")
    if name and len(name) > 200:
        raise DialogueError(_("Keep the name under 200 characters."), field="name")
    scope = " ".join((data.scope or "").split())
    if len(scope) > 300:
        raise DialogueError(_("Keep the products it covers under 300 characters."), field="scope")
    if data.valid_until is not None and data.valid_until < today:
        raise DialogueError(_("This date has passed: a label that is no longer valid cannot be added."),
                            field="valid_until")
    url = clean_http_url(data.evidence_url, "evidence_url", max_length=500)
    has_file = data.stream is not None and bool(data.filename)
    if url and has_file:
        raise DialogueError(_("Give a link or a file as evidence, not both."), field="file")
    if not url and not has_file:
        raise DialogueError(_("Give a link to the certificate or registry entry, or upload it as a file."),
                            field="evidence_url")
    return {"scheme": scheme, "level": level, "name": name if scheme == LabelScheme.OTHER or name else None,
            "scope": scope, "valid_until": data.valid_until, "evidence_url": url}


def add_label(org: Organisation, actor: User, data: LabelInput, *, today: dt.date | None = None) -> ProfileLabel:
    """Add a label with its evidence: a new version of the profile."""
    require_org_admin(org, actor)
    values = _clean(data, today or dt.date.today())
    profile = get_or_create_profile(org)
    label = ProfileLabel(profile=profile, **values)
    if values["evidence_url"]:
        db.session.add(label)
        record_version(profile, actor, "organisation.label_added", f"Added the label {describe(label)}")
        return label
    staged, name, mime = _stage_evidence(data.filename, data.stream)
    try:
        label.evidence_sha256, label.evidence_filename, label.evidence_mimetype = staged.sha256, name, mime
        db.session.add(label)
        record_version(profile, actor, "organisation.label_added", f"Added the label {describe(label)}")
        staged.keep()  # the row exists only in this transaction; the file is in place before it commits
    finally:
        staged.discard()
    return label


def remove_label(org: Organisation, actor: User, label_id: int) -> ProfileLabel:
    """Remove a label: a new version. Its evidence file stays, as earlier versions point to it."""
    require_org_admin(org, actor)
    label = get_label(org, label_id)
    profile = label.profile
    db.session.delete(label)
    record_version(profile, actor, "organisation.label_removed", f"Removed the label {describe(label)}")
    return label


def get_label(org: Organisation, label_id: int) -> ProfileLabel:
    label = db.session.scalar(select(ProfileLabel).join(OrganisationProfile).where(
        ProfileLabel.id == label_id, OrganisationProfile.organisation_id == org.id))
    if label is None:
        raise NotFound(_("This label is not on the organisation's profile."))
    return label


def describe(label: ProfileLabel) -> str:
    """'TCO Certified 10', 'EPEAT gold', or the other label's name."""
    base = label.name if label.scheme == LabelScheme.OTHER and label.name else str(label.scheme.label)
    return f"{base} {label.level}" if label.level else base
