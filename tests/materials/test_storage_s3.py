"""The materials journeys again, on the S3-compatible store, against a real S3 API server (moto).

The upload, download and package journeys of test_routes.py and test_services.py are imported and run
here a second time with ``STORAGE_URL=s3://...``; the tests below add what only the bucket shows.
moto is in the [test] extra: a missing moto fails here instead of skipping.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.materials import services
from tests.materials.conftest import mp4, pdf, stored_files
from tests.materials.test_routes import (  # noqa: F401  (collected again, on S3)
    test_a_replaced_file_keeps_its_history_through_the_ui,
    test_bad_uploads_get_a_message_next_to_the_file_field_and_store_nothing,
    test_office_files_and_video_are_attachments_in_a_sandbox_with_ranges,
    test_speaker_uploads_slides_and_a_participant_downloads_them,
    test_the_package_is_one_zip_named_by_session,
)
from tests.materials.test_services import (  # noqa: F401  (collected again, on S3)
    test_package_entries_are_named_by_session_and_the_zip_streams,
    test_the_size_limit_is_enforced_while_streaming,
    upload,
)

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server of its own, in a subprocess, for the whole session."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the moto S3 server did not start") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint):
    name = f"dialogue-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def config_overrides(s3_endpoint, bucket) -> dict:
    return {"MATERIAL_PURGE_GRACE_SECONDS": 0, "STORAGE_URL": f"s3://{bucket[1]}/uploads",
            "S3_ENDPOINT_URL": s3_endpoint, **CREDENTIALS}


def objects(bucket) -> list[str]:
    client, name = bucket
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_an_upload_lands_in_the_bucket_by_content_hash_and_nothing_stays_on_the_host(world, bucket, upload_dir):
    material = upload(world, data=pdf("plan"))
    db.session.commit()
    sha = material.current.sha256
    assert objects(bucket) == [f"uploads/materials/{sha}"]
    client, name = bucket
    assert client.get_object(Bucket=name, Key=f"uploads/materials/{sha}")["Body"].read() == pdf("plan")
    assert stored_files(upload_dir) == []  # the staged copy is gone once the bucket has it

    upload(world, title="Same slides again", data=pdf("plan"))
    db.session.commit()
    assert objects(bucket) == [f"uploads/materials/{sha}"]  # identical content is stored once


def test_a_refused_upload_sends_nothing_to_the_bucket(world, bucket, upload_dir):
    with pytest.raises(DialogueError):
        upload(world, filename="slides.pdf", data=b"MZ\x90\x00" + b"\x00" * 200)
    assert objects(bucket) == [] and stored_files(upload_dir) == []


def test_a_range_is_fetched_from_its_offset_and_a_missing_object_is_a_404(client, auth, world, bucket):
    video = upload(world, title="Recording", filename="talk.mp4", data=mp4(256 * 1024))
    db.session.commit()
    auth.login(world.participant)
    part = client.get(f"/materials/{video.id}/download", headers={"Range": "bytes=200000-200099"})
    assert part.status_code == 206 and part.data == mp4(256 * 1024)[200000:200100]
    assert client.get(f"/materials/{video.id}/download", headers={"Range": "bytes=999999-"}).status_code == 416

    client_s3, name = bucket
    client_s3.delete_object(Bucket=name, Key=f"uploads/materials/{video.current.sha256}")
    assert client.get(f"/materials/{video.id}/download").status_code == 404


def test_garbage_collection_removes_orphaned_objects_and_abandoned_multipart_uploads(app, world, bucket,
                                                                                      upload_dir):
    kept = upload(world, data=pdf("kept"))
    db.session.commit()
    client, name = bucket
    orphan = "0" * 64
    client.put_object(Bucket=name, Key=f"uploads/materials/{orphan}", Body=b"left behind")
    client.put_object(Bucket=name, Key="uploads/readiness/" + "1" * 64, Body=b"another kind's file")
    client.create_multipart_upload(Bucket=name, Key="uploads/materials/" + "2" * 64)
    (upload_dir / ".partial-killed").write_bytes(b"half")

    result = app.test_cli_runner().invoke(args=["materials", "gc", "--partial-age", "0"])
    assert result.exit_code == 0, result.output
    assert objects(bucket) == ["uploads/materials/" + kept.current.sha256, "uploads/readiness/" + "1" * 64]
    assert client.list_multipart_uploads(Bucket=name).get("Uploads", []) == []
    assert stored_files(upload_dir) == []


def test_a_just_written_object_is_left_for_the_collector(app, world, bucket):
    app.config["MATERIAL_PURGE_GRACE_SECONDS"] = 60
    material = upload(world, title="Slides")
    db.session.commit()
    hashes = services.remove_material(material, world.speaker)
    db.session.commit()
    assert services.purge_files(hashes) == 0 and objects(bucket) == [f"uploads/materials/{hashes[0]}"]
    assert services.purge_files(hashes, grace_seconds=0) == 1 and objects(bucket) == []

