import datetime as dt
import io
import os
import re
import time
import zipfile

import pytest
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.materials import access, overview, package, services
from dialogue.materials.demo import make_pdf
from dialogue.materials.filetypes import clean_filename
from dialogue.materials.listing import list_event_materials
from dialogue.materials.storage import get_storage
from dialogue.models import (
    EventStatus,
    Material,
    MaterialDownload,
    MaterialReminder,
    MaterialVersion,
    MaterialVisibility,
    MemberRole,
    SessionSpeaker,
    utcnow,
)
from tests.materials.conftest import ELF, EXE, HTML, OOXML, SCRIPT, SVG, jpeg, mp4, odf, ooxml, pdf, png, stored_files


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(world, user=None, *, data=None, filename="slides.pdf", session="default", **kwargs):
    session = world.session if session == "default" else session
    return services.upload_material(user or world.speaker, event=world.event, session=session,
                                    filename=filename, stream=io.BytesIO(pdf() if data is None else data), **kwargs)


def test_a_speaker_uploads_slides_to_their_session_stored_by_content_hash(world, upload_dir):
    import hashlib

    material = upload(world, title="Helsinki ICT plan")
    db.session.commit()
    version = material.current
    assert material.session_id == world.session.id and material.event_id == world.event.id
    assert material.visibility == MaterialVisibility.PARTICIPANTS  # the default for event materials
    assert material.organisation_id == world.speaker.organisation.id
    assert version.number == 1 and version.content_type == "application/pdf" and version.filename == "slides.pdf"
    assert version.sha256 == hashlib.sha256(pdf()).hexdigest() and version.size == len(pdf())
    assert stored_files(upload_dir) == [version.sha256]  # no temporary file left, client name unused
    assert (upload_dir / version.sha256).read_bytes() == pdf()


def test_title_defaults_to_the_file_name(world):
    assert upload(world, filename="Helsinki_ICT_plan.pdf").title == "Helsinki ICT plan"


BAD_FILES = [
    ("../../etc/passwd", pdf(), "folder path"),
    ("..\\x", pdf(), "folder path"),
    ("/etc/passwd.pdf", pdf(), "folder path"),
    ("slides\x00.pdf", pdf(), "NUL byte"),
    ("slides.pdf\x00.exe", pdf(), "NUL byte"),
    ("..", pdf(), "folder path"),
    ("slides", pdf(), "no extension"),
    ("empty.pdf", b"", "empty"),
    ("invoice.pdf", EXE, "program"),
    ("slides.pptx", ELF, "program"),
    ("setup.exe", EXE, "cannot be uploaded"),
    ("page.pdf", HTML, "Web pages"),
    ("page.html", HTML, "cannot be uploaded"),
    ("logo.png", SVG, "Web pages"),
    ("logo.svg", SVG, "cannot be uploaded"),
    ("run.pdf", SCRIPT, "scripts"),
    ("report.pptx", ooxml("docx"), "not a PowerPoint"),
    ("slides.pptx", ooxml("pptx", macro=True), "macros"),
    ("slides.pptx", odf("presentation"), "not a PowerPoint"),
    ("slides.odp", odf("text"), "not a OpenDocument presentation"),
    ("photo.jpg", png(), "not a JPEG"),
    ("slides.pdf", png(), "not a PDF"),
    ("archive.docx", b"PK\x03\x04 this is not really a zip", "not a Word"),
    ("video.mp4", b"\x00\x00\x00\x18ftypqt  \x00\x00\x02\x00qt  \x00\x00\x00\x00", "not a MP4"),
]


