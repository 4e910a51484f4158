"""Reading a CSV of invitees: pure, no database. Every bad row is reported with its line and reason.

The file: UTF-8 (with or without a byte-order mark), a header row naming the columns ``name``,
``email`` and (optionally) ``organisation`` in any order, separated by commas or semicolons.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = ("name", "email", "organisation")
ALIASES = {"organization": "organisation", "e-mail": "email"}


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    email: str
    organisation: str


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


@dataclass
class Report:
    good: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # line 0: the file as a whole

    @property
    def fatal(self) -> bool:
        """The file itself could not be read: there are no rows to choose from."""
        return any(p.line == 0 for p in self.problems)


def decode(data: bytes) -> str | None:
    """The text of the upload, or None when it is not UTF-8. A byte-order mark is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _clean_email(raw: str) -> tuple[str | None, str | None]:
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower(), None
    except EmailNotValidError as exc:
        return None, str(exc)


def read(text: str, already_listed: set[str] = frozenset()) -> Report:
    """Every row checked: a name, a valid address, not twice in the file nor already on the list."""
    report = Report()
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not text.strip():
        report.problems.append(Problem(0, _("The file is empty.")))
        return report
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    missing = [c for c in ("name", "email") if c not in header]
    if missing:
        report.problems.append(Problem(0, _("The first row must name the columns name, email and organisation; "
                                            "missing: %(columns)s.", columns=", ".join(missing))))
        return report
    index = {c: header.index(c) for c in COLUMNS if c in header}
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(report.good) + len(report.problems) >= MAX_ROWS:
            report.problems.append(Problem(0, _("Import at most %(n)s rows at a time.", n=MAX_ROWS)))
            return report
        value = {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}
        if not value["name"]:
            report.problems.append(Problem(line, _("The name is missing.")))
            continue
        email, reason = _clean_email(value["email"])
        if email is None:
            report.problems.append(Problem(line, _("Not a valid email address (%(address)s): %(reason)s",
                                                   address=value["email"] or "-", reason=reason)))
        elif email in seen:
            report.problems.append(Problem(line, _("Duplicate: %(address)s is already on line %(line)s.",
                                                   address=email, line=seen[email])))
        elif email in already_listed:
            report.problems.append(Problem(line, _("Duplicate: %(address)s is already on the invitation list.",
                                                   address=email)))
        else:
            seen[email] = line
            report.good.append(Row(line, value["name"][:200], email, value.get("organisation", "")[:200]))
    if not report.good and not report.problems:
        report.problems.append(Problem(0, _("The file has a header row but no invitees.")))
    return report
