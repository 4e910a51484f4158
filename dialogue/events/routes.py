"""Event pages: the public page and calendar files, creating and editing, and the organisers' page."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from dialogue.core import cache, ical
from dialogue.core.actions import form_page, page_views, perform
from dialogue.core.cache import public_page
from dialogue.core.forms import ButtonForm, form_fragment
from dialogue.core.inputs import bounded_int
from dialogue.core.permissions import require_verified
from dialogue.core.text import render_markdown
from dialogue.core.timeutil import to_zone
from dialogue.events import bp, calendar, lifecycle, queries, services
from dialogue.events import staff as event_staff
from dialogue.events.access import get_event_or_404, may_host, organiser_event_or_404, standing
from dialogue.events.agenda import kind_label
from dialogue.events.forms import CapacityForm, CoHostForm, EventForm, StaffForm, StatusForm
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventCoHost,
    EventFormat,
    EventStaff,
    Membership,
    Organisation,
    OutboxStatus,
    SessionKind,
    SessionSpeaker,
    User,
)
from dialogue.outbox import queries as outbox_queries

# Everything the public page shows, loaded in a fixed number of queries whatever the agenda's size.
PAGE_OPTIONS = (
    selectinload(Event.cohosts).joinedload(EventCoHost.organisation),
    selectinload(Event.sessions).selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user)
    .joinedload(User.membership).joinedload(Membership.organisation),
    selectinload(Event.role_capacities),
)


@bp.app_template_filter("event_when")
def event_when(event: Event) -> str:
    return queries.when(event)


@bp.app_template_filter("event_status")
def event_status(status) -> str:
    return lifecycle.status_label(status)


@bp.app_template_filter("event_format")
def event_format(value) -> str:

    return str(EventFormat(value).label)


@bp.app_template_filter("language_name")
def language_name(code: str) -> str:
    return services.LANGUAGES.get(code, code)


@bp.app_template_filter("clock")
def clock(value, zone: str, fmt: str = "%H:%M") -> str:
    """A time of day in the zone, for lists whose heading names the zone."""

    return to_zone(value, zone).strftime(fmt) if value else ""


@bp.app_template_filter("markdown_cached")
def markdown_cached(source: str | None):
    """Sanitised Markdown, remembered by its text: an agenda renders the same descriptions again and again.
    Long texts are rendered each time, so the cache stays small."""
    source = source or ""
    if len(source) > 4000:

        return render_markdown(source)
    return _markdown(source)


@lru_cache(maxsize=1024)
def _markdown(source: str):

    return render_markdown(source)


@bp.app_template_global()
def cached_section(template: str, event: Event, scopes, **flags):
    """A section of the event page rendered once per version of the event and of ``scopes``, language and
    ``flags`` (what about the visitor it shows, e.g. ``is_organiser``), with ``event`` and the flags."""
    return cache.fragment(template, [("event", event.id), *(tuple(scope) for scope in scopes)],
                          lambda: render_template(template, event=event, **flags),
                          audience=tuple(sorted(flags.items())))


@bp.app_template_filter("session_kind")
def session_kind(kind) -> str:

    return kind_label(kind)


# --- public ----------------------------------------------------------------------------------------

@bp.get("/events/<slug>")
@public_page
def detail(slug: str):
    """The public page; the features that hang on an event add their sections (``*/_event_section.html``).
    The practical information and the agenda are rendered once per version of the event (and of the names
    they show), language and, for the online link, whether the visitor takes part; the co-hosts and the
    sessions are read only then."""
    event = get_event_or_404(slug, current_user)
    person = standing(event, current_user)  # read once for every section
    organiser, registration, participant = person.organiser, person.registration, person.participant
    scopes = [("event", event.id), ("people",)]
    facts = cache.fragment("events/facts", scopes, lambda: render_template(
        "events/_facts.html", event=event, is_participant=participant), audience=(participant,))
    agenda = cache.fragment("events/agenda", scopes, lambda: render_template(
        "events/_agenda.html", event=event, agenda_days=queries.agenda_days(event, queries.agenda_sessions(event)),
        kind_labels={kind.value: str(kind.label) for kind in SessionKind}))
    return render_template("events/detail.html", event=event, is_organiser=organiser, registration=registration,
                           facts=facts, agenda=agenda, is_participant=participant, standing=person,
                           can_create=services.can_create_events(current_user))


@bp.get("/events/<slug>/calendar.ics")
def calendar_file(slug: str):
    event = get_event_or_404(slug, current_user, selectinload(Event.cohosts).joinedload(EventCoHost.organisation))
    return ical.calendar_response(calendar.event_calendar(event), f"{event.slug}.ics")


@bp.get("/events/<slug>/sessions/<int:session_id>/calendar.ics")
def session_calendar_file(slug: str, session_id: int):
    event = get_event_or_404(slug, current_user)
    session = queries.session_or_404(event, session_id)
    return ical.calendar_response(calendar.session_calendar(event, session), f"{event.slug}-session-{session.id}.ics")


@bp.get("/events/mine")
@login_required
def mine():
    return render_template("events/mine.html", rows=queries.list_my_events(current_user),
                           can_create=services.can_create_events(current_user))


# --- create and edit --------------------------------------------------------------------------------

@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    require_verified()
    if not services.can_create_events(current_user):
        abort(403, _("Only platform administrators and administrators of a public buyer or a network can "
                     "create events."))
    buyers = queries.hosts()
    form = EventForm(cohost_choices=buyers)
    page = lambda: render_template("events/form.html", form=form, event=None)  # noqa: E731
    if request.method == "GET":
        form.timezone.data = current_user.timezone
        form.languages.data = ["en"]
        if may_host(current_user.organisation):
            form.cohosts.data = [current_user.organisation.id]
        return page()
    by_id = {org.id: org for org in buyers}
    return perform(lambda: services.create_event(current_user, form.details(), slug=form.slug.data,
                                                 cohosts=[by_id[i] for i in form.cohosts.data or []]),
                   form=form, page=page, to=lambda event: url_for("events.manage", slug=event.slug),
                   success=_("The event is saved as a draft. Add the agenda and places, then publish it."))


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    event = organiser_event_or_404(slug)
    form = EventForm()

    def saved(moved: bool) -> str:
        # Whether registrants were sent the moved calendar entry is known only after the service ran.
        if moved and event.is_public:
            return _("The event is saved.") + " " + _("Registrants received the updated calendar entry.")
        return _("The event is saved.")

    return form_page(lambda: services.update_event(event, form.details(), slug=form.slug.data, actor=current_user),
                     form=form, page=lambda: render_template("events/form.html", form=form, event=event),
                     fill=lambda: form.fill_from(event), to=lambda _moved: url_for("events.manage", slug=event.slug),
                     success=saved)


# --- the organisers' page ---------------------------------------------------------------------------

def _manage_agenda(event: Event) -> str:
    """The agenda table of the organisers' page. Times, kinds and links are worked out once here, not
    through a filter or url_for per row: the agenda can be long."""
    zone, kinds = ZoneInfo(event.timezone), {kind: str(kind.label) for kind in SessionKind}
    head, tail = url_for("events.edit_session", slug=event.slug, session_id=0).rsplit("/0/", 1)
    sessions = [(s, f"{s.starts_at.astimezone(zone):%d %b %H:%M}–{s.ends_at.astimezone(zone):%H:%M}",
                 kinds[s.kind], f"{head}/{s.id}/{tail}") for s in queries.manage_sessions(event)]
    return render_template("events/_manage_agenda.html", event=event, sessions=sessions)


def _manage_head(event: Event, status_form: StatusForm | None = None) -> str:
    """The title, the event's status and the forms that change it."""
    return render_template("events/_manage_head.html", event=event,
                           status_form=status_form or StatusForm(formdata=None),
                           transitions=[a for a, (sources, _t) in lifecycle.TRANSITIONS.items()
                                        if event.status in sources])


