"""Where uploaded files live: a small interface, the local-filesystem store and the choice between it
and the S3-compatible one (``materials/s3storage.py``, chosen by ``STORAGE_URL=s3://bucket/prefix``).

Files are content-addressed: a file's name in the store is the SHA-256 of its bytes, never anything
the client sent. An upload is streamed to a temporary file in the store's own directory while it is
hashed and counted, flushed to disk, and only then renamed into place with ``os.replace`` (atomic on
one filesystem). A request that dies halfway leaves nothing under a final name; an interrupted
process at worst leaves a ``.partial-*`` file, which ``flask materials gc`` sweeps. The S3 store
stages uploads the same way, locally, and sends a file to the bucket only once it passed every check.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from flask import Response, current_app, send_file

CHUNK_SIZE = 64 * 1024
PARTIAL_PREFIX = ".partial-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UploadTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


class StagedFile:
    """A fully received upload, hashed and on local disk under a temporary name, not yet in the store."""

    def __init__(self, storage: Storage, path: Path, sha256: str, size: int, head: bytes):
        self.storage = storage
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.head = head  # the first bytes, for type sniffing
        self.kept = False

    def keep(self) -> None:
        """Move the file into the store under its hash. Identical content is stored once."""
        self.storage.store(self.path, self.sha256)
        self.kept = True

    def discard(self) -> None:
        if not self.kept:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass


class Storage(Protocol):
    """What the features need from a file store."""

    def receive(self, stream: BinaryIO, max_bytes: int) -> StagedFile: ...
    def store(self, staged_path: Path, sha256: str) -> None: ...
    def exists(self, sha256: str) -> bool: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def send(self, sha256: str, **options) -> Response | None: ...
    def delete(self, sha256: str, *, older_than: float = 0) -> bool: ...
    def hashes(self) -> Iterator[str]: ...
    def sweep_partials(self, older_than: float) -> int: ...


def check_hash(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def sync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable, not only the file's bytes."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def stage(storage: Storage, directory: Path, stream: BinaryIO, max_bytes: int, head_size: int = 8192) -> StagedFile:
    """Copy ``stream`` to a temporary file in ``directory``, hashing and counting as it goes.

    Raises UploadTooLarge as soon as more than ``max_bytes`` arrive. On any failure the
    temporary file is removed before the exception propagates.
    """
    fd, name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=directory)
    path = Path(name)
    try:
        digest = hashlib.sha256()
        size = 0
        head = bytearray()
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(CHUNK_SIZE)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(max_bytes)
                if len(head) < head_size:
                    head += chunk[:head_size - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(path, 0o640)
    except BaseException:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        raise
    return StagedFile(storage, path, digest.hexdigest(), size, bytes(head))


def sweep_partials(directory: Path, older_than: float) -> int:
    """Remove temporary files left by a process that was killed while receiving an upload."""
    removed = 0
    now = time.time()
    for entry in os.scandir(directory):
        if entry.name.startswith(PARTIAL_PREFIX) and entry.is_file():
            if now - entry.stat().st_mtime >= older_than:
                os.unlink(entry.path)
                removed += 1
    return removed


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o750)

    def receive(self, stream: BinaryIO, max_bytes: int, *, head_size: int = 8192) -> StagedFile:
        """Stage the upload in the store's own directory, so keeping it is one atomic rename."""
        return stage(self, self.root, stream, max_bytes, head_size)

    def store(self, staged_path: Path, sha256: str) -> None:
        os.replace(staged_path, self.path(sha256))
        sync_dir(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / check_hash(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def send(self, sha256: str, **options) -> Response | None:
        """The file as a response (``options`` as for ``flask.send_file``); None when it is missing."""
        path = self.path(sha256)
        if not path.is_file():
            return None
        return send_file(path, **options)

    def delete(self, sha256: str, *, older_than: float = 0) -> bool:
        """Remove one stored file; with ``older_than`` (seconds), only if it was not just written.

        The grace period protects a file that a concurrent upload of the same content has just
        put in place but not yet committed a row for.
        """
        path = self.path(sha256)
        try:
            if older_than and time.time() - path.stat().st_mtime < older_than:
                return False
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def hashes(self) -> Iterator[str]:
        for entry in os.scandir(self.root):
            if entry.is_file() and _SHA256.match(entry.name):
                yield entry.name

    def sweep_partials(self, older_than: float) -> int:
        return sweep_partials(self.root, older_than)


def get_storage(folder: str = "materials") -> Storage:
    """The app's store of one kind of file: ``app.extensions["<folder>_storage"]`` if set, else the
    bucket of ``STORAGE_URL`` under ``<prefix>/<folder>``, else a LocalStorage in ``UPLOAD_DIR/<folder>``.
    Each kind has its own folder because a kind's clean-up removes every stored file none of its rows uses."""
    app = current_app._get_current_object()
    key = f"{folder}_storage"
    storage = app.extensions.get(key)
    if storage is None:
        local = Path(app.config["UPLOAD_DIR"]) / folder
        url = app.config.get("STORAGE_URL") or ""
        if url.startswith("s3://"):
            from dialogue.materials.s3storage import S3Storage  # boto3 loads only where it is used

            storage = S3Storage.from_config(app, url, folder, staging=local)
        elif url in ("", "local"):
            storage = LocalStorage(local)
        else:
            raise ValueError(f"STORAGE_URL must be empty or s3://bucket/prefix, not {url!r}")
        app.extensions[key] = storage
    return storage
