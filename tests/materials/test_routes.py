import io
import zipfile

import pytest
from flask import render_template
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.materials import services
from dialogue.models import Material, MaterialDownload, MaterialVersion
from tests.conftest import keep_signed_in
from tests.materials.conftest import EXE, HTML, SVG, mp4, ooxml, pdf, stored_files


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def add(world, user=None, *, title="Helsinki ICT plan", filename="slides.pdf", data=None, session="default",
        **kwargs) -> Material:
    session = world.session if session == "default" else session
    material = services.upload_material(user or world.speaker, event=world.event, session=session, title=title,
                                        filename=filename, stream=io.BytesIO(pdf() if data is None else data),
                                        **kwargs)
    db.session.commit()
    return material


def form(world, *, filename="slides.pdf", data=None, **overrides) -> dict:
    values = {"target": f"session-{world.session.id}", "title": "Helsinki ICT plan", "description": "",
              "language": "en", "visibility": "participants", "link": "",
              "file": (io.BytesIO(pdf() if data is None else data), filename)}
    values.update(overrides)
    return values


def test_speaker_uploads_slides_and_a_participant_downloads_them(client, auth, world, upload_dir):
    auth.login(world.speaker)
    page = client.get(f"/events/{world.event.slug}/materials/new?session={world.session.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'selected value="session-{world.session.id}"' in html
    assert "Supplier pitches" not in html  # not the speaker's session
    assert 'enctype="multipart/form-data"' in html and "up to 50 MB" in html

    response = client.post(f"/events/{world.event.slug}/materials/new", data=form(world),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    material = db.session.scalar(select(Material))
    assert response.headers["Location"].endswith(f"/materials/{material.id}")

    auth.login(world.participant)
    listing = client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert "02 – Buyer presentations" in listing and "Helsinki ICT plan" in listing
    download = client.get(f"/materials/{material.id}/download")
    assert download.status_code == 200 and download.data == pdf()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "inline; filename=slides.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in download.headers["Content-Security-Policy"]
    assert download.headers["Content-Security-Policy"].endswith("; sandbox")
    assert "private" in download.headers["Cache-Control"]
    assert count(MaterialDownload) == 1


def test_office_files_and_video_are_attachments_in_a_sandbox_with_ranges(client, auth, world):
    deck = add(world, title="Deck", filename="Malmö – fair phones.pptx", data=ooxml("pptx"))
    video = add(world, title="Recording", filename="talk.mp4", data=mp4(8192))
    auth.login(world.participant)
    response = client.get(f"/materials/{deck.id}/download")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Malm%C3%B6%20%E2%80%93%20fair%20phones.pptx" in disposition  # RFC 5987
    assert "sandbox" in response.headers["Content-Security-Policy"]

    full = client.get(f"/materials/{video.id}/download")
    assert full.headers["Content-Disposition"].startswith("attachment;") and full.headers["Accept-Ranges"] == "bytes"
    part = client.get(f"/materials/{video.id}/download", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == mp4(8192)[100:200]
    assert part.headers["Content-Range"] == "bytes 100-199/%d" % len(mp4(8192))
    assert services.download_counts([video.id]) == {video.id: 1}  # the player's range request is no new download
    etag = full.headers["ETag"]
    assert client.get(f"/materials/{video.id}/download", headers={"If-None-Match": etag}).status_code == 304


BAD_UPLOADS = [
    ("../../etc/passwd", pdf(), "folder path"),
    # In a multipart header a backslash is escaped; this reaches the server as ..\x.
    ("..\\\\x", pdf(), "folder path"),
    ("slides\x00.pdf", pdf(), "NUL byte"),
    ("empty.pdf", b"", "empty"),
    ("slides.pdf", EXE, "program"),
    ("slides.pdf", HTML, "Web pages"),
    ("logo.png", SVG, "Web pages"),
    ("slides.pptx", ooxml("docx"), "not a PowerPoint"),
    ("setup.exe", EXE, "cannot be uploaded"),
]


@pytest.mark.parametrize("filename, data, message", BAD_UPLOADS, ids=[f"{n!r}-{m}" for n, _d, m in BAD_UPLOADS])
def test_bad_uploads_get_a_message_next_to_the_file_field_and_store_nothing(client, auth, world, upload_dir,
                                                                             filename, data, message):
    auth.login(world.speaker)
    response = client.post(f"/events/{world.event.slug}/materials/new",
                           data=form(world, filename=filename, data=data), content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and message in html
    assert 'aria-invalid="true"' in html
    assert count(Material) == 0 and stored_files(upload_dir) == []


def test_a_file_over_the_per_file_limit_gets_413_next_to_the_field(app, client, auth, world, upload_dir):
    app.config["MAX_UPLOAD_BYTES"] = 2000
    auth.login(world.speaker)
    response = client.post(f"/events/{world.event.slug}/materials/new",
                           data=form(world, data=pdf() + b"%" + b"x" * 5000), content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "larger than the limit" in html
    assert count(Material) == 0 and stored_files(upload_dir) == []


def test_a_request_over_the_request_limit_gets_the_413_page(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    auth.login(world.speaker)
    response = client.post(f"/events/{world.event.slug}/materials/new",
                           data=form(world, data=pdf() + b"x" * 10000), content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)
    assert count(Material) == 0


def test_an_upload_killed_midway_leaves_no_file_and_no_row(client, auth, world, upload_dir, monkeypatch):
    import dialogue.materials.storage as storage

    calls = {"n": 0}

    class DyingStream(io.BytesIO):
        def read(self, n=-1):
            calls["n"] += 1
            if calls["n"] > 1:
                raise ConnectionResetError("client went away")
            return super().read(n)

    original_receive = storage.LocalStorage.receive

    def receive(self, stream, max_bytes, **kwargs):
        return original_receive(self, DyingStream(stream.read()), max_bytes, **kwargs)

    monkeypatch.setattr(storage.LocalStorage, "receive", receive)
    monkeypatch.setattr(storage, "CHUNK_SIZE", 1024)
    auth.login(world.speaker)
    response = client.post(f"/events/{world.event.slug}/materials/new",
                           data=form(world, data=pdf() + b"%" * 50_000), content_type="multipart/form-data")
    assert response.status_code == 500
    assert calls["n"] == 2  # died on the second chunk, after the first was written
    assert count(Material) == 0 and count(MaterialVersion) == 0
    assert stored_files(upload_dir) == []


def test_a_replaced_file_keeps_its_history_through_the_ui(client, auth, world):
    material = add(world)
    auth.login(world.speaker)
    assert client.get(f"/materials/{material.id}/replace").status_code == 200
    response = client.post(f"/materials/{material.id}/replace",
                           data={"file": (io.BytesIO(pdf("Version two")), "plan-v2.pdf"), "note": "New figures"},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    auth.login(world.participant)
    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Earlier versions" in page and "slides.pdf" in page and "plan-v2.pdf" in page
    assert "New figures" in page
    assert client.get(f"/materials/{material.id}/download").data == pdf("Version two")
    assert client.get(f"/materials/{material.id}/versions/1/download").data == pdf()
    assert client.get(f"/materials/{material.id}/versions/3/download").status_code == 404


def test_replacing_with_a_disguised_executable_is_refused_and_keeps_the_current_file(client, auth, world,
                                                                                     upload_dir):
    material = add(world)
    auth.login(world.speaker)
    response = client.post(f"/materials/{material.id}/replace",
                           data={"file": (io.BytesIO(EXE), "slides.pdf"), "note": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and b"program" in response.data
    db.session.expire_all()
    assert len(db.session.get(Material, material.id).versions) == 1
    assert len(stored_files(upload_dir)) == 1


def test_a_supplier_cannot_delete_anothers_slides_but_the_uploader_can(client, auth, world, upload_dir):
    material = add(world)
    auth.login(world.other_supplier)
    assert client.get(f"/materials/{material.id}/delete").status_code == 403
    assert client.post(f"/materials/{material.id}/delete").status_code == 403
    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Replace with a new version" not in page and "/delete" not in page
    auth.login(world.speaker)
    assert "Remove" in client.get(f"/materials/{material.id}/delete").get_data(as_text=True)
    response = client.post(f"/materials/{material.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/materials")
    assert stored_files(upload_dir) == []
    auth.login(world.participant)
    assert client.get(f"/materials/{material.id}/download").status_code == 404
    assert "Helsinki ICT plan" not in client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)


def test_editing_visibility_opens_an_item_to_the_public(client, auth, world):
    material = add(world)
    assert client.get(f"/materials/{material.id}/download").status_code == 403
    auth.login(world.speaker)
    assert client.get(f"/materials/{material.id}/edit").status_code == 200
    response = client.post(f"/materials/{material.id}/edit", data={
        "title": "Helsinki ICT plan 2026", "description": "Our **plan**", "language": "fi", "visibility": "public"})
    assert response.status_code == 303
    bad = client.post(f"/materials/{material.id}/edit", data={
        "title": "x", "description": "", "language": "en", "visibility": "everyone"})
    assert bad.status_code == 400 and b'id="visibility-error"' in bad.data
    auth.logout()
    assert client.get(f"/materials/{material.id}/download").status_code == 200
    page = client.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Helsinki ICT plan 2026" in page and "<strong>plan</strong>" in page and "Finnish" in page


def test_links_open_through_a_counted_redirect_and_bad_links_are_refused(client, auth, world):
    auth.login(world.speaker)
    bad = client.post(f"/events/{world.event.slug}/materials/new",
                      data=form(world, link="javascript:alert(1)", file=(io.BytesIO(b""), "")),
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and b'id="link-error"' in bad.data
    response = client.post(f"/events/{world.event.slug}/materials/new",
                           data=form(world, title="Recording", link="https://video.example.org/talk",
                                     file=(io.BytesIO(b""), "")), content_type="multipart/form-data")
    assert response.status_code == 303
    material = db.session.scalar(select(Material))
    auth.login(world.participant)
    opened = client.get(f"/materials/{material.id}/download")
    assert opened.status_code == 303 and opened.headers["Location"] == "https://video.example.org/talk"
    assert services.download_counts([material.id]) == {material.id: 1}


def test_the_package_is_one_zip_named_by_session(client, auth, world):
    add(world, world.organiser, session=None, title="Programme", visibility="public", data=pdf("programme"))
    add(world)
    add(world, world.organiser, session=world.other_session, title="Pitch deck", filename="deck.pptx",
        data=ooxml("pptx"))
    add(world, world.organiser, title="Organisers' notes", visibility="organisers", data=pdf("notes"))
    auth.login(world.participant)
    response = client.get(f"/events/{world.event.slug}/materials/package.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nordic-forum-materials.zip"'
    assert "Content-Length" not in response.headers  # streamed as it is built
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["00 - General - Programme.pdf", "02 - Buyer presentations - Helsinki ICT plan.pdf",
                                  "03 - Supplier pitches - Pitch deck.pptx"]
    assert archive.read("02 - Buyer presentations - Helsinki ICT plan.pdf") == pdf()
    assert archive.read("03 - Supplier pitches - Pitch deck.pptx") == ooxml("pptx")
    assert count(MaterialDownload) == 3

    auth.logout()
    public = zipfile.ZipFile(io.BytesIO(client.get(f"/events/{world.event.slug}/materials/package.zip").data))
    assert public.namelist() == ["00 - General - Programme.pdf"]  # anonymous: the public item only


def test_the_package_is_rate_limited(app, client, auth, world):
    app.config["MATERIAL_PACKAGE_RATE_LIMIT"] = "2 per minute"
    add(world)
    auth.login(world.participant)
    url = f"/events/{world.event.slug}/materials/package.zip"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many attempts" in client.get(url).get_data(as_text=True)


def test_organisers_see_sessions_without_slides_and_remind_speakers(client, auth, world, outbox):
    auth.login(world.organiser)
    page = client.get(f"/events/{world.event.slug}/materials/manage").get_data(as_text=True)
    assert "3 sessions have no slides yet." in page and "No speaker assigned" in page
    response = client.post(f"/events/{world.event.slug}/materials/reminders", data={})
    assert response.status_code == 303
    [mail] = outbox("materials.reminder")
    assert mail.recipients == [world.speaker.email]
    assert "Buyer presentations" in mail.body_text
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 speaker is reminded." in follow and "Last reminded" in follow
    again = client.post(f"/events/{world.event.slug}/materials/reminders", data={"session_id": world.session.id})
    assert again.status_code == 303 and len(outbox("materials.reminder")) == 1
    assert "nobody is mailed again" in client.get(again.headers["Location"]).get_data(as_text=True)

    # The speaker follows the link in the mail and uploads.
    link = mail.body_text.split("Upload: ")[1].split()[0].replace("http://dialogue.test", "")
    auth.login(world.speaker)
    assert client.get(link).status_code == 200
    client.post(f"/events/{world.event.slug}/materials/new", data=form(world), content_type="multipart/form-data")
    auth.login(world.participant)
    client.get(f"/materials/{db.session.scalar(select(Material.id))}/download")
    auth.login(world.organiser)
    page = client.get(f"/events/{world.event.slug}/materials/manage").get_data(as_text=True)
    assert "2 sessions have no slides yet." in page
    assert "Downloads per organisation" in page and world.participant.organisation.name in page


@pytest.mark.parametrize("who", ["speaker", "participant", "non_participant"])
def test_only_organisers_reach_the_overview_and_reminders(client, auth, world, outbox, who):
    auth.login(getattr(world, who))
    assert client.get(f"/events/{world.event.slug}/materials/manage").status_code == 403
    assert client.post(f"/events/{world.event.slug}/materials/reminders", data={}).status_code == 403
    assert outbox("materials.reminder") == []


def test_event_page_section_and_manage_links_render(app, client, auth, world):
    from dialogue.models import Registration

    add(world)
    add(world, world.organiser, session=None, title="Programme", visibility="public", data=pdf("programme"))
    registration = db.session.scalar(select(Registration).where(Registration.user_id == world.participant.id))
    with app.app_context(), app.test_request_context("/"):
        from flask_login import login_user

        login_user(world.participant)
        html = render_template("materials/_event_section.html", event=world.event, is_organiser=False,
                               registration=registration, is_participant=True)
        assert '<h2 id="materials-heading">' in html and "Helsinki ICT plan" in html and "Programme" in html
        assert f"/events/{world.event.slug}/materials/package.zip" in html
        links = render_template("materials/_manage_links.html", event=world.event)
        assert f"/events/{world.event.slug}/materials/manage" in links
    with app.app_context(), app.test_request_context("/"):
        html = render_template("materials/_event_section.html", event=world.event, is_organiser=False,
                               registration=None, is_participant=False)
        assert "Helsinki ICT plan" not in html and "Programme" in html
        assert "1 more material is available to registered participants" in html
    auth.login(world.speaker)
    page = client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert "Upload your slides for “Buyer presentations”" in page
    assert page.count("/replace") == 1  # their own slides, not the organisers' programme


def test_the_event_materials_page_runs_a_constant_number_of_queries(app, client, auth, world):
    def queries_for_page() -> int:
        statements = []

        def count_statement(*args, **kwargs):
            statements.append(1)

        keep_signed_in(client)
        with app.app_context():
            engine = db.engine
        path = f"/events/{world.event.slug}/materials"  # the test's own read of the event is not the page's
        sa_event.listen(engine, "before_cursor_execute", count_statement)
        try:
            assert client.get(path).status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", count_statement)
        return len(statements)

    add(world)
    auth.login(world.participant)
    few = queries_for_page()
    # With the listing kept and the person read once and kept: the event, and where the person stands
    # at it in one statement.
    assert queries_for_page() == 2
    for n in range(6):
        add(world, world.organiser, session=world.other_session if n % 2 else None, title=f"Item {n}",
            data=pdf(f"item {n}"))
        services.replace_material(db.session.scalars(select(Material).order_by(Material.id.desc())).first(),
                                  world.organiser, filename="v2.pdf", stream=io.BytesIO(pdf(f"v2 {n}")))
        db.session.commit()
    assert queries_for_page() == few


def test_buyers_attach_documents_to_their_intents(client, auth, world, make_intent, make_user, upload_dir):
    buyer = world.participant
    intent = make_intent(buyer.organisation)
    auth.login(world.speaker)
    assert client.get(f"/intents/{intent.id}/materials/new").status_code == 403
    auth.login(buyer)
    page = client.get(f"/intents/{intent.id}/materials/new").get_data(as_text=True)
    assert 'checked id="visibility-0" name="visibility" type="radio" value="public"' in page
    assert "Staff of our organisation only" in page
    response = client.post(f"/intents/{intent.id}/materials/new", data={
        "title": "Draft specification", "description": "", "language": "en", "visibility": "public", "link": "",
        "file": (io.BytesIO(ooxml("docx")), "spec.docx")}, content_type="multipart/form-data")
    assert response.status_code == 303
    auth.logout()
    listing = client.get(f"/intents/{intent.id}/materials").get_data(as_text=True)
    assert "Draft specification" in listing
    material = db.session.scalar(select(Material))
    download = client.get(f"/materials/{material.id}/download")
    assert download.status_code == 200 and download.headers["Content-Disposition"] == "attachment; filename=spec.docx"


def test_every_page_renders_for_the_organiser(client, auth, world):
    material = add(world)
    auth.login(world.organiser)
    for url in (f"/events/{world.event.slug}/materials", f"/events/{world.event.slug}/materials/new",
                f"/events/{world.event.slug}/materials/manage", f"/materials/{material.id}",
                f"/materials/{material.id}/edit", f"/materials/{material.id}/replace",
                f"/materials/{material.id}/delete"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<h1>" in html and "<script>" not in html, url


def test_visibility_default_for_event_uploads_is_participants(client, auth, world):
    auth.login(world.organiser)
    html = client.get(f"/events/{world.event.slug}/materials/new").get_data(as_text=True)
    assert 'checked id="visibility-1" name="visibility" type="radio" value="participants"' in html


def test_documents_of_intents_presented_at_the_event_are_in_its_listing_and_package(client, auth, world,
                                                                                     make_intent):
    from dialogue.models import EventIntent

    buyer = world.participant
    intent = make_intent(buyer.organisation, title="Laptops for schools 2027")
    db.session.add(EventIntent(event=world.event, intent=intent))
    db.session.commit()
    services.upload_material(buyer, intent=intent, title="Market study", filename="study.pdf",
                             stream=io.BytesIO(pdf("study")))
    services.upload_material(buyer, intent=intent, title="Draft criteria", filename="criteria.pdf",
                             visibility="participants", stream=io.BytesIO(pdf("criteria")))
    db.session.commit()
    auth.login(world.other_supplier)
    page = client.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert "Planned tender: Laptops for schools 2027" in page and "Draft criteria" in page
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/events/{world.event.slug}/materials/package.zip").data)).namelist()
    assert names == ["Planned tenders - Laptops for schools 2027 - Market study.pdf",
                     "Planned tenders - Laptops for schools 2027 - Draft criteria.pdf"]
    auth.login(world.non_participant)
    page = client.get(f"/intents/{intent.id}/materials").get_data(as_text=True)
    assert "Market study" in page and "Draft criteria" not in page
    assert "1 more document is available to participants" in page
