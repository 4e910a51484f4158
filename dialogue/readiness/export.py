"""The buyer's export of the matrix: one row per (organisation, criterion), written by the shared
spreadsheet-safe writer, so no answer a supplier typed can run as a formula."""

from __future__ import annotations

from flask_babel import gettext as _

from dialogue.audit.services import record_action
from dialogue.core.timeutil import to_zone
from dialogue.models import User
from dialogue.readiness.queries import FullMatrix


def headings(zone: str) -> list[str]:
    return [_("Organisation"), _("Kind"), _("Country"), _("No."), _("Criterion"), _("Criterion text"), _("Answer"),
            _("By date"), _("Comment"), _("Evidence link"), _("Evidence file"), _("Answered (%(zone)s)", zone=zone)]


def rows(full: FullMatrix) -> list[list]:
    zone = full.matrix.intent.timezone
    out = []
    for organisation, number, criterion, answer in full.rows():
        out.append([organisation.name, str(organisation.kind.label), organisation.country, number, criterion.title,
                    criterion.text, str(answer.choice.label) if answer else "", answer.by_date if answer else None,
                    answer.comment if answer else "", (answer.evidence_url or "") if answer else "",
                    (answer.evidence_filename or "") if answer else "",
                    to_zone(answer.updated_at, zone).replace(tzinfo=None) if answer else None])
    return out


def filename(intent_id: int, fmt: str) -> str:
    return f"planned-tender-{intent_id}-readiness.{fmt}"


def record_export(full: FullMatrix, actor: User, fmt: str) -> None:
    """The export names every answering organisation: taking it is in the audit log."""
    intent = full.matrix.intent
    record_action(actor, "readiness.export", f"Exported the readiness matrix of “{intent.title}” as "
                  f"{fmt.upper()}", intent=intent, format=fmt, organisations=len(full.organisations))
