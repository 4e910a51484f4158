"""Uploaded files in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage ...), shared by every app host.

``STORAGE_URL=s3://bucket/prefix`` chooses it; each kind of file lives under ``prefix/<folder>/<sha256>``.
An upload is received, hashed, counted and sniffed exactly as for the local store, in a temporary
file on the host's own disk; only a file that passed every check goes to the bucket, streamed by
boto3's transfer manager (multipart above 8 MB). An object appears in a bucket whole or not at all, so
a request that dies halfway leaves no object; a multipart upload abandoned by a killed process is
aborted by ``flask materials gc`` along with local ``.partial-*`` files.

Downloads stream the object's body through the app, so the protective headers, the download count and
the permission check stay exactly where they are for local files. A range request (a video player
seeking) becomes one ranged GET from the offset the client asked for.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Flask, Response, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from dialogue.materials.storage import StagedFile, check_hash, stage, sweep_partials

TRANSFER = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
READ_SIZE = 64 * 1024


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}


def client_for(app: Flask):
    """One client per app (boto3 clients are thread-safe; creating one is not cheap)."""
    client = app.extensions.get("s3_client")
    if client is None:
        config = app.config
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("AWS_REGION") or None,
            aws_access_key_id=config.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("AWS_SECRET_ACCESS_KEY") or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"},
                          s3={"addressing_style": config.get("S3_ADDRESSING_STYLE") or "auto"}),
        )
        app.extensions["s3_client"] = client
    return client


class ObjectReader(io.RawIOBase):
    """One stored object read as a seekable file. Seeking costs nothing; the GET starts at the first read
    from the current offset, so serving a range fetches only from where the range begins."""

    def __init__(self, client, bucket: str, key: str, size: int):
        super().__init__()
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target != self._position:
            self._drop()
            self._position = target
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size:
            return 0
        if self._body is None:
            self._body = self._client.get_object(Bucket=self._bucket, Key=self._key,
                                                 Range=f"bytes={self._position}-")["Body"]
        data = self._body.read(len(buffer))
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()


class S3Storage:
    def __init__(self, client, bucket: str, prefix: str, staging: Path):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.staging = Path(staging)
        self.staging.mkdir(parents=True, exist_ok=True, mode=0o750)

    @classmethod
    def from_config(cls, app: Flask, url: str, folder: str, staging: Path) -> S3Storage:
        parts = urlsplit(url)
        if not parts.netloc:
            raise ValueError(f"STORAGE_URL needs a bucket: s3://bucket/prefix, not {url!r}")
        prefix = "/".join(p for p in (parts.path.strip("/"), folder) if p)
        return cls(client_for(app), parts.netloc, prefix, staging)

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}/{check_hash(sha256)}"

    def _head(self, sha256: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as exc:
            if _missing(exc):
                return None
            raise

    def receive(self, stream: BinaryIO, max_bytes: int, *, head_size: int = 8192) -> StagedFile:
        """Stage the upload on local disk: the checks read it there, and only a kept file is sent on."""
        return stage(self, self.staging, stream, max_bytes, head_size)

    def store(self, staged_path: Path, sha256: str) -> None:
        """Upload even when the object exists: rewriting it renews its date, which the collector's grace
        period counts from, as the local store's rename does."""
        self.client.upload_file(str(staged_path), self.bucket, self._key(sha256),
                                ExtraArgs={"ContentType": "application/octet-stream"}, Config=TRANSFER)
        staged_path.unlink()

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def open(self, sha256: str) -> BinaryIO:
        head = self._head(sha256)
        if head is None:
            raise FileNotFoundError(self._key(sha256))
        return io.BufferedReader(ObjectReader(self.client, self.bucket, self._key(sha256), head["ContentLength"]),
                                 buffer_size=READ_SIZE)

    def send(self, sha256: str, *, conditional: bool = True, last_modified=None, **options) -> Response | None:
        """The object as a streamed response, with the same conditional and range answers as a local file."""
        head = self._head(sha256)
        if head is None:
            return None
        size = head["ContentLength"]
        reader = ObjectReader(self.client, self.bucket, self._key(sha256), size)
        response = send_file(reader, conditional=False, last_modified=last_modified or head["LastModified"],
                             **options)
        response.content_length = size
        if conditional:
            try:
                response = response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
            except RequestedRangeNotSatisfiable:
                reader.close()
                raise
        return response

    def delete(self, sha256: str, *, older_than: float = 0) -> bool:
        """Remove one object; with ``older_than`` (seconds), only if it was not just written."""
        head = self._head(sha256)
        if head is None:
            return False
        age = (dt.datetime.now(dt.timezone.utc) - head["LastModified"]).total_seconds()
        if older_than and age < older_than:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))
        return True

    def hashes(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + "/")
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) + 1:]
                try:
                    check_hash(name)
                except ValueError:
                    continue  # not a stored file of ours
                yield name

    def sweep_partials(self, older_than: float) -> int:
        """Local temporary files of interrupted uploads, and multipart uploads a killed process left open."""
        removed = sweep_partials(self.staging, older_than)
        now = dt.datetime.now(dt.timezone.utc)
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket,
                                                                             Prefix=self.prefix + "/")
        for page in pages:
            for upload in page.get("Uploads", []):
                if (now - upload["Initiated"]).total_seconds() >= older_than:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                       UploadId=upload["UploadId"])
                    removed += 1
        return removed
