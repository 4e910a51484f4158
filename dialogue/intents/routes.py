"""Public pages: the list of planned tenders, an intent's page, the Atom feed, OCDS and the CPV search."""

from __future__ import annotations

import json

from flask import Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from dialogue.core import cache
from dialogue.core.actions import perform
from dialogue.core.cache import public_page
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm
from dialogue.core.inputs import bounded_int
from dialogue.core.urls import on_base_url
from dialogue.extensions import db, limiter
from dialogue.intents import access, bp, browse, cpv, feed, ocds, queries, questions, services, subscriptions
from dialogue.intents import ocds_package as ocds_package_job
from dialogue.intents.forms import AskForm, FilterForm
from dialogue.models import EventIntent, HarmonisedCriterion, Intent, IntentCriterion, IntentPartner, Organisation

CPV_PAGE = 50


@bp.app_template_global()
def event_url(event) -> str | None:
    """The public page of an event, once the events feature serves one."""
    if "events.detail" in current_app.view_functions:
        return url_for("events.detail", slug=event.slug)
    return None


def staff_intent_or_404(intent_id: int) -> Intent:
    """An intent for the pages of its buyer's staff: 404 if the person cannot see it, 403 if not staff."""
    intent = access.get_intent_or_404(intent_id, current_user)
    access.require_buyer_staff(intent, current_user)
    return intent


def read_filters(args: MultiDict) -> tuple[FilterForm, browse.Filters]:
    form = FilterForm(args)
    form.set_choices(*queries.filter_options())
    form.validate()
    filters = browse.Filters(q=(form.q.data or "").strip()[:200], status=form.status.data or "announced")
    if form.status.data not in browse.STATUS_FILTERS:
        filters.status = "announced"
        form.status.data = "announced"
    prefix = None
    if form.cpv.data and not form.cpv.errors:
        # A filter of a GET page: a code that is not one is shown next to its field, the list stays.
        try:
            prefix = cpv.normalise_prefix(form.cpv.data)
        except DialogueError as exc:
            form.cpv.errors = [exc.message]
    if prefix is None and form.division.data and not form.division.errors:
        prefix = form.division.data
    filters.cpv_prefix = prefix or ""
    if form.buyer.data and not form.buyer.errors:
        filters.buyer_id = int(form.buyer.data)
    if form.country.data and not form.country.errors:
        filters.country = form.country.data
    filters.planned_from = form.planned_from.data if not form.planned_from.errors else None
    filters.planned_to = form.planned_to.data if not form.planned_to.errors else None
    if form.criterion.data and not form.criterion.errors:
        filters.criterion = form.criterion.data
    return form, filters


FILTER_KEYS = ("q", "division", "cpv", "buyer", "country", "planned_from", "planned_to", "criterion", "status")


def _filter_args(args: MultiDict) -> dict:
    return {k: args.get(k) for k in FILTER_KEYS if args.get(k)}


@bp.get("/intents")
@public_page
def index():
    """The filters and the cards are the same for everyone asking with the same filters: rendered once per
    version of the intents, the names, the texts and the CPV codes, language and filters as asked."""
    form, filters = read_filters(request.args)
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    filter_args = _filter_args(request.args)

    def build() -> str:
        intents, has_next = queries.list_cards(filters, page)
        return render_template("intents/_list.html", form=form, filters=filters, intents=intents, page=page,
                               has_next=has_next, labels=cpv.labels(i.cpv_main for i in intents),
                               filter_args=filter_args,
                               prefix_entry=cpv.prefix_code(filters.cpv_prefix) if filters.cpv_prefix else None)

    # The form shows the values exactly as given, so the fragment is keyed on them, not on the filters read.
    asked = tuple((key, tuple(request.args.getlist(key))) for key in FILTER_KEYS) + (("page", page),)
    listing = cache.fragment("intents/list", queries.LIST_SCOPES, build, audience=asked)
    has_errors = any(f.errors for f in form)
    return render_template("intents/index.html", filters=filters, filter_args=filter_args, listing=listing,
                           can_create=access.can_create_intents(current_user), build_form=ButtonForm()), \
        400 if has_errors else 200


@bp.get("/intents/feed.atom")
def feed_atom():
    _form, filters = read_filters(request.args)
    filters.status = "announced"
    intents, _more = browse.list_intents(filters, 1, per_page=50, with_codes=True)
    args = _filter_args(request.args)
    # Links on BASE_URL, never on the request's Host: entry ids must not change with the address used.
    with on_base_url() as link:
        body = feed.build(intents, title=_("Planned tenders on Dialogue"), self_url=link("intents.feed_atom", **args),
                          html_url=link("intents.index", **args),
                          entry_url=lambda i: link("intents.detail", intent_id=i.id),
                          labels=cpv.labels(code for i in intents for code in i.all_cpv_codes))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def detail_options():
    return (joinedload(Intent.buyer), selectinload(Intent.items), selectinload(Intent.lots),
            selectinload(Intent.additional_cpv), selectinload(Intent.criteria),
            selectinload(Intent.partners).joinedload(IntentPartner.organisation), selectinload(Intent.changes),
            selectinload(Intent.event_links).joinedload(EventIntent.event))


def page_options():
    """What the intent's page reads on every request; the rest is read when a cached part is built (the
    partners, which decide who is staff, only for a signed-in person and a joint procurement)."""
    return (joinedload(Intent.buyer),)


