"""What changed between two saved versions of a profile, in words a reader follows."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue.core.countries import country_name
from dialogue.models import ElectronicsWatchStatus, FieldVisibility, LabelScheme, ProfileVersion

FIELDS = {
    "description": _l("About the organisation"), "offering": _l("Products and services"),
    "sme": _l("SME"), "countries_served": _l("Countries served"),
    "electronics_watch": _l("Electronics Watch disclosure"), "take_back": _l("Takes back used products"),
    "refurbishment": _l("Refurbishes or remanufactures"), "repair": _l("Repairs"),
    "circularity_note": _l("Take-back, refurbishment and repair"), "cpv": _l("CPV codes"),
    "labels": _l("Labels"), "resold": _l("Manufacturers resold"), "contact_name": _l("Contact person"),
    "contact_email": _l("Contact email"), "contact_visibility": _l("Who may see the contact"),
}
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_visibility")


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class VersionView:
    version: ProfileVersion
    changes: list[Change]


def label_text(entry: dict) -> str:
    """One label of a snapshot: 'TCO Certified 10 (notebooks), valid until 2027-01-31'."""
    scheme = LabelScheme(entry["scheme"])
    text = entry.get("name") if scheme == LabelScheme.OTHER and entry.get("name") else str(scheme.label)
    if entry.get("level"):
        text += f" {entry['level']}"
    if entry.get("scope"):
        text += f" ({entry['scope']})"
    if entry.get("valid_until"):
        text += ", " + _("valid until %(date)s", date=entry["valid_until"])
    return text


def _show(key: str, value) -> str:
    if value is None or value == [] or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "countries_served":
        return ", ".join(country_name(code) for code in value)
    if key == "electronics_watch":
        return str(ElectronicsWatchStatus(value).label)
    if key == "contact_visibility":
        return str(FieldVisibility(value).label)
    if key == "labels":
        return "; ".join(label_text(entry) for entry in value)
    if key == "resold":
        return ", ".join(entry["name"] for entry in value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def changes(before: dict | None, after: dict, *, show_contact: bool) -> list[Change]:
    """The fields whose value differs, before and after; the first version lists what it set."""
    found = []
    for key, label in FIELDS.items():
        if key in CONTACT_FIELDS and not show_contact:
            continue
        old = (before or {}).get(key)
        new = after.get(key)
        if old == new or (before is None and new in (None, "", [], False)):
            continue
        found.append(Change(str(label), _show(key, old), _show(key, new)))
    return found


def version_views(versions: list[ProfileVersion], *, show_contact: bool) -> list[VersionView]:
    """Versions newest first, each with what it changed from the one before."""
    ordered = sorted(versions, key=lambda v: v.version)
    views, previous = [], None
    for version in ordered:
        views.append(VersionView(version, changes(previous, version.snapshot, show_contact=show_contact)))
        previous = version.snapshot
    return list(reversed(views))
