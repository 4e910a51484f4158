"""The participant's side: register, see and cancel a registration, consent, ticket and badge,
and the participant list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform, post_views
from dialogue.core.errors import DialogueError
from dialogue.core.forms import ButtonForm
from dialogue.events.access import (
    active_registration,
    event_or_404,
    get_event_or_404,
    is_organiser,
    require_check_in,
    require_participant,
)
from dialogue.models import (
    EventFormat,
    ParticipantRole,
    Registration,
    RegistrationState,
)
from dialogue.registrations import bp, door, eligibility, notify, queries, services
from dialogue.registrations.forms import ConsentForm, RoleForm, registration_form
from dialogue.registrations.questions import questions_for


@bp.app_template_filter("role_label")
def role_label(role) -> str:
    return services.role_label(role)


@bp.app_template_filter("registration_role")
def registration_role(registration: Registration) -> str:
    """The role, and the organisers' exception when they granted one."""
    label = services.role_label(registration.role)
    if registration.role_exception_at is None:
        return label
    return _("%(role)s (exception granted by the organisers: %(reason)s)", role=label,
             reason=registration.role_exception_reason or "")


@bp.app_template_filter("role_plural")
def role_plural(role) -> str:
    return str(services.ROLE_PLURALS[ParticipantRole(role)])


@bp.app_template_filter("state_label")
def state_label(state) -> str:
    return services.state_label(state)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@login_required
def register(slug: str):
    event = get_event_or_404(slug, current_user)
    existing = active_registration(event, current_user)
    if existing is not None:
        flash(_("You are already registered for this event."), "info")
        return redirect(url_for("registrations.mine", slug=slug), 303)
    closed = services.registration_closed_reason(event)
    if closed:
        return render_template("registrations/register.html", event=event, closed=closed, form=None,
                               role_form=None), 200 if request.method == "GET" else 409
    role = request.values.get("role")
    org = current_user.organisation
    # Without an organisation every role is shown; registering then says to join one first.
    offered = eligibility.allowed_roles(org.kind) if org is not None else tuple(ParticipantRole)
    if role not in {r.value for r in offered}:
        role_form = RoleForm(request.args, roles=offered)
        if role_form.role.data not in {r.value for r in offered}:
            default = eligibility.default_role(org.kind) if org is not None else None
            role_form.role.data = default.value if default else None
        status = 200
        if role in {r.value for r in ParticipantRole}:
            # A role outside the rule, from a link or a crafted request: said next to the choice, never taken
            # (a check before any change, so it is not a POST through perform()).
            try:
                eligibility.check_role(current_user, role)
            except DialogueError as exc:
                role_form.role.errors = [exc.message]
                status = exc.status_code if request.method == "POST" else 200
        elif request.method == "POST":
            role_form.role.errors = [_("Choose a role from the list.")]
            status = 400
        return render_template("registrations/register.html", event=event, closed=None, form=None,
                               role_form=role_form), status
    questions = questions_for(event, role)
    hybrid = event.format == EventFormat.HYBRID
    form = registration_form(questions, hybrid=hybrid)
    form.role.data = role
    page = lambda: render_template("registrations/register.html", event=event, closed=None,  # noqa: E731
                                   form=form, role=role, role_form=None, consent_text=services.CONSENT_TEXT)
    if request.method == "GET":
        return page()

    def registered(registration: Registration) -> str:
        # What the person is told depends on the place they got, known only once the service decided.
        flash({RegistrationState.CONFIRMED: _("You are registered. Your ticket is below and in your email."),
               RegistrationState.WAITLISTED: _("The places are taken: you are on the waiting list. We will "
                                               "email you when a place is yours.") if registration.attendance is None
               else _("The %(how)s places are taken: you are on the waiting list for them. We will email you "
                      "when a place is yours.", how=str(registration.attendance.label).lower()),
               RegistrationState.PENDING: _("Thank you. The organisers will approve your registration; "
                                            "we will email you.")}[registration.state], "success")
        return url_for("registrations.mine", slug=slug)

    return perform(lambda: services.register(event, current_user, role, consent=form.consent.data,
                                             attendance=form.attendance.data if hybrid else None,
                                             answers={q.id: getattr(form, f"q_{q.id}").data for q in questions}),
                   form=form, page=page, to=registered)


