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


def rows(full: FullMatrix, zone: str | None = None) -> list[list]:
    zone = zone or full.matrix.intent.timezone
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


def published_rows(full: FullMatrix, zone: str) -> list[list]:
    """The published counts as they were published (none when nothing is)."""
    matrix = full.matrix
    if matrix.published_aggregate is None:
        return []
    when = to_zone(matrix.published_at, zone).replace(tzinfo=None)
    return [[when, row["title"], row["meets_today"], row["can_meet_by"], row["latest_by_date"] or "", row["cannot"],
             row["not_applicable"], row["responding"]] for row in matrix.published_aggregate["criteria"]]


def record_tables(matrices: list[FullMatrix], zone: str, *, answers: bool = True) -> list[tuple[str, list, list]]:
    """The consultation record's files: the counts as published and, for the buyer's own record, every answer.

    An event's organisers are not necessarily the buyer: their record holds the published counts only.
    """
    published = [[full.matrix.intent.title, *row] for full in matrices for row in published_rows(full, zone)]
    tables = [("readiness_published.csv", [
        _("Planned tender"), _("Published (%(zone)s)", zone=zone), _("Criterion"), _("Meet it today"),
        _("Can meet it later"), _("Latest date given"), _("Cannot meet it"), _("Not applicable"), _("Answered")],
        published)]
    if answers:
        tables.append(("readiness_answers.csv", [_("Planned tender"), *headings(zone)],
                       [[full.matrix.intent.title, *row] for full in matrices for row in rows(full, zone)]))
    return tables
