"""The attendance export: an event's registrations as CSV or XLSX, with the columns and rows chosen.

Rows are read from the database in batches and written out as they come, so an export of tens of
thousands of registrations never sits in memory. Spreadsheets must not run what participants typed:
in CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
an apostrophe (the usual neutralisation), and in XLSX every text is written as text, never as a
formula. Times are given in the event's time zone, which the column heading names; in XLSX they are
real dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import Event, ParticipantRole, Registration, RegistrationQuestion, RegistrationState

BATCH = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# key: label. "answers" becomes one column per registration question; "consent" three columns.
COLUMNS = {
    "person": _l("Person"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "role": _l("Role"),
    "state": _l("State"),
    "registered_at": _l("Registered"),
    "answers": _l("Answers to the registration questions"),
    "consent": _l("Consent to the participant list"),
    "checked_in_at": _l("Checked in"),
}
DEFAULT_COLUMNS = ("person", "organisation", "country", "role", "state", "checked_in_at")
FORMATS = ("csv", "xlsx")


@dataclass
class Filters:
    roles: Sequence[str] = ()
    states: Sequence[str] = ()
    checked_in: bool | None = None


@dataclass
class Column:
    heading: str
    value: Callable[[Registration, dict[int, str]], object]


def clean_columns(keys: Iterable[str] | None) -> list[str]:
    keys = [k.strip() for key in (keys or ()) for k in key.split(",") if k.strip()]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise DialogueError(_("Unknown column: %(names)s. Choose from %(all)s.", names=", ".join(unknown),
                              all=", ".join(COLUMNS)), field="columns")
    return list(dict.fromkeys(keys)) or list(DEFAULT_COLUMNS)


def clean_filters(roles: Iterable[str] = (), states: Iterable[str] = (), checked_in: str | bool | None = None
                  ) -> Filters:
    roles, states = list(roles or ()), list(states or ())
    if any(r not in {p.value for p in ParticipantRole} for r in roles):
        raise DialogueError(_("Unknown role."), field="roles")
    if any(s not in {p.value for p in RegistrationState} for s in states):
        raise DialogueError(_("Unknown state."), field="states")
    if isinstance(checked_in, str):
        checked_in = {"yes": True, "no": False, "": None, "any": None}.get(checked_in.lower(), "bad")
        if checked_in == "bad":
            raise DialogueError(_("Checked in is yes, no or any."), field="checked_in")
    return Filters(roles=roles, states=states, checked_in=checked_in)


def _columns(event: Event, keys: list[str]) -> list[Column]:
    from dialogue.registrations.services import answer_text, role_label, state_label

    zone = ZoneInfo(event.timezone)

    def local(value: dt.datetime | None):
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    def timed(label) -> str:
        return f"{label} ({event.timezone})"

    columns: list[Column] = []
    for key in keys:
        if key == "person":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: r.user.name if r.user else ""))
        elif key == "email":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: r.user.email if r.user else ""))
        elif key == "organisation":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: r.organisation.name if r.organisation else ""))
        elif key == "country":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: r.organisation.country if r.organisation else ""))
        elif key == "role":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: role_label(r.role)))
        elif key == "state":
            columns.append(Column(str(COLUMNS[key]), lambda r, a: state_label(r.state)))
        elif key == "registered_at":
            columns.append(Column(timed(COLUMNS[key]), lambda r, a: local(r.created_at)))
        elif key == "checked_in_at":
            columns.append(Column(timed(COLUMNS[key]), lambda r, a: local(r.checked_in_at)))
        elif key == "consent":
            columns.append(Column(_("Listed"), lambda r, a: _("yes") if r.listed else (
                _("withdrawn") if r.list_consent_withdrawn_at else _("no"))))
            columns.append(Column(timed(_("Consent given")), lambda r, a: local(r.list_consent_at)))
            columns.append(Column(_("Consent wording"), lambda r, a: r.list_consent_version or ""))
        elif key == "answers":
            questions = db.session.scalars(select(RegistrationQuestion).where(
                RegistrationQuestion.event_id == event.id).order_by(RegistrationQuestion.position,
                                                                    RegistrationQuestion.id))
            for q in questions:
                columns.append(Column(q.text, lambda r, a, q=q: answer_text(q, a.get(q.id))))
    return columns


def _query(event: Event, filters: Filters, with_answers: bool):
    query = (select(Registration).where(Registration.event_id == event.id)
             .options(joinedload(Registration.user), joinedload(Registration.organisation))
             .order_by(Registration.id))
    if with_answers:
        query = query.options(selectinload(Registration.answers))
    if filters.roles:
        query = query.where(Registration.role.in_(list(filters.roles)))
    if filters.states:
        query = query.where(Registration.state.in_(list(filters.states)))
    if filters.checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif filters.checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    return query.execution_options(yield_per=BATCH)


def rows(event: Event, keys: list[str], filters: Filters) -> tuple[list[str], Iterator[list]]:
    """The headings and a lazy iterator over the rows (plain values: text, naive local datetimes)."""
    columns = _columns(event, keys)
    headings = [c.heading for c in columns]
    with_answers = "answers" in keys

    def generate():
        result = db.session.scalars(_query(event, filters, with_answers))
        try:
            for registration in result:
                answers = {a.question_id: a.value for a in registration.answers} if with_answers else {}
                yield [c.value(registration, answers) for c in columns]
        finally:
            # The session holds rows by weak reference: written batches are freed as we go.
            result.close()

    return headings, generate()


# --- CSV --------------------------------------------------------------------------------------------

def neutralise(value: str) -> str:
    """A cell a spreadsheet would read as a formula becomes plain text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return neutralise(str(value))


def csv_chunks(headings: list[str], data: Iterable[list], flush_every: int = 500) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads the accents right), written in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_csv_cell(h) for h in headings])
    for n, row in enumerate(data, 1):
        writer.writerow([_csv_cell(v) for v in row])
        if n % flush_every == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------------

def write_xlsx(headings: list[str], data: Iterable[list], target, title: str = "Attendance") -> None:
    """A write-only workbook (rows go to disk as they come) with a frozen, bold heading row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, heading in enumerate(headings):
        sheet.column_dimensions[_column_letter(index)].width = max(12, min(40, len(heading) + 4))

    def text_cell(value: str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text stays text, even when it starts with "="
        return cell

    header = []
    for heading in headings:
        cell = text_cell(heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in data:
        out = []
        for value in row:
            if isinstance(value, str):
                if value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value):
                    out.append(text_cell(value))
                else:
                    out.append(value)
            else:
                out.append(value)
        sheet.append(out)
    workbook.save(target)


def _sheet_title(title: str) -> str:
    for ch in '[]:*?/\\':
        title = title.replace(ch, " ")
    return title[:31] or "Attendance"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_file(headings: list[str], data: Iterable[list], title: str):
    """The workbook in a temporary file, rewound, deleted when closed."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(headings, data, target, title)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def filename(event: Event, fmt: str) -> str:
    return f"{event.slug}-attendance.{fmt}"