@pytest.mark.parametrize("filename, data, message", BAD_FILES, ids=[f"{n!r}-{m}" for n, _d, m in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(world, upload_dir, filename, data,
                                                                          message):
    with pytest.raises(DialogueError) as refused:
        upload(world, filename=filename, data=data, title="Slides")
    assert refused.value.field == "file"
    assert message in refused.value.message
    db.session.rollback()
    assert count(Material) == 0 and count(MaterialVersion) == 0
    assert stored_files(upload_dir) == []


ACCEPTED = [
    ("slides.pptx", ooxml("pptx"), OOXML + "presentationml.presentation"),
    ("spec.docx", ooxml("docx"), OOXML + "wordprocessingml.document"),
    ("prices.xlsx", ooxml("xlsx"), OOXML + "spreadsheetml.sheet"),
    ("slides.odp", odf("presentation"), "application/vnd.oasis.opendocument.presentation"),
    ("spec.odt", odf("text"), "application/vnd.oasis.opendocument.text"),
    ("prices.ods", odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("chart.png", png(), "image/png"),
    ("photo.jpg", jpeg(), "image/jpeg"),
    ("PHOTO.JPEG", jpeg(), "image/jpeg"),
    ("talk.mp4", mp4(), "video/mp4"),
]


@pytest.mark.parametrize("filename, data, mime", ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_every_accepted_type_is_recognised_by_content(world, filename, data, mime):
    assert upload(world, filename=filename, data=data, title="x").current.content_type == mime


def test_accepted_types_are_configurable(app, world):
    app.config["MATERIAL_TYPES"] = "pdf, png"
    with pytest.raises(DialogueError, match=r"\.pptx cannot be uploaded. Accepted types: PDF, PNG"):
        upload(world, filename="slides.pptx", data=ooxml("pptx"))
    assert upload(world, filename="chart.png", data=png(), title="Chart").current.content_type == "image/png"


def test_the_size_limit_is_enforced_while_streaming(app, world, upload_dir):
    app.config["MAX_UPLOAD_BYTES"] = 1000

    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.read_bytes += n
            return b"%PDF" + b"x" * (n - 4)

    stream = Endless()
    with pytest.raises(DialogueError, match="larger than the limit") as refused:
        services.upload_material(world.speaker, event=world.event, session=world.session, title="Huge",
                                 filename="huge.pdf", stream=stream)
    assert refused.value.status_code == 413
    assert stream.read_bytes <= 2 * 64 * 1024  # stopped at the first chunk past the limit
    db.session.rollback()
    assert stored_files(upload_dir) == [] and count(Material) == 0


class Exploding(io.RawIOBase):
    """A client connection that dies halfway through the upload."""

    def __init__(self, good: int):
        self.left = good

    def readable(self):
        return True

    def read(self, n=-1):
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        chunk = (b"%PDF-1.4\n" + b"x" * n)[:min(n, self.left)]
        self.left -= len(chunk)
        return chunk


def test_a_killed_upload_leaves_no_file_and_no_row(world, upload_dir):
    with pytest.raises(ConnectionResetError):
        services.upload_material(world.speaker, event=world.event, session=world.session, title="Slides",
                                 filename="slides.pdf", stream=Exploding(200_000))
    db.session.rollback()
    assert stored_files(upload_dir) == []  # not even a .partial file
    assert count(Material) == 0 and count(MaterialVersion) == 0


def test_a_failure_while_flushing_to_disk_leaves_no_file(world, upload_dir, monkeypatch):
    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        upload(world)
    db.session.rollback()
    assert stored_files(upload_dir) == [] and count(Material) == 0


def test_a_failed_row_discards_the_staged_file(world, upload_dir, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        upload(world)
    monkeypatch.undo()
    db.session.rollback()
    assert stored_files(upload_dir) == [] and count(Material) == 0


def test_identical_content_is_stored_once(world, upload_dir):
    upload(world, title="One")
    upload(world, world.organiser, title="Two", session=world.other_session)
    db.session.commit()
    assert len(stored_files(upload_dir)) == 1 and count(MaterialVersion) == 2


def test_replacing_keeps_every_earlier_version(world, upload_dir):
    material = upload(world, title="Helsinki ICT plan")
    db.session.commit()
    second = services.replace_material(material, world.speaker, filename="plan-v2.pdf",
                                       stream=io.BytesIO(pdf("Version two")), note="Corrected figures")
    db.session.commit()
    third = services.replace_material(material, world.organiser, link_url="https://video.example.org/talk")
    db.session.commit()
    db.session.expire_all()
    material = db.session.get(Material, material.id)
    assert [v.number for v in material.versions] == [1, 2, 3]
    assert material.current.id == third.id and material.current.is_link
    assert [v.number for v in material.older_versions] == [2, 1]
    assert material.versions[1].note == "Corrected figures" and material.versions[1].filename == "plan-v2.pdf"
    assert len(stored_files(upload_dir)) == 2  # both files kept
    assert second.sha256 in stored_files(upload_dir)


@pytest.mark.parametrize("who, allowed", [
    ("speaker", True), ("speaker_admin", True), ("organiser", True),
    ("other_supplier", False), ("participant", False), ("non_participant", False),
])
def test_only_the_uploader_their_admins_and_organisers_may_replace_or_remove(world, who, allowed):
    material = upload(world, title="Slides")
    db.session.commit()
    user = getattr(world, who)
    if allowed:
        services.replace_material(material, user, filename="v2.pdf", stream=io.BytesIO(pdf("v2")))
        assert services.remove_material(material, user)
        assert material.removed_at is not None and material.removed_by_id == user.id
    else:
        with pytest.raises(NotAllowed):
            services.replace_material(material, user, filename="v2.pdf", stream=io.BytesIO(pdf("v2")))
        with pytest.raises(NotAllowed):
            services.remove_material(material, user)
        with pytest.raises(NotAllowed):
            services.update_material(material, user, title="Mine now", description="", language="en",
                                     visibility="public")


def test_an_ordinary_colleague_cannot_remove_the_speakers_slides(world, make_user):
    colleague = make_user(world.speaker.organisation, role=MemberRole.MEMBER)
    material = upload(world, title="Slides")
    with pytest.raises(NotAllowed):
        services.remove_material(material, colleague)


def test_who_may_add_materials_where(world, make_intent, make_user):
    with pytest.raises(NotAllowed):
        upload(world, session=world.other_session)  # a speaker, but not of this session
    with pytest.raises(NotAllowed):
        upload(world, session=None)  # event-wide material is the organisers'
    for who in ("participant", "other_supplier", "non_participant", "speaker_admin"):
        with pytest.raises(NotAllowed):
            upload(world, getattr(world, who))
    assert upload(world, world.organiser, session=None, title="Programme").session_id is None
    assert upload(world, world.organiser, session=world.other_session, title="Pitch").session_id

    intent = make_intent(world.participant.organisation)
    colleague = make_user(world.participant.organisation)
    document = services.upload_material(colleague, intent=intent, title="Draft specification",
                                        filename="spec.docx", stream=io.BytesIO(ooxml("docx")))
    assert document.visibility == MaterialVisibility.PUBLIC  # intent documents go to the whole market
    with pytest.raises(NotAllowed):
        services.upload_material(world.speaker, intent=intent, title="Not mine", filename="x.pdf",
                                 stream=io.BytesIO(pdf()))


def test_links_must_be_web_addresses(world):
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "https://", "https://exa mple.org", "data:text/html,x"):
        with pytest.raises(DialogueError) as refused:
            services.upload_material(world.speaker, event=world.event, session=world.session, title="Video",
                                     link_url=bad)
        assert refused.value.field == "link"
    with pytest.raises(DialogueError, match="not both"):
        upload(world, title="Both", link_url="https://example.org")
    with pytest.raises(DialogueError, match="Choose a file"):
        services.upload_material(world.speaker, event=world.event, session=world.session, title="Nothing")
    with pytest.raises(DialogueError, match="title") as untitled:
        services.upload_material(world.speaker, event=world.event, session=world.session,
                                 link_url="https://example.org/video")
    assert untitled.value.field == "title"


def test_file_names_are_kept_only_as_clean_metadata():
    assert clean_filename("Hélsinki  ICT\tplan.pdf") == "Hélsinki ICT plan.pdf"
    assert clean_filename('what?<is>:"this"|*.pdf') == "what__is___this___.pdf"
    assert clean_filename("...hidden.pdf") == "hidden.pdf"
    long = clean_filename("x" * 400 + ".pptx")
    assert len(long) == 200 and long.endswith(".pptx")


VISIBILITY_TABLE = [
    # visibility, who, sees
    ("public", None, True), ("public", "non_participant", True), ("public", "participant", True),
    ("participants", None, False), ("participants", "non_participant", False), ("participants", "pending", False),
    ("participants", "participant", True), ("participants", "other_supplier", True),
    ("participants", "speaker", True), ("participants", "organiser", True),
    ("organisers", "participant", False), ("organisers", "other_supplier", False),
    ("organisers", "speaker", True),  # the uploader always sees their own
    ("organisers", "speaker_admin", True), ("organisers", "organiser", True),
]


@pytest.mark.parametrize("visibility, who, sees", VISIBILITY_TABLE)
def test_visibility(world, visibility, who, sees):
    material = upload(world, title="Slides", visibility=visibility)
    db.session.commit()
    user = getattr(world, who) if who else None
    assert access.can_view(material, access.event_viewer(world.event, user)) is sees


def test_a_drafts_materials_are_for_its_organisers_only(world):
    material = upload(world, world.organiser, title="Plan", visibility="public")
    world.event.status = EventStatus.DRAFT
    db.session.commit()
    assert not access.can_view(material, access.event_viewer(world.event, world.participant))
    assert access.can_view(material, access.event_viewer(world.event, world.organiser))


def test_removal_keeps_the_record_and_purges_the_file_unless_still_used(world, upload_dir):
    first = upload(world, title="Slides")
    shared = upload(world, world.organiser, title="Same file elsewhere", session=world.other_session)
    only = upload(world, title="Only here", data=pdf("unique"))
    db.session.commit()
    hashes = services.remove_material(only, world.speaker)
    db.session.commit()
    assert services.purge_files(hashes) == 1
    assert only.current.sha256 not in stored_files(upload_dir)
    hashes = services.remove_material(first, world.speaker)
    db.session.commit()
    assert services.purge_files(hashes) == 0  # still the current file of another item
    assert shared.current.sha256 in stored_files(upload_dir)
    assert count(Material) == 3 and count(MaterialVersion) == 3  # the record stays


def test_a_just_written_file_is_left_for_the_collector(app, world, upload_dir):
    app.config["MATERIAL_PURGE_GRACE_SECONDS"] = 60
    material = upload(world, title="Slides")
    db.session.commit()
    hashes = services.remove_material(material, world.speaker)
    db.session.commit()
    # A concurrent upload of the same bytes may have just put this file in place.
    assert services.purge_files(hashes) == 0 and stored_files(upload_dir) == hashes
    old = time.time() - 120
    os.utime(upload_dir / hashes[0], (old, old))
    assert services.collect_garbage() == (1, 0) and stored_files(upload_dir) == []


def test_garbage_collection_removes_orphans_and_interrupted_uploads(world, upload_dir):
    material = upload(world, title="Slides")
    db.session.commit()
    orphan = upload_dir / ("ab" * 32)
    orphan.write_bytes(b"left over")
    partial = upload_dir / ".partial-killed"
    partial.write_bytes(b"half an upload")
    fresh = upload_dir / ".partial-in-progress"
    fresh.write_bytes(b"still arriving")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    os.utime(partial, (old, old))
    assert services.collect_garbage(partial_age_seconds=3600) == (1, 1)
    assert stored_files(upload_dir) == sorted([".partial-in-progress", material.current.sha256])


def test_downloads_are_counted_per_item_and_per_organisation(world):
    material = upload(world, title="Slides")
    db.session.commit()
    for user in (world.participant, world.participant, world.other_supplier, None):
        services.record_download(material, material.current, user)
    db.session.commit()
    assert services.download_counts([material.id]) == {material.id: 4}
    by_org = services.downloads_by_organisation([material.id])
    assert by_org[0] == (world.participant.organisation.name, 2)
    assert (world.other_supplier.organisation.name, 1) in by_org
    assert ("No organisation or not signed in", 1) in by_org
    assert count(MaterialDownload) == 4


def test_reminders_go_to_speakers_of_sessions_without_slides_once(world, outbox, make_user):
    second_speaker = make_user()
    db.session.add(SessionSpeaker(session=world.other_session, user=second_speaker))
    db.session.add(SessionSpeaker(session=world.other_session, user=world.speaker))
    db.session.commit()
    upload(world, title="Slides")  # the first session has slides
    rows = {r.session.title: r for r in overview.sessions_overview(world.event)}
    assert not rows["Buyer presentations"].needs_slides and rows["Supplier pitches"].needs_slides
    assert rows["Welcome"].needs_slides and rows["Welcome"].speakers == []

    assert overview.remind_speakers(world.event, world.organiser) == (2, 0)
    db.session.commit()
    mails = outbox("materials.reminder")
    assert sorted(m.recipients[0] for m in mails) == sorted([world.speaker.email, second_speaker.email])
    body = mails[0].body_text
    assert "Supplier pitches" in body and "Buyer presentations" not in body
    assert f"http://dialogue.test/events/{world.event.slug}/materials/new?session={world.other_session.id}" in body
    assert count(MaterialReminder) == 2

    assert overview.remind_speakers(world.event, world.organiser) == (0, 2)  # not twice in 12 hours
    later = utcnow() + dt.timedelta(hours=13)
    assert overview.remind_speakers(world.event, world.organiser, now=later) == (2, 0)
    with pytest.raises(DialogueError, match="already has materials"):
        overview.remind_speakers(world.event, world.organiser, world.session)
    with pytest.raises(NotAllowed):
        overview.remind_speakers(world.event, world.speaker)


def test_package_entries_are_named_by_session_and_the_zip_streams(world, upload_dir):
    upload(world, world.organiser, session=None, title="Programme", visibility="public")
    upload(world, title="Helsinki ICT plan", data=pdf("plan"))
    upload(world, title="Helsinki ICT plan", data=pdf("plan, again"))
    upload(world, world.organiser, session=world.other_session, title="Pitch: a/b \\ c?", filename="deck.pptx",
           data=ooxml("pptx"))
    upload(world, world.organiser, session=world.other_session, title="Recording",
           filename=None, data=None, link_url="https://video.example.org/pitches")
    db.session.commit()
    listing = list_event_materials(world.event, access.event_viewer(world.event, world.participant))
    entries, included = package.entries(listing, get_storage(), len(world.event.sessions), "Europe/Helsinki")
    names = [e.name for e in entries]
    assert names == ["00 - General - Programme.pdf",
                     "02 - Buyer presentations - Helsinki ICT plan.pdf",
                     "02 - Buyer presentations - Helsinki ICT plan (2).pdf",
                     "03 - Supplier pitches - Pitch a b c.pptx",
                     "Links.txt"]
    assert len(included) == 4
    chunks = list(package.stream_zip(entries))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.namelist() == names
    assert archive.read("02 - Buyer presentations - Helsinki ICT plan.pdf") == pdf("plan")
    assert b"https://video.example.org/pitches" in archive.read("Links.txt")


def test_the_zip_is_produced_in_small_chunks(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    chunks = list(package.stream_zip([package.Entry(name="big.mp4", source=lambda: big.open("rb"), compressed=True)]))
    assert len(chunks) > 20 and max(len(c) for c in chunks) < 256 * 1024
    assert zipfile.ZipFile(io.BytesIO(b"".join(chunks))).read("big.mp4") == big.read_bytes()


def test_generated_pdf_has_a_correct_cross_reference_table():
    data = make_pdf(["Title (with parentheses)", "Malmö"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[start:start + 4] == b"xref"
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    assert b"(Title \\(with parentheses\\)) Tj" in data and "Malmö".encode("cp1252") in data