@bp.get("/events/<slug>/registration")
@login_required
def mine(slug: str):
    event = get_event_or_404(slug, current_user)
    registration = queries.latest_registration(event, current_user)
    if registration is None:
        return redirect(url_for("registrations.register", slug=slug))
    answers = queries.answers_of(registration)
    from dialogue.models import utcnow

    return render_template(
        "registrations/mine.html", event=event, registration=registration, answers=answers,
        can_cancel=registration.is_active and utcnow() <= services.cancellation_deadline(event),
        deadline=services.cancellation_deadline(event), button=ButtonForm(), consent_text=services.CONSENT_TEXT,
        position=notify.waiting_position(registration)
        if registration.state == RegistrationState.WAITLISTED else None)


def _own_registration(slug: str) -> Registration:
    registration = active_registration(get_event_or_404(slug, current_user), current_user)
    if registration is None:
        abort(404, _("You have no active registration for this event."))
    return registration


def _own_registration_view(form_class, change, said):
    """A participant's change to their own registration, from its page."""
    def view(slug: str):
        registration = _own_registration(slug)
        form = form_class()
        return perform(lambda: change(registration, form), form=form, to=url_for("registrations.mine", slug=slug),
                       success=lambda _result: said(form))
    return view


# endpoint: (path, form, the change, message)
post_views(bp, "/events/<slug>/registration/{path}", {
    "cancel": ("cancel", ButtonForm,
               lambda registration, _form: services.cancel_registration(registration, current_user),
               lambda _form: _("Your registration is cancelled. Thank you for freeing the place.")),
    # Be listed among the participants the others see, or no longer.
    "consent": ("consent", ConsentForm,
                lambda registration, form: services.set_list_consent(registration, form.consent.data == "give"),
                lambda form: _("You are in the participant list.") if form.consent.data == "give"
                else _("You are no longer in the participant list.")),
}, _own_registration_view)


# --- ticket and badge -------------------------------------------------------------------------------

def _ticket_or_404(token: str) -> Registration:
    """The ticket link is the key: whoever holds it sees the ticket (as with a paper ticket)."""
    registration = door.get_ticket(token)
    if registration is None or registration.event.status.value == "draft":
        abort(404, _("There is no ticket with this code."))
    return registration


@bp.get("/tickets/<token>")
def ticket(token: str):
    registration = _ticket_or_404(token)
    qr = door.qr_svg(registration, scale=5) if registration.state == RegistrationState.CONFIRMED else None
    response = render_template("registrations/ticket.html", registration=registration, event=registration.event,
                               qr=qr)
    return response, 200, {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


@bp.get("/tickets/<token>/badge")
def badge(token: str):
    registration = _ticket_or_404(token)
    if registration.state != RegistrationState.CONFIRMED:
        abort(404, _("Only a confirmed registration has a badge."))
    return render_template("registrations/badge.html", registrations=[registration], event=registration.event,
                           qr={registration.id: door.qr_svg(registration, scale=3)}), 200, \
        {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


# --- participant list -------------------------------------------------------------------------------

@bp.get("/events/<slug>/participants")
@login_required
def participants(slug: str):
    """Confirmed participants who agreed to be listed; nobody else appears."""
    event = event_or_404(slug, require_participant)
    return render_template("registrations/participants.html", event=event, rows=queries.listed_participants(event),
                           registration=active_registration(event, current_user),
                           organiser=is_organiser(event, current_user))


@bp.get("/events/<slug>/badges")
@login_required
def badges(slug: str):
    """Every confirmed participant's badge, to print before the doors open."""
    event = event_or_404(slug, require_check_in)
    rows = queries.confirmed_with_badges(event)
    return render_template("registrations/badge.html", registrations=rows, event=event,
                           qr={r.id: door.qr_svg(r, scale=3) for r in rows})
