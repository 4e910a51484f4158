from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.inputs import parse_id
from dialogue.core.permissions import require_verified
from dialogue.core.text import without_controls
from dialogue.events.access import get_event_or_404, organiser_event_or_404, standing
from dialogue.extensions import db, limiter
from dialogue.materials import access, bp, listing, overview, package, services
from dialogue.materials.filetypes import FILE_TYPES, accepted_summary
from dialogue.materials.forms import EditForm, IntentUploadForm, RemindForm, ReplaceForm, UploadForm
from dialogue.materials.storage import get_storage
from dialogue.models import AgendaSession, Intent, Material, MaterialVersion

# Served inline only when the content was verified as one of these; everything else is an attachment.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}
# Uploaded files never run anything in our origin: no scripts, no plugins, no framing, a unique
# origin (sandbox) even if a browser renders something. Chromium shows top-level PDFs and images
# under this policy; the content was verified when it was uploaded and is sent with nosniff.
FILE_CSP = ("default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'; sandbox")


def _user():
    return current_user if current_user.is_authenticated else None


def _visible_material_or_abort(material_id: int) -> tuple[Material, access.Viewer]:
    material = listing.load_material(material_id)
    if material is None:
        abort(404)
    viewer = access.viewer_for(material, _user())
    if not access.can_view(material, viewer):
        if access.hidden_from(material, viewer) == 403:
            abort(403, _("Sign in and register for the event to get this material.") if not viewer.signed_in
                  else _("This material is for registered participants of the event."))
        abort(404)
    return material, viewer


def _manageable_material_or_abort(material_id: int) -> tuple[Material, access.Viewer]:
    material, viewer = _visible_material_or_abort(material_id)
    if not access.can_manage(material, viewer):
        abort(403, _("Only the person who added this material, their organisation's administrators and the "
                     "organisers can change it."))
    return material, viewer


def _file_hint() -> str:
    return _("Accepted: %(types)s, up to %(mb)s MB.", types=accepted_summary(services.accepted()),
             mb=services.megabytes(services.max_upload_bytes()))


def _uploaded_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    return upload.filename, upload.stream


def _back_url(material: Material) -> str:
    if material.event is not None:
        return url_for("materials.event_index", slug=material.event.slug)
    return url_for("materials.intent_index", intent_id=material.intent_id)


def _added(material: Material) -> str:
    return _("“%(title)s” is added.", title=material.title)


def _detail_url(material: Material) -> str:
    return url_for("materials.detail", material_id=material.id)


def _upload_page(form: UploadForm, *, event=None, intent=None, session=lambda: None):
    """The upload page of an event or an intent; on POST the upload, with ``session`` giving the agenda
    session the material belongs to."""
    form.file.description = _file_hint()
    page = lambda: render_template("materials/upload.html", event=event, intent=intent, form=form)  # noqa: E731
    if request.method == "GET":
        return page()

    def add() -> Material:
        filename, stream = _uploaded_file()
        return services.upload_material(
            current_user, event=event, session=session(), intent=intent, title=form.title.data,
            description=form.description.data, language=form.language.data, visibility=form.visibility.data,
            filename=filename, stream=stream, link_url=form.link.data)

    return perform(add, form=form, page=page, to=_detail_url, success=_added)


@bp.get("/events/<slug>/materials")
def event_index(slug: str):
    event = get_event_or_404(slug, _user())
    # Whether the person organises, takes part or speaks: one statement, as on the event page.
    return render_template("materials/event_index.html", event=event, person=standing(event, _user()))


