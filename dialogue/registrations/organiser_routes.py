"""The organisers' side of registration: the list with bulk decisions, one registration's record,
the questions on the form and messages to chosen registrants."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from dialogue.core import cache
from dialogue.core.actions import child_or_404, form_page, perform, post_views
from dialogue.core.forms import ButtonForm
from dialogue.core.inputs import bounded_int
from dialogue.events.access import organiser_event_or_404
from dialogue.models import (
    Attendance,
    EventFormat,
    ParticipantRole,
    Registration,
    RegistrationQuestion,
    RegistrationState,
)
from dialogue.registrations import bp, eligibility, moderation, notify, queries, roles, services
from dialogue.registrations import questions as form_questions
from dialogue.registrations.forms import ChangeRoleForm, DecisionForm, MessageForm, OrganiserCancelForm, QuestionForm

PAGE_SIZE = 100


def _filters() -> dict:
    args = request.args
    role = args.get("role") if args.get("role") in {r.value for r in ParticipantRole} else None
    state = args.get("state") if args.get("state") in {s.value for s in RegistrationState} else None
    checked_in = {"yes": True, "no": False}.get(args.get("checked_in", ""))
    attendance = args.get("attendance") if args.get("attendance") in {a.value for a in Attendance} else None
    return {"role": role, "state": state, "checked_in": checked_in, "q": (args.get("q") or "").strip()[:100],
            "review": args.get("review") == "yes", "attendance": attendance}


def _render_list(event, form: DecisionForm) -> str:
    """The list with its counts and one page of rows. The counts and the page are fragments kept per event,
    filters (and page) and language, the same for every organiser of the event; the form around the page,
    with its CSRF token, is built each time, and a form sent back (ticked rows, a reason, errors) is never kept.
    Nor is a search by name: each text typed would keep a page of its own that is seldom asked for again."""
    filters = _filters()
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    filter_args = {"role": filters["role"], "state": filters["state"],
                   "checked_in": {True: "yes", False: "no"}.get(filters["checked_in"]), "q": filters["q"] or None,
                   "review": "yes" if filters["review"] else None, "attendance": filters["attendance"]}
    kept = request.method == "GET" and not filters["q"]

    def part(name: str, build, *key) -> Markup:
        if not kept:
            return Markup(build())
        return cache.fragment(f"registrations/{name}", queries.list_scopes(event), build,
                              audience=("organiser", tuple(filters.items()), *key))

    def summary() -> str:
        total, to_review, mode_counts = queries.list_counts(event, filters)
        return render_template("registrations/_list_summary.html", event=event, filters=filters, total=total,
                               to_review=to_review, mode_counts=mode_counts)

    def table() -> str:
        rows, has_next = queries.registrations_page(event, filters, page, PAGE_SIZE)
        return render_template("registrations/_list_page.html", event=event, rows=_shown(event, rows), form=form,
                               chosen=form.registration_ids.data or [], page=page, has_next=has_next,
                               filter_args=filter_args)

    return render_template(
        "registrations/manage.html", event=event, form=form, filters=filters, page=page, filter_args=filter_args,
        roles=list(ParticipantRole), states=list(RegistrationState), attendances=list(Attendance),
        summary=part("list-summary", summary), table=part("list-page", table, page))


def _shown(event, rows: list[queries.ListedRegistration]) -> list[tuple]:
    """Each row with its link, role, state and times in words, worked out here once per label rather
    than through a filter, gettext and url_for per row: (row, link, checkbox label, role, state,
    registered, checked in)."""
    zone = ZoneInfo(event.timezone)
    role_labels = {role: services.role_label(role) for role in ParticipantRole}
    state_labels = {state: services.state_label(state) for state in RegistrationState}
    choose = _("Choose %(name)s")  # without a name: the translation, filled in for each row
    hybrid = event.format == EventFormat.HYBRID
    head, tail = url_for("registrations.registration_detail", slug=event.slug, registration_id=0).rsplit("/0", 1)
    shown = []
    for row in rows:
        role = role_labels[row.role]
        if row.role_exception_at is not None:
            role = _("%(role)s (exception granted by the organisers: %(reason)s)", role=role,
                     reason=row.role_exception_reason or "")
        if hybrid and row.attendance:
            role += " · " + str(row.attendance.label)
        checked_in = f"{row.checked_in_at.astimezone(zone):%Y-%m-%d %H:%M}" if row.checked_in_at else None
        shown.append((row, f"{head}/{row.id}{tail}", choose % {"name": row.name if row.name is not None else row.id},
                      role, state_labels[row.state],
                      f"{row.created_at.astimezone(zone):%Y-%m-%d %H:%M}", checked_in))
    return shown


@bp.get("/events/<slug>/registrations")
@login_required
def manage(slug: str):
    event = organiser_event_or_404(slug)
    return _render_list(event, DecisionForm(formdata=None))


@bp.post("/events/<slug>/registrations/decide")
@login_required
def decide(slug: str):
    """Approve or reject the ticked registrations at once."""
    event = organiser_event_or_404(slug)
    form = DecisionForm()

    def decide_them():
        if form.action.data == "approve":
            return moderation.approve(event, form.registration_ids.data, current_user, reason=form.reason.data)
        return moderation.reject(event, form.registration_ids.data, current_user, reason=form.reason.data)

    def decided(decision) -> str:
        parts = []
        if decision.confirmed:
            parts.append(ngettext("%(num)d confirmed", "%(num)d confirmed", len(decision.confirmed)))
        if decision.waitlisted:
            parts.append(ngettext("%(num)d put on the waiting list (no place left)",
                                  "%(num)d put on the waiting list (no place left)", len(decision.waitlisted)))
        if decision.rejected:
            parts.append(ngettext("%(num)d rejected", "%(num)d rejected", len(decision.rejected)))
        if decision.promoted:
            parts.append(ngettext("%(num)d promoted from the waiting list",
                                  "%(num)d promoted from the waiting list", len(decision.promoted)))
        if decision.skipped:
            parts.append(ngettext("%(num)d left as they were (already decided)",
                                  "%(num)d left as they were (already decided)", len(decision.skipped)))
        flash(_("Done: %(parts)s. Each person was told by email.", parts="; ".join(parts)), "success")
        kept = {k: v for k, v in request.args.items()
                if k in ("role", "state", "checked_in", "q", "review", "attendance", "page")}
        return url_for("registrations.manage", slug=slug, **kept)

    return perform(decide_them, form=form, page=lambda: _render_list(event, form), to=decided)


def _render_detail(event, registration_id: int, *, form=None, role_form=None) -> str:
    registration = queries.registration_or_404(event, registration_id)
    if role_form is None:
        role_form = ChangeRoleForm(formdata=None, role=registration.role.value)
    kind = registration.organisation.kind if registration.organisation else None
    return render_template("registrations/detail.html", event=event, registration=registration,
                           form=form or OrganiserCancelForm(formdata=None), role_form=role_form,
                           allowed_roles=eligibility.allowed_roles(kind))


@bp.get("/events/<slug>/registrations/<int:registration_id>")
@login_required
def registration_detail(slug: str, registration_id: int):
    event = organiser_event_or_404(slug)
    return _render_detail(event, registration_id)


def _promoted(promoted: list[Registration]) -> str:
    """Who got the freed place, said after the change itself."""
    if promoted and promoted[0].user:
        return " " + _("%(name)s got the place from the waiting list.", name=promoted[0].user.name)
    return ""


def _registration_view(form_class, change, said, shown_as: str):
    """An organiser's change to one registration, from its page; the message tells who got a freed place."""
    def view(slug: str, registration_id: int):
        event = organiser_event_or_404(slug)
        registration = queries.registration_or_404(event, registration_id)
        form = form_class()
        return perform(lambda: change(registration, form), form=form,
                       page=lambda: _render_detail(event, registration_id, **{shown_as: form}),
                       to=url_for("registrations.registration_detail", slug=slug, registration_id=registration_id),
                       success=lambda promoted: said(registration) + _promoted(promoted))
    return view


