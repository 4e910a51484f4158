"""The Common Procurement Vocabulary: the codes Dialogue knows, their validation and search.

The ICT codes (computer equipment, telecom, software, IT services, repair and installation, with
their parents up to the division) ship in ``dialogue/data/cpv-ict.json`` and fill the ``cpv_codes``
table on first use. ``flask cpv import FILE`` loads the full official list (JSON code -> label, or
the CSV/XLSX the EU publishes). A code is valid when it has the right format and is in the table:
the check digit has no published formula, so it is never computed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select

from dialogue.core import cache
from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import CpvCode

PACKAGED_FILE = Path(__file__).resolve().parent.parent / "data" / "cpv-ict.json"
CODE_RE = re.compile(r"^\d{8}-\d$")
DIGITS_RE = re.compile(r"^\d{2,8}$")
MAX_LABEL = 500


class CpvFileError(DialogueError):
    """A file given to the import could not be read."""


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def packaged_codes() -> dict[str, str]:
    return json.loads(PACKAGED_FILE.read_text(encoding="utf-8"))


def _insert(rows: list[dict], *, overwrite: bool) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - PostgreSQL and SQLite are the databases Dialogue runs on
        raise RuntimeError(f"unsupported database {dialect}")
    stmt = insert(CpvCode)
    if overwrite:
        stmt = stmt.on_conflict_do_update(index_elements=[CpvCode.code], set_={"label": stmt.excluded.label})
    else:
        # Two first requests at once both find the table empty; the second insert changes nothing.
        stmt = stmt.on_conflict_do_nothing(index_elements=[CpvCode.code])
    for start in range(0, len(rows), 1000):
        db.session.execute(stmt, rows[start:start + 1000])


def store_codes(codes: dict[str, str], *, overwrite: bool = True) -> int:
    """Insert or update codes; returns how many were given."""
    rows = [{"code": code, "label": label[:MAX_LABEL]} for code, label in codes.items()]
    if rows:
        _insert(rows, overwrite=overwrite)
        # The list's filters and the pages show labels and divisions kept until the vocabulary changes.
        cache.bump_on_commit(db.session(), ("cpv",))
    return len(rows)


def ensure_loaded() -> None:
    """Fill the table from the packaged ICT codes when it is empty (first use).

    Checked once per database transaction: a rollback may take codes loaded in it away again.
    """
    transaction = db.session().get_transaction()
    if transaction is not None and g.get("_cpv_checked_in") is transaction:
        return
    if db.session.scalar(select(CpvCode.code).limit(1)) is None:
        store_codes(packaged_codes(), overwrite=False)
    g._cpv_checked_in = db.session().get_transaction()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(CpvCode))


# -- validation -------------------------------------------------------------------------------------------

def normalise_code(raw: str | None, *, field: str | None = None) -> str:
    """Return the code as stored ("30213100-6") or raise with a message for the field.

    Eight digits without the check digit are accepted when exactly one code in the list has
    them; that is a look-up, not a computed check digit.
    """
    text = re.sub(r"\s+", "", raw or "")
    if not text:
        raise DialogueError(_("Enter a CPV code, e.g. 30213100-6."), field=field)
    ensure_loaded()
    if re.fullmatch(r"\d{8}", text):
        code = db.session.scalar(select(CpvCode.code).where(CpvCode.code.like(f"{text}-_")))
        if code is None:
            raise DialogueError(_("%(code)s is not in the CPV list. Search the list to find the right code.",
                                  code=text), field=field)
        return code
    if not CODE_RE.fullmatch(text):
        raise DialogueError(_("“%(code)s” is not a CPV code: a code has 8 digits, a dash and a check digit, "
                              "e.g. 30213100-6.", code=(raw or "").strip()[:40]), field=field)
    if db.session.get(CpvCode, text) is None:
        raise DialogueError(_("%(code)s is not in the CPV list: check the digits, or search the list to find "
                              "the right code.", code=text), field=field)
    return text


def normalise_prefix(raw: str | None, *, field: str | None = None) -> str:
    """A code or a prefix as the digits that matter: "30200000-1" and "302" both give "302".

    Trailing zeros carry no meaning in CPV (30200000 is the group 302), so they are dropped,
    keeping at least the two digits of the division.
    """
    text = re.sub(r"\s+", "", raw or "")
    if CODE_RE.fullmatch(text):
        text = text[:8]
    if not DIGITS_RE.fullmatch(text):
        raise DialogueError(_("Enter a CPV code or the first digits of one (at least the two digits of the "
                              "division), e.g. 30 or 302 or 30213100-6."), field=field)
    stripped = text.rstrip("0")
    return stripped if len(stripped) >= 2 else text[:2]


def prefix_code(prefix: str) -> CpvCode | None:
    """The CPV entry that a prefix stands for ("302" -> 30200000-1), if there is one."""
    ensure_loaded()
    digits = prefix.ljust(8, "0")
    return db.session.scalar(select(CpvCode).where(CpvCode.code.like(f"{digits}-_")))


def labels(codes) -> dict[str, str]:
    """Labels of several codes in one query."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    ensure_loaded()
    return dict(db.session.execute(select(CpvCode.code, CpvCode.label).where(CpvCode.code.in_(codes))).all())