@bp.route("/events/<slug>/materials/new", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    event = get_event_or_404(slug, current_user)
    viewer = access.event_viewer(event, current_user)
    targets = listing.upload_targets(event, viewer)
    if not targets:
        abort(403, _("Only the organisers, and speakers for their own session, can add materials to this event."))
    require_verified()
    form = UploadForm()
    form.target.choices = choices(targets)
    if request.method == "GET" and f"session-{request.args.get('session', '')}" in dict(targets):
        form.target.data = f"session-{request.args['session']}"

    def session():
        if form.target.data.startswith("session-"):
            return next(s for s in event.sessions if f"session-{s.id}" == form.target.data)
        return None

    return _upload_page(form, event=event, session=session)


@bp.get("/intents/<int:intent_id>/materials")
def intent_index(intent_id: int):
    intent = db.get_or_404(Intent, intent_id)
    viewer = access.intent_viewer(intent, _user())
    if not intent.is_public and not viewer.buyer_staff:
        abort(404)
    return render_template("materials/intent_index.html", intent=intent,
                           materials=listing.list_intent_materials(intent, viewer))


@bp.route("/intents/<int:intent_id>/materials/new", methods=["GET", "POST"])
@login_required
def upload_intent(intent_id: int):
    intent = db.get_or_404(Intent, intent_id)
    viewer = access.intent_viewer(intent, current_user)
    if not access.can_upload_to_intent(intent, viewer):
        abort(403, _("Only the staff of %(buyer)s can add documents to this planned tender.",
                     buyer=intent.buyer.name))
    require_verified()
    form = IntentUploadForm()
    form.for_intent()
    if request.method == "GET":
        form.visibility.data = "public"
    return _upload_page(form, intent=intent)


@bp.get("/materials/<int:material_id>")
def detail(material_id: int):
    material, viewer = _visible_material_or_abort(material_id)
    organiser = viewer.organiser
    return render_template("materials/detail.html", material=material, can_manage=access.can_manage(material, viewer),
                           downloads=services.download_counts([material.id]).get(material.id, 0),
                           by_organisation=services.downloads_by_organisation([material.id]) if organiser else None)


@bp.route("/materials/<int:material_id>/edit", methods=["GET", "POST"])
@login_required
def edit(material_id: int):
    material, _viewer = _manageable_material_or_abort(material_id)
    form = EditForm(obj=material if request.method == "GET" else None)
    if material.intent_id is not None:
        form.for_intent()
    page = lambda: render_template("materials/edit.html", material=material, form=form)  # noqa: E731
    if request.method == "GET":
        form.visibility.data = material.visibility.value
        return page()
    return perform(lambda: services.update_material(material, current_user, title=form.title.data,
                                                    description=form.description.data,
                                                    language=form.language.data, visibility=form.visibility.data),
                   form=form, page=page, to=_detail_url(material), success=_("The changes are saved."))


@bp.route("/materials/<int:material_id>/replace", methods=["GET", "POST"])
@login_required
def replace(material_id: int):
    material, _viewer = _manageable_material_or_abort(material_id)
    form = ReplaceForm()
    form.file.description = _file_hint()
    page = lambda: render_template("materials/replace.html", material=material, form=form)  # noqa: E731
    if request.method == "GET":
        return page()

    def replace_file() -> MaterialVersion:
        filename, stream = _uploaded_file()
        return services.replace_material(material, current_user, filename=filename, stream=stream,
                                         link_url=form.link.data, note=form.note.data)

    return perform(replace_file, form=form, page=page, to=_detail_url(material),
                   success=lambda version: _("Version %(n)s is now the current one; earlier versions are kept.",
                                             n=version.number))


@bp.route("/materials/<int:material_id>/delete", methods=["GET", "POST"])
@login_required
def delete(material_id: int):
    material, _viewer = _manageable_material_or_abort(material_id)
    form = ButtonForm()
    if request.method == "POST":
        return perform(lambda: services.remove_material(material, current_user), form=form, to=_back_url(material),
                       back=_detail_url(material), after=services.purge_files,
                       success=_("“%(title)s” is removed.", title=material.title))
    return render_template("materials/delete.html", material=material, form=form)


def _counts_as_download() -> bool:
    """A video player's later range requests are the same download, not new ones."""
    if request.method == "HEAD":
        return False
    ranges = request.range
    return ranges is None or not ranges.ranges or ranges.ranges[0][0] == 0


def file_headers(response: Response) -> Response:
    """The headers every uploaded file is sent with; other features' downloads (label evidence) use them too."""
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def _send(material: Material, version: MaterialVersion):
    if version.is_link:
        services.record_download(material, version, _user())
        db.session.commit()
        return redirect(version.link_url, 303)
    inline = version.content_type in INLINE_TYPES and FILE_TYPES.get(version.extension, None) is not None \
        and FILE_TYPES[version.extension].inline
    response = get_storage().send(version.sha256, mimetype=version.content_type, as_attachment=not inline,
                                  download_name=without_controls(version.filename), conditional=True,
                                  etag=version.sha256, last_modified=version.created_at, max_age=0)
    if response is None:
        current_app.logger.error("stored file missing for material %s version %s", material.id, version.number)
        abort(404, _("The file of this material is missing. The organisers have been told."))
    if _counts_as_download():
        services.record_download(material, version, _user())
        db.session.commit()
    return file_headers(response)


@bp.get("/materials/<int:material_id>/download")
def download(material_id: int):
    material, _viewer = _visible_material_or_abort(material_id)
    return _send(material, material.current)


@bp.get("/materials/<int:material_id>/versions/<int:number>/download")
def download_version(material_id: int, number: int):
    material, _viewer = _visible_material_or_abort(material_id)
    version = next((v for v in material.versions if v.number == number), None)
    if version is None:
        abort(404)
    return _send(material, version)


def _package_key() -> str:
    from flask_limiter.util import get_remote_address

    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.get("/events/<slug>/materials/package.zip")
@limiter.limit(lambda: current_app.config["MATERIAL_PACKAGE_RATE_LIMIT"], key_func=_package_key)
def package_zip(slug: str):
    event = get_event_or_404(slug, _user())
    viewer = access.event_viewer(event, _user())
    materials = listing.list_event_materials(event, viewer)
    storage = get_storage()
    entries, included = package.entries(materials, storage, len(event.sessions), event.timezone)
    missing = [e for e in entries if e.sha256 is not None and not storage.exists(e.sha256)]
    for entry in missing:
        current_app.logger.error("stored file missing from the package of %s: %s", event.slug, entry.name)
    entries = [e for e in entries if e not in missing]
    if not entries:
        if materials.hidden_count:
            abort(403, _("Sign in and register for the event to download its materials.")
                  if not viewer.signed_in else _("The materials are for registered participants of the event."))
        abort(404, _("There are no materials to download yet."))
    services.record_downloads(included, _user())
    db.session.commit()
    response = Response(package.stream_zip(entries), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-materials.zip"'
    return file_headers(response)


@bp.get("/events/<slug>/materials/manage")
@login_required
def manage(slug: str):
    event = organiser_event_or_404(slug)
    viewer = access.event_viewer(event, current_user)
    materials = listing.list_event_materials(event, viewer)
    ids = [m.id for m in materials.items]
    return render_template("materials/manage.html", event=event, rows=overview.sessions_overview(event),
                           materials=materials, counts=services.download_counts(ids),
                           by_organisation=services.downloads_by_organisation(ids), form=RemindForm())


@bp.post("/events/<slug>/materials/reminders")
@login_required
def remind(slug: str):
    event = organiser_event_or_404(slug)
    form = RemindForm()

    def session() -> AgendaSession | None:
        if not form.session_id.data:
            return None
        session_id = parse_id(form.session_id.data)
        session = db.session.get(AgendaSession, session_id) if session_id is not None else None
        if session is None or session.event_id != event.id:
            abort(404)
        return session

    return perform(lambda: overview.remind_speakers(event, current_user, session()), form=form,
                   to=url_for("materials.manage", slug=event.slug), success=_reminded)


def _reminded(counts: tuple[int, int]) -> tuple[str, str]:
    mailed, skipped = counts
    if not mailed:
        return _("Every speaker without slides was reminded in the last 12 hours; nobody is mailed again."), "info"
    message = ngettext("%(num)s speaker is reminded.", "%(num)s speakers are reminded.", mailed)
    if skipped:
        message += " " + ngettext(
            "%(num)s other was reminded in the last 12 hours and is not mailed again.",
            "%(num)s others were reminded in the last 12 hours and are not mailed again.", skipped)
    return message, "success"
