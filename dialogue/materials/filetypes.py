"""What may be uploaded: names made safe, types decided by content, content agreeing with the name.

The extension says what the uploader claims; the bytes say what the file is. Both must name the same
accepted type. Office formats are ZIP containers: OOXML is told apart by its ``[Content_Types].xml``
member, ODF by its ``mimetype`` member, each read with a hard byte limit so a crafted archive cannot
make the check expensive.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dialogue.core.errors import DialogueError
from dialogue.core.text import without_controls


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str  # a lazy string where the name is translated
    mime: str
    inline: bool  # shown in the browser; everything else is served as an attachment
    compressed: bool  # already compressed: stored as-is in the package ZIP


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
FILE_TYPES = {t.extension: t for t in (
    FileType("pdf", "PDF", "application/pdf", True, False),
    FileType("pptx", "PowerPoint (PPTX)", _OOXML + "presentationml.presentation", False, True),
    FileType("odp", _l("OpenDocument presentation (ODP)"), _ODF + "presentation", False, True),
    FileType("docx", "Word (DOCX)", _OOXML + "wordprocessingml.document", False, True),
    FileType("odt", _l("OpenDocument text (ODT)"), _ODF + "text", False, True),
    FileType("xlsx", "Excel (XLSX)", _OOXML + "spreadsheetml.sheet", False, True),
    FileType("ods", _l("OpenDocument spreadsheet (ODS)"), _ODF + "spreadsheet", False, True),
    FileType("png", _l("PNG image"), "image/png", True, True),
    FileType("jpg", _l("JPEG image"), "image/jpeg", True, True),
    FileType("jpeg", _l("JPEG image"), "image/jpeg", True, True),
    FileType("mp4", _l("MP4 video"), "video/mp4", False, True),
)}
DEFAULT_ACCEPTED = ("pdf", "pptx", "odp", "docx", "odt", "xlsx", "ods", "png", "jpg", "jpeg", "mp4")

# The main part each OOXML type declares in [Content_Types].xml. Macro-enabled variants declare
# other types ("...macroEnabled.main+xml") and so match none of these.
_OOXML_MAIN_PARTS = {
    _OOXML + "presentationml.presentation": _OOXML + "presentationml.presentation.main+xml",
    _OOXML + "wordprocessingml.document": _OOXML + "wordprocessingml.document.main+xml",
    _OOXML + "spreadsheetml.sheet": _OOXML + "spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_LIMIT = 256 * 1024
_MIMETYPE_LIMIT = 128
_MAX_ZIP_ENTRIES = 20_000

_EXECUTABLE_MIMES = {"application/x-msdownload", "application/x-executable", "application/x-mach-binary",
                     "application/x-sharedlib", "application/x-dosexec", "application/wasm",
                     "application/x-google-chrome-extension", "application/x-shockwave-flash",
                     "application/vnd.ms-cab-compressed", "application/x-deb", "application/x-rpm"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_IN_NAME = re.compile(r'[<>:"|?*]')


def accepted_types(config_value) -> list[FileType]:
    """The configured list of extensions (a list or a comma-separated string), as FileTypes."""
    if isinstance(config_value, str):
        config_value = [v for v in re.split(r"[,\s]+", config_value) if v]
    names = [v.lower().lstrip(".") for v in (config_value or DEFAULT_ACCEPTED)]
    return [FILE_TYPES[n] for n in names if n in FILE_TYPES]


def accepted_summary(types: list[FileType]) -> str:
    """'PDF, PPTX, ..., JPEG, MP4': the configured order, each format named once."""
    names: list[str] = []
    for kind in types:
        name = "JPEG" if kind.mime == "image/jpeg" else kind.extension.upper()
        if name not in names:
            names.append(name)
    return ", ".join(names)


def clean_filename(name: str | None) -> str:
    """The client's file name made safe to show and to send back, or a refusal.

    It is only ever metadata: files are stored under their hash. Names that try to point somewhere
    else (folders, ``..``) or hide bytes (NUL) are refused outright rather than silently repaired,
    so the uploader learns something was wrong.
    """
    if name is None or not name.strip():
        raise DialogueError(_("Choose a file to upload."), field="file")
    if "\x00" in name:
        raise DialogueError(_("The file name contains a NUL byte. Rename the file and try again."), field="file")
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise DialogueError(_("The file name “%(name)s” contains a folder path. Rename the file so that its "
                              "name has no “/”, “\\” or “..” and try again.", name=_CONTROL.sub("", name)[:80]),
                            field="file")
    name = without_controls(unicodedata.normalize("NFC", name))
    name = _UNSAFE_IN_NAME.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name or "." not in name or name.endswith("."):
        raise DialogueError(_("The file name has no extension such as .pdf or .pptx. Rename the file and try "
                              "again."), field="file")
    if len(name) > 200:
        stem, ext = name.rsplit(".", 1)
        name = stem[:200 - len(ext) - 1].rstrip() + "." + ext
    return name


def type_for_name(filename: str, accepted: list[FileType]) -> FileType:
    extension = filename.rsplit(".", 1)[1].lower()
    for kind in accepted:
        if kind.extension == extension:
            return kind
    raise DialogueError(_("Files of type .%(ext)s cannot be uploaded. Accepted types: %(types)s.",
                          ext=extension[:10], types=accepted_summary(accepted)), field="file")


def _zip_kind(path: Path) -> str | None:
    """The OOXML or ODF type of a ZIP container, read from its declaring member with bounded reads."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            by_name = {info.filename: info for info in infos}
            mimetype = by_name.get("mimetype")
            if mimetype is not None and mimetype.file_size <= _MIMETYPE_LIMIT:
                with archive.open(mimetype) as member:
                    value = member.read(_MIMETYPE_LIMIT + 1)
                if len(value) <= _MIMETYPE_LIMIT:
                    declared = value.decode("ascii", "replace").strip()
                    return declared if declared.startswith(_ODF) else None
                return None
            content_types = by_name.get("[Content_Types].xml")
            if content_types is None or content_types.file_size > _CONTENT_TYPES_LIMIT:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in by_name):
                return "macro"
            with archive.open(content_types) as member:
                xml = member.read(_CONTENT_TYPES_LIMIT + 1)
            if len(xml) > _CONTENT_TYPES_LIMIT:
                return None
            text = xml.decode("utf-8", "replace")
            for kind, main_part in _OOXML_MAIN_PARTS.items():
                if f'ContentType="{main_part}"' in text:
                    return kind
            if "macroEnabled" in text:
                return "macro"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError,
            RuntimeError):
        return None
    return None


