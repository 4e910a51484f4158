"""Spreadsheet files people open in Excel or LibreOffice: CSV and XLSX written so that no cell runs.

Text a person wrote ("=HYPERLINK(...)", "+cmd|...") would be a formula once opened; every export of the
application writes its cells through here, so that each one is neutralised the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from itertools import islice
from typing import Iterable, Iterator, Sequence

# A cell starting with one of these is read as a formula (or a DDE command) by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)


# --- CSV --------------------------------------------------------------------------------------------

def neutralise(value: str) -> str:
    """A cell a spreadsheet would read as a formula becomes plain text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # isoformat is the quicker way to the same text when no zone is attached
        return value.isoformat(" ", "seconds") if value.tzinfo is None else value.strftime("%Y-%m-%d %H:%M:%S")
    return neutralise(str(value))


def csv_chunks(headings: list[str], data: Iterable[Sequence], flush_every: int = 500) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads the accents right), written in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_csv_cell(h) for h in headings])
    # Most cells are text that starts harmlessly or empty (the writer gives None as ""): they go to
    # the writer as they are, and only the others (a formula-like start, a time, a number) take the
    # slower way. Big exports (20,000 registrations) spend their time in the query and the writer.
    safe, first = str, _FORMULA_FIRST
    rows = ([cell if cell.__class__ is safe and cell[:1] not in first or cell is None else _csv_cell(cell)
             for cell in row] for row in data)
    while True:
        batch = list(islice(rows, flush_every))
        writer.writerows(batch)
        if len(batch) < flush_every:
            break
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# --- XLSX -------------------------------------------------------------------------------------------

def write_xlsx(headings: list[str], data: Iterable[list], target, title: str = "Export") -> None:
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
    return title[:31] or "Export"


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
