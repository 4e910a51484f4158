"""Raw answers and the summary as CSV and XLSX.

Answers are written by the public, so every exported text is treated as hostile: in CSV a cell that a
spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) gets a leading
apostrophe; in XLSX text is written as a text cell, never as a formula, and numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core.spreadsheet import neutralise
from dialogue.extensions import db
from dialogue.gdpr.names import person_name
from dialogue.models import Membership, SurveyInvitation, SurveyQuestion, SurveyResponse, User
from dialogue.models import SurveyQuestionKind as K
from dialogue.surveys.answers import OTHER
from dialogue.surveys.results import Results, role_label, yes_no_label

BOLD = Font(bold=True)


def safe_cell(value):
    """A value for a CSV cell that no spreadsheet will evaluate."""
    return neutralise(value) if isinstance(value, str) else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for r, row in enumerate([list(header), *rows], start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # text stays text, even "=HYPERLINK(...)"
            else:
                cell.value = value
            if r == 1:
                cell.font = BOLD
    for c in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 24
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def answer_cell(question: SurveyQuestion, answer):
    if answer is None:
        return None
    if question.kind in (K.RATING, K.NPS, K.NUMBER):
        if answer.number is None:
            return None
        return int(answer.number) if float(answer.number).is_integer() else answer.number
    if question.kind == K.YES_NO:
        return "; ".join(yes_no_label(c) for c in answer.choices or [])
    if answer.choices is not None:
        parts = [c for c in answer.choices if c != OTHER]
        if OTHER in answer.choices:
            parts.append(_("Other: %(text)s", text=answer.text or ""))
        return "; ".join(parts)
    return answer.text


def raw_table(survey, questions: list[SurveyQuestion], role: str | None = None) -> tuple[list[str], list[list]]:
    """One row per response, one column per question. Named surveys add who answered, when, and the role.

    Anonymous rows carry answers only: a role column (or a role filter) would single out the only
    reseller who answered. Rows come in the order of the random response key, not of arrival.
    """
    query = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id) \
        .options(selectinload(SurveyResponse.answers)).order_by(SurveyResponse.id)
    if role and not survey.anonymous:
        query = query.where(SurveyResponse.role == role)
    if not survey.anonymous:
        query = query.options(joinedload(SurveyResponse.invitation).joinedload(SurveyInvitation.user)
                              .joinedload(User.membership).joinedload(Membership.organisation))
    responses = list(db.session.scalars(query))
    header = [_("Response")]
    if not survey.anonymous:
        header += [_("Name"), _("Email"), _("Organisation"), _("Submitted (UTC)"), _("Last changed (UTC)")]
        header.append(_("Role"))
    header += [q.text for q in questions]
    rows = []
    for number, response in enumerate(responses, start=1):
        row: list = [number]
        if not survey.anonymous:
            user = response.invitation.user if response.invitation else None
            row += [person_name(user), user.email if user else None,
                    user.organisation.name if user and user.organisation else None,
                    response.submitted_at.strftime("%Y-%m-%d %H:%M") if response.submitted_at else None,
                    response.updated_at.strftime("%Y-%m-%d %H:%M") if response.updated_at else None,
                    role_label(response.role)]
        by_question = {a.question_id: a for a in response.answers}
        row += [answer_cell(q, by_question.get(q.id)) for q in questions]
        rows.append(row)
    return header, rows


def record_export(survey, actor, what: str, fmt: str, rows: int, role: str | None = None) -> None:
    """Every export of answers or results is in the event's audit log: who took what, when."""
    from dialogue.audit.services import record_action

    label = {"answers": "the answers", "summary": "the results summary"}.get(what, what)
    record_action(actor, "survey.export", f"Exported {label} of the survey “{survey.title}” as {fmt.upper()} "
                  f"({rows} rows" + (f", role {role}" if role else "") + ")", event=survey.event,
                  survey_id=survey.id, what=what, format=fmt, role=role)


def summary_table(results: Results) -> tuple[list[str], list[list]]:
    """The results page as rows: one per option or scale point, plus means, NPS and free text."""
    header = [_("Question"), _("Type"), _("Answer"), _("Count"), _("Percent"), _("Answered")]
    rows: list[list] = [[_("Response rate"), None, role_label(results.role) if results.role else _("Everyone"),
                         results.responses, results.rate, results.invited]]
    for item in results.questions:
        q = item.question
        kind = str(q.kind.label)
        for row in item.rows:
            rows.append([q.text, kind, row.label, row.count, row.percent, item.answered])
        for label, value in ((_("Mean"), item.mean), (_("Median"), item.median), (_("Lowest"), item.minimum),
                             (_("Highest"), item.maximum)):
            if value is not None:
                rows.append([q.text, kind, label, value, None, item.answered])
        if item.nps:
            rows.append([q.text, kind, _("NPS score"), item.nps["score"], None, item.answered])
        for text in item.texts:
            rows.append([q.text, kind, text, None, None, item.answered])
        if not item.rows and not item.texts and item.mean is None:
            rows.append([q.text, kind, None, None, None, item.answered])
    return header, rows