def divisions() -> list[CpvCode]:
    ensure_loaded()
    return list(db.session.scalars(select(CpvCode).where(CpvCode.code.like("__000000-_")).order_by(CpvCode.code)))


# Everyday words for what the CPV labels name otherwise ("laptop" is "Portable computers").
SYNONYMS = {
    "laptop": "portable comput", "laptops": "portable comput", "notebook": "portable comput",
    "notebooks": "portable comput", "smartphone": "mobile telephone", "smartphones": "mobile telephone",
    "phone": "telephone", "phones": "telephone", "mobile": "mobile", "pc": "personal computer",
    "pcs": "personal computer", "monitor": "screen", "monitors": "screen", "desktop": "desktop",
    "tablets": "tablet", "it": "it services",
}


def search(query: str | None, *, limit: int = 50, offset: int = 0) -> tuple[list[CpvCode], bool]:
    """Codes whose code starts with the digits typed and whose label has every word typed
    (or its everyday synonym)."""
    ensure_loaded()
    stmt = select(CpvCode).order_by(CpvCode.code)
    digits = []
    label = func.lower(CpvCode.label)
    for word in (query or "").split()[:8]:
        if re.fullmatch(r"\d[\d-]*", word):
            digits.append(word.replace("-", "")[:9])
            continue
        word = word.lower()
        condition = label.like(f"%{like_escape(word)}%", escape="\\")
        # While typing ("lapt"), the everyday words it begins are searched too.
        for synonym in sorted({v for k, v in SYNONYMS.items() if k == word or (len(word) >= 3 and k.startswith(word))}):
            condition = condition | label.like(f"%{like_escape(synonym)}%", escape="\\")
        stmt = stmt.where(condition)
    if digits:
        prefix = digits[0][:8]
        stmt = stmt.where(CpvCode.code.like(f"{like_escape(prefix)}%", escape="\\"))
    rows = list(db.session.scalars(stmt.limit(limit + 1).offset(offset)))
    return rows[:limit], len(rows) > limit


# -- reading the official files ---------------------------------------------------------------------------

@dataclass
class CpvFile:
    codes: dict[str, str]
    rejected_rows: list[int] = dc_field(default_factory=list)  # row numbers that held no valid code


def read_codes(path: Path, *, language: str = "EN") -> CpvFile:
    """Read code -> label from a JSON, CSV or XLSX file.

    JSON: an object of code -> label, or a list of objects with "code" and "label" (or the
    language, e.g. "EN"). CSV and XLSX: a header row with a "CODE" column and a column named
    after the language (the EU's files have one column per language) or "label"; a file with
    no header is read as code, label.
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CpvFileError(f"{path.name} is not valid JSON: {exc}") from None
        if isinstance(data, dict):
            rows = [["code", "label"]] + [[k, v] for k, v in data.items()]
        elif isinstance(data, list):
            rows = [["code", "label"]] + [[d.get("code") or d.get("CODE"),
                                           d.get("label") or d.get(language) or d.get(language.lower())]
                                          for d in data if isinstance(d, dict)]
        else:
            raise CpvFileError(f"{path.name}: expected an object of code -> label or a list of objects.")
    elif suffix == ".csv":
        raw = path.read_bytes()
        text = None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None or "\x00" in text:  # a binary file given the wrong name
            raise CpvFileError(f"{path.name} is not a CSV text file.")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = list(csv.reader(io.StringIO(text), dialect))
        except csv.Error as exc:
            raise CpvFileError(f"{path.name} is not a readable CSV file: {exc}") from None
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
            raise CpvFileError(f"{path.name} is not a readable XLSX file: {exc}") from None
        sheet = book.worksheets[0]
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        raise CpvFileError(f"{path.name}: use a .json, .csv or .xlsx file.")
    return _rows_to_codes(rows, language, path.name)


def _rows_to_codes(rows: list[list], language: str, name: str) -> CpvFile:
    rows = [[("" if c is None else str(c)).strip() for c in row] for row in rows if row and any(row)]
    if any("\x00" in cell for row in rows for cell in row):  # the database cannot store it in text
        raise CpvFileError(f"{name} contains a NUL character, so it is not a CPV list.")
    if not rows:
        raise CpvFileError(f"{name} is empty.")
    header = [c.lower() for c in rows[0]]
    code_col, label_col = 0, 1
    header_skipped = False
    if not CODE_RE.fullmatch(rows[0][0] if rows[0] else ""):
        if "code" not in header:
            raise CpvFileError(f"{name}: no CODE column in the first row.")
        code_col = header.index("code")
        for wanted in (language.lower(), "label", "description", "en"):
            if wanted in header:
                label_col = header.index(wanted)
                break
        else:
            raise CpvFileError(f"{name}: no {language} or label column in the first row.")
        rows = rows[1:]
        header_skipped = True
    codes: dict[str, str] = {}
    bad: list[int] = []
    first = 2 if header_skipped else 1
    for number, row in enumerate(rows, start=first):
        code = row[code_col] if len(row) > code_col else ""
        label = row[label_col] if len(row) > label_col else ""
        if not CODE_RE.fullmatch(code) or not label:
            bad.append(number)
            continue
        codes[code] = " ".join(label.split())
    if not codes:
        raise CpvFileError(f"{name}: no valid CPV codes found (a code looks like 30213100-6).")
    return CpvFile(codes, bad)
