"""Meeting requests: asking a buyer organisation, the request page, accepting, declining, withdrawing, ranking."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from dialogue.core.actions import form_status, perform, post_views
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.inputs import parse_id
from dialogue.extensions import db
from dialogue.meetings import bp, queries, requests
from dialogue.meetings.forms import AcceptForm, NoteForm, PriorityForm, RequestForm
from dialogue.meetings.people import buyer_people, confirmed_registration, get_settings, side_of, supplier_people
from dialogue.meetings.routes import participant_meetings, slot_choices, slot_label
from dialogue.meetings.setup import list_slots
from dialogue.models import MeetingSide, Organisation, RequestStatus, utcnow


@bp.route("/events/<slug>/meetings/request/<int:org_id>", methods=["GET", "POST"])
@login_required
def new_request(slug: str, org_id: int):
    event, settings = participant_meetings(slug)
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    if side_of(confirmed_registration(event, current_user)) != "supplier":
        abort(403, _("Only suppliers and resellers with a confirmed registration can ask for meetings."))
    form = RequestForm()
    intents = requests.requestable_intents(event, org.id)
    form.intent.choices = choices([("", _("None: a general topic"))] + [(i.id, i.title) for i in intents])
    now = utcnow()
    form.preferred_slots.choices = slot_choices([s for s in list_slots(event) if s.starts_at > now], event)
    colleagues = [u for u in supplier_people(event, current_user.organisation.id)
                  if u.id != current_user.id] if current_user.organisation else []
    form.colleagues.choices = choices((u.id, u.name) for u in colleagues)

    def page():
        return render_template("meetings/new_request.html", event=event, org=org, form=form, settings=settings,
                               intents=intents, takes_meetings=bool(buyer_people(event, org.id)),
                               sides=requests.buyer_side_taking_meetings(event, intents))

    if not form.is_submitted():
        if request.args.get("intent"):
            form.intent.data = request.args["intent"]
        return page(), form_status(form)
    return perform(
        lambda: requests.create_request(
            event, current_user, buyer_org_id=org.id, intent_id=parse_id(form.intent.data),
            topic=form.topic.data or "", agenda=form.agenda.data or "",
            preferred_slot_ids=form.preferred_slots.data or [], priority=form.priority.data,
            colleague_ids=form.colleagues.data or []),
        to=lambda created: url_for("meetings.request_detail", request_id=created.id), form=form, page=page,
        success=_("Your request is sent to %(org)s.", org=org.name))


@bp.get("/meetings/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _render_request(requests.get_request_for(request_id, current_user))


def _render_request(req, accept_form=None, decline_form=None):
    event = req.event
    now = utcnow()
    own_org = current_user.organisation.id if current_user.organisation else None
    registration = confirmed_registration(event, current_user)
    is_buyer = side_of(registration) == "buyer" and registration.organisation_id == req.buyer_org_id
    accept_form = accept_form or AcceptForm()
    free = []
    if is_buyer and req.status == RequestStatus.PENDING:
        free = queries.common_free_slots(
            event, [a.user_id for a in req.attendees if a.side == MeetingSide.SUPPLIER] + [current_user.id], now)
        preferred = {p.slot_id for p in req.preferred_slots}
        free.sort(key=lambda s: (s.id not in preferred, s.starts_at))
        accept_form.slot.choices = choices((s.id, slot_label(s, event) + (" ★" if s.id in preferred else ""))
                                           for s in free)
        others = [u for u in buyer_people(event) if u.id != current_user.id]
        accept_form.buyers.choices = choices((u.id, f"{u.name}, {u.organisation.name}") for u in others)
        if request.method == "GET":
            accept_form.buyers.data = [a.user_id for a in req.attendees
                                       if a.side == MeetingSide.BUYER and a.user_id != current_user.id]
    return render_template("meetings/request_detail.html", req=req, event=event, settings=get_settings(event),
                           now=now, is_buyer=is_buyer, is_requester_org=own_org == req.supplier_org_id,
                           accept_form=accept_form, decline_form=decline_form or NoteForm(),
                           priority_form=PriorityForm(priority=req.buyer_priority), free=free, button=ButtonForm())


def _request_view(form_class, action, to, success, shown_as: str | None = None):
    """One answer to a request through perform(); a refusal goes back to the request page."""
    def view(request_id: int):
        req = requests.get_request_for(request_id, current_user)
        form = form_class()
        page = None
        if shown_as is not None:
            page = lambda: _render_request(requests.get_request_for(request_id, current_user),  # noqa: E731
                                           **{shown_as: form})
        return perform(lambda: action(req, form), form=form, page=page, to=lambda result: to(req, result),
                       back=url_for("meetings.request_detail", request_id=request_id), success=success)
    return view


def _event_home(req, _result) -> str:
    return url_for("meetings.event_home", slug=req.event.slug)


# endpoint: (path, form, the answer, where to go after it, message, the form's name on the request page)
post_views(bp, "/meetings/requests/<int:request_id>/{path}", {
    "accept": ("accept", AcceptForm, lambda req, form: requests.accept_request(
        req, current_user, slot_id=form.slot.data, buyer_ids=form.buyers.data or []),
        lambda _req, meeting: url_for("meetings.detail", meeting_id=meeting.id),
        _l("Meeting confirmed. Everyone gets an invitation for their calendar."), "accept_form"),
    "decline": ("decline", NoteForm,
                lambda req, form: requests.decline_request(req, current_user, form.note.data or ""), _event_home,
                _l("The request is declined; the requester is told."), "decline_form"),
    "withdraw": ("withdraw", ButtonForm, lambda req, _form: requests.withdraw_request(req, current_user),
                 _event_home, _l("Your request is withdrawn.")),
    "prioritise": ("priority", PriorityForm,
                   lambda req, form: requests.prioritise_request(req, current_user, form.priority.data),
                   lambda req, _result: url_for("meetings.request_detail", request_id=req.id),
                   _l("Priority saved; the scheduler uses it.")),
}, _request_view)