def _load_content(intent: Intent) -> None:
    """The items, lots, codes, criteria and partners of an intent already in the session, in one query each
    (the partners' organisations too when the partners were read before, to tell who is staff)."""
    partners_read = "partners" not in inspect(intent).unloaded
    db.session.scalars(select(Intent).where(Intent.id == intent.id).options(
        selectinload(Intent.items), selectinload(Intent.lots), selectinload(Intent.additional_cpv),
        selectinload(Intent.criteria).joinedload(IntentCriterion.harmonised).joinedload(HarmonisedCriterion.group),
        selectinload(Intent.partners).joinedload(IntentPartner.organisation))).one()
    if partners_read:
        ids = {p.organisation_id for p in intent.partners if p.organisation_id is not None}
        if ids:  # in the session now, so each partner finds its organisation without a query
            db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all()


def _content(intent: Intent) -> str:
    """The summary, the items and the criteria: the same for everyone who may see the intent."""
    _load_content(intent)
    return render_template("intents/_content.html", intent=intent, labels=cpv.labels(intent.all_cpv_codes))


def _history(intent: Intent, staff: bool) -> str:
    history = [c for c in intent.changes if c.public or staff]
    return render_template("intents/_history.html", intent=intent, history=list(reversed(history)))


def render_detail(intent: Intent, *, ask_form: AskForm | None = None) -> str:
    """The parts that are the same for everyone (and, for the history, for all staff or all others) are
    rendered once per version of the intent, of the names and texts it shows and of the CPV codes."""
    staff = access.is_buyer_staff(intent, current_user)
    pending = questions.own_pending_questions(intent, current_user)
    links = queries.presented_at(intent.id, drafts=staff)
    pending_count = services.pending_question_counts([intent.id]).get(intent.id, 0) if staff else 0
    scopes = queries.page_scopes(intent.id)
    return render_template(
        "intents/detail.html", intent=intent, staff=staff, lead=access.is_lead_staff(intent, current_user),
        published=cache.fragment("intents/published", scopes, lambda: render_template(
            "intents/_published.html", intent=intent, published=questions.published_questions(intent))),
        own_pending=pending, links=links, pending_count=pending_count,
        content=cache.fragment("intents/content", scopes, lambda: _content(intent)),
        history=cache.fragment("intents/history", scopes, lambda: _history(intent, staff), audience=(staff,)),
        can_ask=access.can_ask(intent, current_user), ask_form=ask_form or AskForm(formdata=None),
        following=subscriptions.following(intent, current_user), consent_text=subscriptions.CONSENT_TEXT,
        button=ButtonForm())


@bp.get("/intents/<int:intent_id>")
@public_page
def detail(intent_id: int):
    intent = access.get_intent_or_404(intent_id, current_user, *page_options())
    return render_detail(intent)


def _json(data: dict, filename: str | None = None, *, compact: bool = False) -> Response:
    # A package of every intent is written compactly: indenting makes json fall back to the slow encoder.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) if compact else \
        json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(text, content_type="application/json")
    if filename and request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/intents/<int:intent_id>/ocds.json")
def ocds_release(intent_id: int):
    """The intent as one OCDS release. Drafts are not published."""
    intent = access.get_intent_or_404(intent_id)
    loaded = ocds.load([intent.id])[0]
    return _json(ocds.release(loaded), f"intent-{intent.id}-ocds-release.json")


@bp.get("/intents/ocds.json")
def ocds_package():
    ids = ocds.announced_intent_ids()
    if not ocds_package_job.is_large(ids):
        return _json(ocds.package(ocds.load(ids)), ocds_package_job.FILE_NAME, compact=True)
    # Too large for a request: the file the worker built last (at most ten minutes old).
    response = ocds_package_job.send_latest_package(mimetype="application/json", max_age=60,
                                                    as_attachment=bool(request.args.get("download")),
                                                    download_name=ocds_package_job.FILE_NAME)
    if response is None:
        response = Response(json.dumps({"error": _("The package is being built. Try again in a few minutes.")}),
                            status=503, content_type="application/json")
        response.headers["Retry-After"] = "120"
    return response


@bp.post("/intents/ocds.json/build")
@login_required
@limiter.limit("5 per hour")
def build_ocds_package():
    """The whole package built now by the worker; its page shows the progress, then the download."""
    return perform(lambda: ocds_package_job.queue_package(current_user), form=ButtonForm(),
                   to=lambda job: url_for("jobs.show", job_id=job.id))


@bp.get("/cpv")
def cpv_search():
    """The CPV picker without JavaScript: search by code or words of the label."""
    query = (request.args.get("q") or "").strip()[:100]
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    results, has_next = cpv.search(query, limit=CPV_PAGE, offset=(page - 1) * CPV_PAGE) if query else ([], False)
    return render_template("intents/cpv_search.html", query=query, results=results, page=page, has_next=has_next,
                           divisions=cpv.divisions(), total=cpv.count())


@bp.get("/cpv.json")
def cpv_search_json():
    query = (request.args.get("q") or "").strip()[:100]
    results, _more = cpv.search(query, limit=20) if len(query) >= 2 else ([], False)
    return {"results": [{"code": c.code, "label": c.label} for c in results]}