def _looks_like_markup_or_script(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00")[:512].lower()
    return start.startswith((b"<", b"#!", b"<?xml")) or any(
        marker in start for marker in (b"<html", b"<svg", b"<script", b"<!doctype", b"<?php"))


def detect(path: Path, head: bytes) -> str | None:
    """The MIME type the content shows, with ZIP containers opened to tell Office formats apart."""
    guessed = filetype.guess(head) if head else None
    mime = guessed.mime if guessed else None
    if head.startswith(b"PK\x03\x04") or (mime and (mime.startswith((_OOXML, _ODF)) or mime == "application/zip")):
        return _zip_kind(path) or "application/zip"
    return mime


def check_content(path: Path, head: bytes, size: int, claimed: FileType) -> str:
    """Refuse content that is empty, executable, markup or script, or not what the extension says."""
    if size == 0:
        raise DialogueError(_("The file is empty (0 bytes). Choose the file again; it may not have finished "
                              "saving."), field="file")
    mime = detect(path, head)
    if mime in _EXECUTABLE_MIMES or head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        raise DialogueError(_("This file is a program, not a document, whatever its name says. Programs "
                              "cannot be uploaded."), field="file")
    if mime is None and _looks_like_markup_or_script(head):
        raise DialogueError(_("Web pages, SVG images and scripts cannot be uploaded, because browsers would "
                              "run them. Save the content as PDF instead."), field="file")
    if mime == "macro":
        raise DialogueError(_("Office files with macros cannot be uploaded. Save it without macros (PPTX, "
                              "DOCX, XLSX) or as PDF."), field="file")
    if mime != claimed.mime:
        raise DialogueError(_("The content of this file is not a %(label)s, although its name ends in "
                              ".%(ext)s. Upload the real %(label)s file, or rename the file to match its "
                              "content.", label=claimed.label, ext=claimed.extension), field="file")
    return mime