# endpoint: (path, form, the change, message, the form's name on the page)
post_views(bp, "/events/<slug>/registrations/<int:registration_id>/{path}", {
    # Change a registration's role, or keep a flagged one's, with a reason the person sees.
    "change_role": ("role", ChangeRoleForm,
                    lambda registration, form: roles.change_role(registration, form.role.data, current_user,
                                                                 reason=form.reason.data),
                    lambda registration: _("The role is now %(role)s.", role=services.role_label(registration.role)),
                    "role_form"),
    "organiser_cancel": ("cancel", OrganiserCancelForm,
                         lambda registration, form: services.cancel_registration(registration, current_user,
                                                                                 reason=form.reason.data or ""),
                         lambda _registration: _("The registration is cancelled and the person told by email."),
                         "form"),
}, _registration_view)


# --- questions --------------------------------------------------------------------------------------

@bp.route("/events/<slug>/questions", methods=["GET", "POST"])
@login_required
def questions(slug: str):
    event = organiser_event_or_404(slug)
    form = QuestionForm()
    return form_page(lambda: form_questions.add_question(
        event, text=form.text.data, kind=form.kind.data, role=form.role.data or None,
        choices=(form.choices.data or "").splitlines(), required=form.required.data),
        form=form, page=lambda: render_template("registrations/questions.html", event=event, form=form,
                                                rows=queries.questions_of(event), button=ButtonForm()),
        to=url_for("registrations.questions", slug=slug), success=_("The question is on the registration form."))


@bp.post("/events/<slug>/questions/<int:question_id>/delete")
@login_required
def delete_question(slug: str, question_id: int):
    event = organiser_event_or_404(slug)
    question = child_or_404(RegistrationQuestion, question_id, event_id=event.id)
    return perform(lambda: form_questions.delete_question(event, question, actor=current_user), form=ButtonForm(),
                   to=url_for("registrations.questions", slug=slug),
                   success=_("The question is removed, with the answers given to it."))


# --- messages ---------------------------------------------------------------------------------------

@bp.route("/events/<slug>/message", methods=["GET", "POST"])
@login_required
def message(slug: str):
    """Write to chosen registrants: by role, state and whether they came."""
    event = organiser_event_or_404(slug)
    form = MessageForm()
    page = lambda: render_template("registrations/message.html", event=event, form=form)  # noqa: E731
    if request.method == "GET":
        form.states.data = [RegistrationState.CONFIRMED.value]
        return page()

    def sent(job) -> str:
        # The worker writes the messages; the job's page shows how far it has come, then the mail page.
        flash(ngettext("The message is going out to %(num)d person.",
                       "The message is going out to %(num)d people.", job.progress_total), "success")
        return url_for("jobs.show", job_id=job.id)

    return perform(lambda: notify.message_registrants(
        event, current_user, subject=form.subject.data, body=form.body.data, roles=form.roles.data,
        states=form.states.data or [RegistrationState.CONFIRMED.value],
        checked_in={"yes": True, "no": False}.get(form.checked_in.data)),
        form=form, page=page, to=sent)