def _manage_settings(event: Event, capacity_form: CapacityForm | None = None,
                     cohost_form: CoHostForm | None = None, staff_form: StaffForm | None = None) -> str:
    """Places, co-hosts and staff, with their forms."""
    if capacity_form is None:
        capacity_form = CapacityForm(formdata=None)
        capacity_form.fill_from(event)
    cohosts, other_hosts = queries.manage_hosts(event)
    return render_template(
        "events/_manage_settings.html", event=event, capacity_form=capacity_form, cohosts=cohosts,
        cohost_form=cohost_form or CoHostForm(formdata=None, organisations=other_hosts),
        staff=queries.manage_staff(event), staff_form=staff_form or StaffForm(formdata=None), button=ButtonForm())


def _with_forms(name: str, scopes: list, build, refused: dict) -> Markup:
    """A part of the organisers' page holding forms: kept per version of ``scopes`` and language with the
    request's CSRF token put in, unless it shows a refused form (``refused``), built for this request only."""
    if refused:
        return Markup(build(**refused))
    return form_fragment(name, scopes, build, audience=("organiser",))


def _render_manage(event: Event, **forms) -> str:
    """The organisers' page, read as plain rows (no object graph: it only shows them); a refused form
    passed in shows its errors. Every part but the mail counts is rendered once per version of what it
    shows (the event, its registrations, its staff, people's and organisations' names) and language: the
    same for every organiser."""
    refused = {name: form for name, form in forms.items() if form is not None}
    event_scope, scopes = ("event", event.id), [("event", event.id), ("people",)]
    return render_template(
        "events/manage.html", event=event,
        head=_with_forms("events/manage-head", [event_scope], lambda **shown: _manage_head(event, **shown),
                         {name: form for name, form in refused.items() if name == "status_form"}),
        settings=_with_forms("events/manage-settings", [*scopes, ("staff", event.id)],
                             lambda **shown: _manage_settings(event, **shown),
                             {name: form for name, form in refused.items() if name != "status_form"}),
        counts=cache.fragment("events/manage-counts", [event_scope, ("registrations", event.id)],
                              lambda: render_template("events/_manage_counts.html",
                                                      counts=queries.role_counts(event)),
                              audience=("organiser",)),
        agenda=cache.fragment("events/manage-agenda", scopes, lambda: _manage_agenda(event),
                              audience=("organiser",)),
        feature_links=cache.fragment("events/manage-links", scopes[:1], lambda: render_template(
            "events/_manage_feature_links.html", event=event), audience=("organiser",)),
        mail_counts=outbox_queries.status_counts(event.id))


