"""The group's library of harmonised criteria. Coordinators add and edit; each edit is a new version and
every earlier version is kept, so a tender that adopted an earlier one can be compared with it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.text import without_controls
from dialogue.extensions import db
from dialogue.groups import access
from dialogue.models import (
    BuyerGroup,
    CriterionKind,
    HarmonisedCriterion,
    HarmonisedCriterionVersion,
    User,
    Verification,
    utcnow,
)

# The criteria types of the procurement directive, which a harmonised criterion is one of.
KINDS = {
    CriterionKind.EXCLUSION: _l("Exclusion criterion"),
    CriterionKind.SELECTION: _l("Selection criterion"),
    CriterionKind.TECHNICAL_SPECIFICATION: _l("Technical specification"),
    CriterionKind.AWARD: _l("Award criterion"),
    CriterionKind.CONTRACT_PERFORMANCE: _l("Contract performance clause"),
}
# What a criterion is about, as on a planned tender's criteria (IntentCriterion.subject).
SUBJECTS = {
    "tco_certified": _l("TCO Certified"), "epeat": _l("EPEAT"), "blue_angel": _l("Blue Angel"),
    "electronics_watch": _l("Electronics Watch affiliation"), "refurbished": _l("Refurbished or remanufactured"),
    "take_back": _l("Take-back"), "repairability": _l("Repairability"),
}
MAX_TITLE = 200
MAX_TEXT = 2000  # as a planned tender's criterion text, which adopts it


def kind_label(kind: CriterionKind) -> str:
    return str(KINDS.get(kind, kind))


@dataclass
class CriterionInput:
    title: str
    text: str
    kind: str
    verification: str
    subject: str | None = None


def _clean(data: CriterionInput) -> dict:
    title = without_controls(data.title or "").strip()
    if not title:
        raise DialogueError(_("Give the criterion a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DialogueError(_("Keep the title under %(n)d characters.", n=MAX_TITLE), field="title")
    text = (data.text or "").strip()
    if not text:
        raise DialogueError(_("Write the criterion's text."), field="text")
    if len(text) > MAX_TEXT:
        raise DialogueError(_("Keep the text under %(n)d characters.", n=MAX_TEXT), field="text")
    try:
        kind = CriterionKind(data.kind)
        verification = Verification(data.verification)
    except ValueError:
        raise DialogueError(_("Choose the kind and the verification from the lists.")) from None
    if kind not in KINDS:
        raise DialogueError(_("Choose the kind from the list."), field="kind")
    subject = data.subject or None
    if subject is not None and subject not in SUBJECTS:
        raise DialogueError(_("Choose the subject from the list."), field="subject")
    return {"title": title, "text": text, "kind": kind, "verification": verification, "subject": subject}


def _keep_version(criterion: HarmonisedCriterion, actor: User | None) -> None:
    criterion.versions.append(HarmonisedCriterionVersion(
        version=criterion.version, title=criterion.title, text=criterion.text, kind=criterion.kind,
        verification=criterion.verification, subject=criterion.subject,
        saved_by_id=actor.id if actor is not None else None))


def add_criterion(group: BuyerGroup, actor: User, data: CriterionInput) -> HarmonisedCriterion:
    if not access.is_coordinator(group, actor):
        raise NotAllowed(_("Only the group's coordinators can do this."))
    criterion = HarmonisedCriterion(group=group, version=1, position=len(group.criteria), **_clean(data))
    _keep_version(criterion, actor)
    db.session.add(criterion)
    db.session.flush()
    record_action(actor, "group.criterion_added", f"Harmonised criterion {criterion.title} added to {group.name}",
                  group=group.slug, criterion_id=criterion.id)
    return criterion


def edit_criterion(criterion: HarmonisedCriterion, actor: User, data: CriterionInput) -> HarmonisedCriterion:
    """Save a new version; refused when nothing changed (a version number means a change)."""
    group = criterion.group
    if not access.is_coordinator(group, actor):
        raise NotAllowed(_("Only the group's coordinators can do this."))
    clean = _clean(data)
    if all(getattr(criterion, name) == value for name, value in clean.items()):
        raise Conflict(_("Nothing changed: this is version %(n)d.", n=criterion.version))
    for name, value in clean.items():
        setattr(criterion, name, value)
    criterion.version += 1
    criterion.updated_at = utcnow()
    _keep_version(criterion, actor)
    db.session.flush()
    record_action(actor, "group.criterion_edited",
                  f"Harmonised criterion {criterion.title} of {group.name} is now version {criterion.version}",
                  group=group.slug, criterion_id=criterion.id, version=criterion.version)
    return criterion
