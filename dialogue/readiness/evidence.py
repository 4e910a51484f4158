"""Evidence files given with an answer: checked exactly as materials are, kept in a store of their own.

The checks (name, type by content, size) and the content-addressed store are the materials feature's
(``materials/filetypes.py``, ``materials/storage.py``). The files live under ``UPLOAD_DIR/readiness``,
not beside the materials, because the materials' clean-up removes every stored file no material uses.
"""

from __future__ import annotations

from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from dialogue.core.errors import DialogueError
from dialogue.materials.filetypes import accepted_types, check_content, clean_filename, type_for_name
from dialogue.materials.storage import StagedFile, Storage, UploadTooLarge, get_storage

# Documents and pictures; no videos.
EVIDENCE_TYPES = ("pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "png", "jpg", "jpeg")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class EvidenceTooLarge(DialogueError):
    status_code = 413


def evidence_storage() -> Storage:
    return get_storage("readiness")


def receive_evidence(stream: BinaryIO, filename: str | None, field: str) -> tuple[StagedFile, str, str]:
    """Receive and check one file: (staged file, clean name, MIME type). Nothing is kept on a refusal.

    The caller keeps the staged file once its row is flushed, and discards it in any case.
    """
    try:
        name = clean_filename(filename)
        kind = type_for_name(name, accepted_types(current_app.config.get("READINESS_EVIDENCE_TYPES",
                                                                         EVIDENCE_TYPES)))
    except DialogueError as exc:
        raise DialogueError(exc.message, field=field) from None
    limit = int(current_app.config.get("READINESS_EVIDENCE_MAX_BYTES", MAX_EVIDENCE_BYTES))
    try:
        staged = evidence_storage().receive(stream, limit)
    except UploadTooLarge:
        raise EvidenceTooLarge(_("The evidence file is larger than %(mb)s MB. Give a smaller file or a link.",
                                 mb=limit // (1024 * 1024)), field=field) from None
    try:
        mime = check_content(staged.path, staged.head, staged.size, kind)
    except DialogueError as exc:
        staged.discard()
        raise DialogueError(exc.message, field=field) from None
    except BaseException:
        staged.discard()
        raise
    return staged, name, mime