def _manage_url(event: Event, anchor: str | None = None) -> str:
    return url_for("events.manage", slug=event.slug, _anchor=anchor)


@bp.get("/events/<slug>/manage")
@login_required
def manage(slug: str):
    return _render_manage(organiser_event_or_404(slug))


def _staff_added(staff: EventStaff) -> str:
    return _("%(name)s has the role %(role)s on this event.", name=staff.user.name,
             role=_("organiser") if staff.role.value == "organiser" else _("check-in"))


def _places_saved(promoted: list) -> str:
    message = _("The places are saved.")
    if promoted:
        message += " " + _("%(n)d people moved from the waiting list to confirmed and were told by email.",
                           n=len(promoted))
    return message


def _add_cohost(event: Event, form: CoHostForm, _item) -> EventCoHost:

    return event_staff.add_cohost(event, db.session.get(Organisation, form.organisation.data), actor=current_user)


# The forms of the organisers' page.
# endpoint: (path, section, form, the change, message, the form's name on the page, the row removed)
page_views(bp, "/events/<slug>/{path}", {
    "change_status": ("status", None, StatusForm,
                      lambda event, form, _item: lifecycle.change_status(event, form.action.data,
                                                                         reason=form.reason.data or "",
                                                                         actor=current_user),
                      lambda status: _("The event is now %(status)s.", status=lifecycle.status_label(status)),
                      "status_form"),
    "add_cohost": ("cohosts", "cohosts", lambda: CoHostForm(organisations=queries.hosts()), _add_cohost,
                   lambda cohost: _("%(name)s now co-hosts the event.", name=cohost.organisation.name),
                   "cohost_form"),
    "remove_cohost": ("cohosts/<int:cohost_id>/remove", "cohosts", ButtonForm,
                      lambda event, _form, cohost: event_staff.remove_cohost(event, cohost, actor=current_user),
                      _l("The co-host is removed."), None, EventCoHost),
    "add_staff": ("staff", "staff", StaffForm,
                  lambda event, form, _item: event_staff.add_staff(event, form.email.data, form.role.data,
                                                                   actor=current_user),
                  _staff_added, "staff_form"),
    "remove_staff": ("staff/<int:staff_id>/remove", "staff", ButtonForm,
                     lambda event, _form, staff: event_staff.remove_staff(event, staff, actor=current_user),
                     _l("The role is removed."), None, EventStaff),
    "capacity": ("capacity", "places", CapacityForm,
                 lambda event, form, _item: services.set_capacity(event, form.capacity.data, form.per_role(),
                                                                  online=form.online_capacity.data,
                                                                  actor=current_user),
                 _places_saved, "capacity_form"),
}, load=organiser_event_or_404, render=_render_manage, to=_manage_url)


@bp.get("/events/<slug>/mail")
@login_required
def mail(slug: str):
    """Delivery of the mail this event sent: confirmations, waiting-list news, the organisers' messages."""
    event = organiser_event_or_404(slug)
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    status = request.args.get("status") or None
    if status not in {s.value for s in OutboxStatus}:
        status = None
    messages, has_next = outbox_queries.messages_page(status, page, 50, event_id=event.id)
    return render_template("events/mail.html", event=event, messages=messages, has_next=has_next, page=page,
                           counts=outbox_queries.status_counts(event.id), status=status,
                           statuses=list(OutboxStatus))
